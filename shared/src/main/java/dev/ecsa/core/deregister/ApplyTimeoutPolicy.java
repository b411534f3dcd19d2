package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.Transition;
import java.time.Clock;

/**
 * The ApplyTimeoutPolicy Task: the deadline passed with tasks left; {@link TimeoutAction#decide} says what happens.
 * <ul>
 *   <li>revert, and this workflow set DRAINING: the instance is set ACTIVE again, the node goes back to REGISTERED,
 *       the request ends DRAIN_TIMED_OUT naming the tasks that blocked;</li>
 *   <li>revert, but the DRAINING was someone else's: it is left alone, the node goes to DRAIN_KEPT, DRAIN_TIMED_OUT;</li>
 *   <li>keep: the node goes to DRAIN_KEPT, DRAIN_KEPT;</li>
 *   <li>force: nothing changes here; the decision DEREGISTER sends the workflow to Deregister with force (an
 *       upgrade's decision UPGRADE sends it to UpgradeAgents).</li>
 * </ul>
 * Every case publishes NodeDrainTimedOut (with the action, so an alert can tell keep from revert).
 *
 * <p>The event is published before the node is let go, so a refused event fails the attempt while the node is still
 * this request's. Idempotent: a replay after the node was let go changes nothing in ECS and only finishes the request
 * (the first finish wins); one that finds the node taken by another request is a CONFLICT and sets nothing ACTIVE; a
 * re-published event carries the same request id.
 */
public final class ApplyTimeoutPolicy {

    static final String STEP = "timeout-policy";

    private final NodeStore store;
    private final ContainerInstances containers;
    private final EventPublisher events;
    private final RequestJournal journal;

    public ApplyTimeoutPolicy(NodeStore store, ContainerInstances containers, EventPublisher events, Clock clock) {
        this.store = store;
        this.containers = containers;
        this.events = events;
        this.journal = new RequestJournal(store, clock);
    }

    public DrainState handle(DrainState state) {
        TimeoutAction action = TimeoutAction.decide(state.policy(), state.weSetDraining());
        String blocked = "drain deadline " + state.deadline() + " passed with "
                + TaskText.summary(state.remainingTasks(), state.standaloneTasks(), state.blockingTasks());
        String what = switch (action) {
            case REVERT_TO_ACTIVE -> "policy revert: container instance set ACTIVE again, node back to REGISTERED";
            case LEAVE_OTHERS_DRAIN -> "policy revert, but the instance was DRAINING before this workflow: left "
                    + "DRAINING (not ours to undo), node DRAIN_KEPT; a person must decide";
            case KEEP_DRAINING -> "policy keep: container instance left DRAINING, node DRAIN_KEPT; a person must decide";
            case FORCE_DEREGISTER -> "policy force: deregistering anyway; the remaining tasks are orphaned";
        };
        if (action.forcesDeregistration() && state.upgrading()) {
            // Restarting an agent does not stop its containers: an upgrade goes ahead with the tasks still there.
            journal.record(state.requestId(), STEP, StepResult.SUCCEEDED, blocked
                    + "; policy force: upgrading anyway (an agent restart does not stop the tasks)");
            publish(state, action);
            return state.withDecision(WorkflowDecision.UPGRADE);
        }
        if (action.forcesDeregistration()) {
            journal.record(state.requestId(), STEP, StepResult.SUCCEEDED, blocked + "; " + what);
            publish(state, action);
            return state.forcing();
        }
        Failure failure = new Failure(Reason.TIMED_OUT, blocked + "; " + what);
        Transition release = new Transition(state.nodeState(), action.nextState(), state.nodeVersion());
        NodeRecord current = store.getNode(state.nodeId()).orElseThrow(() ->
                new PermanentException(Reason.NOT_FOUND, "node " + state.nodeId() + " has no record"));
        // A CONFLICT when another request has the node now: its instance status is not this workflow's to change.
        if (journal.finished(state.requestId()) || LetGo.already(current, state, release, "")) {
            // A replay: an earlier attempt published the event and let the node go; at most the finish is left.
            store.finishRequest(state.requestId(), action.outcome(), failure);
            return state.withNodeIfMovedByThisRequest(current).withDecision(WorkflowDecision.END);
        }
        if (action.setsActive()) {
            containers.setStatus(state.cluster(), state.containerInstanceArn(), ContainerInstanceStatus.ACTIVE);
        }
        // Published while the node is still this request's: a refused event fails the attempt and the retry repeats it.
        publish(state, action);
        NodeRecord node = store.transition(state.nodeId(), release,
                NodeUpdate.none().withLastRequestId(state.requestId()).withLastError(failure)).orThrow();
        journal.record(state.requestId(), STEP, StepResult.FAILED, failure.message());
        store.finishRequest(state.requestId(), action.outcome(), failure);
        return state.withNode(node.state(), node.version()).withDecision(WorkflowDecision.END);
    }

    private void publish(DrainState state, TimeoutAction action) {
        events.publish(new NodeEvent.NodeDrainTimedOut(state.nodeId(), state.requestId(), state.policy().wireName(),
                action.name(), state.blockingArns()));
    }
}
