package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.util.Optional;

/**
 * The StartDrain Task: claims the node for this workflow (node → DRAINING) and sets its container instance DRAINING,
 * remembering whether this workflow's own call did so.
 *
 * <p>Idempotent: a re-run finds the node already claimed by this request (its own move, recognised by version and
 * request id) and the instance already DRAINING. Whether this workflow set DRAINING survives a re-run because the
 * first run records a {@value #SET_DRAINING} step before it returns; if the first run died between ECS's answer and
 * that record, the re-run sees DRAINING and counts it as someone else's — the safe side: a timeout then never
 * reverts it, it keeps it and alerts.
 */
public final class StartDrain {

    /** The request-record step written only when this workflow's own call set DRAINING. */
    public static final String SET_DRAINING = "set-draining";
    static final String STEP = "start-drain";

    private final NodeStore store;
    private final ContainerInstances containers;
    private final EventPublisher events;
    private final Clock clock;
    private final DrainSettings settings;
    private final RequestJournal journal;

    public StartDrain(NodeStore store, ContainerInstances containers, EventPublisher events, Clock clock,
                      DrainSettings settings) {
        this.store = store;
        this.containers = containers;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.journal = new RequestJournal(store, clock);
    }

    /** Runs the step for the execution input and returns the workflow state CheckDrain and the Choice work from. */
    public DrainState handle(DrainStart start) {
        DrainState state = DrainState.initial(start);
        NodeRecord node = store.getNode(start.nodeId()).orElseThrow(() ->
                new PermanentException(Reason.NOT_REGISTERED, "node " + start.nodeId() + " has no record"));
        // The instance comes from the request (which read the node item) or the node item: never from a scan.
        String cluster = start.cluster() != null ? start.cluster() : node.cluster();
        String arn = start.containerInstanceArn() != null ? start.containerInstanceArn() : node.containerInstanceArn();

        NodeRecord claimed = claim(node, start);
        state = state.withNode(claimed.state(), claimed.version());

        Optional<ContainerInstance> instance = arn == null || cluster == null
                ? Optional.empty() : containers.describe(cluster, arn);
        if (start.purpose() == DrainPurpose.UPGRADE
                && (claimed.state() != NodeState.DRAINING || instance.isEmpty() || instance.get().status().isGone())) {
            throw new PermanentException(Reason.INVALID_STATE, "node " + start.nodeId() + " has no container "
                    + "instance in ECS" + (arn == null ? "" : " (" + arn + " is gone)")
                    + ": there are no agents to upgrade; deregister the node and register it again");
        }
        if (claimed.state() != NodeState.DRAINING || instance.isEmpty() || instance.get().status().isGone()) {
            String why = claimed.state() != NodeState.DRAINING
                    ? "the node is " + claimed.state() + ": nothing to drain, deregistering what it left behind"
                    : arn == null ? "no container instance is recorded for the node: deregistering from SSM only"
                    : "container instance " + arn + " is gone from ECS: deregistering from SSM only";
            journal.record(start.requestId(), STEP, StepResult.SKIPPED, why);
            return state.started(cluster, arn, false, settings.pollSeconds()).withDecision(WorkflowDecision.DEREGISTER);
        }

        ContainerInstance ci = instance.get();
        boolean weSetDraining;
        String how;
        if (ci.status() == ContainerInstanceStatus.ACTIVE) {
            boolean changed = containers.setStatus(cluster, arn, ContainerInstanceStatus.DRAINING);
            if (changed) {
                journal.record(start.requestId(), SET_DRAINING, StepResult.SUCCEEDED,
                        "this workflow set container instance " + arn + " DRAINING; a timeout may revert it");
            }
            weSetDraining = changed || journal.has(start.requestId(), SET_DRAINING, StepResult.SUCCEEDED);
            how = weSetDraining ? "set DRAINING by this workflow"
                    : "was set DRAINING by someone else just now; it will never be reverted";
        } else if (ci.status() == ContainerInstanceStatus.DRAINING) {
            weSetDraining = journal.has(start.requestId(), SET_DRAINING, StepResult.SUCCEEDED);
            how = weSetDraining ? "set DRAINING by this workflow"
                    : "already DRAINING before this workflow (someone else's drain); it will never be reverted";
        } else {
            throw new PermanentException(Reason.CONFLICT,
                    "container instance " + arn + " is " + ci.status() + " and cannot be drained");
        }
        String agent = ci.agentConnected() ? ""
                : "; the ECS agent is disconnected: its tasks cannot stop until it reconnects, and at the deadline "
                + "the " + start.policy().wireName() + " policy applies";
        journal.record(start.requestId(), STEP, StepResult.SUCCEEDED, "container instance " + arn + " " + how
                + agent + "; deadline " + start.deadline() + ", policy " + start.policy().wireName());
        events.publish(new NodeEvent.NodeDrainStarted(start.nodeId(), start.requestId(), cluster, arn,
                start.deadline().toString(), start.policy().wireName()));

        // One look right away: an instance without tasks is drained now, not one poll interval later.
        DrainCheck first = DrainCheck.decide(clock.instant(), start.deadline(), containers.listTasks(cluster, arn));
        return state.started(cluster, arn, weSetDraining, settings.pollSeconds()).withCheck(first, 0);
    }

    /**
     * Moves the node to DRAINING for this request, or recognises that it already is: the request's intake may have
     * taken the guard itself (node DRAINING at the version it handed over), or this step ran before (DRAINING one
     * version later, moved by this request). A node whose registration failed cannot drain: the intake took it to
     * DEREGISTERING for this request (or, from an intake before that, it is still REGISTRATION_FAILED), and
     * Deregister takes it from there.
     */
    private NodeRecord claim(NodeRecord node, DrainStart start) {
        long v = start.nodeVersion();
        boolean ours = start.requestId().equals(node.lastRequestId());
        if (node.state() == NodeState.DRAINING && (node.version() == v || node.version() == v + 1 && ours)) {
            if (!ours) {
                return store.updateNode(node.nodeId(), NodeState.DRAINING,
                        NodeUpdate.none().withLastRequestId(start.requestId()));
            }
            return node;
        }
        if (node.state() == NodeState.REGISTRATION_FAILED && node.version() == v) {
            return node;
        }
        // A failed registration's leftovers: the intake took the node straight to DEREGISTERING for this request.
        if (node.state() == NodeState.DEREGISTERING && ours && node.version() == v) {
            return node;
        }
        if (!node.state().canMoveTo(NodeState.DRAINING)) {
            throw new PermanentException(Reason.CONFLICT, "node " + node.nodeId() + " is " + node.state()
                    + " at version " + node.version() + " and cannot be drained by request " + start.requestId());
        }
        return store.transition(node.nodeId(), new Transition(node.state(), NodeState.DRAINING, v),
                NodeUpdate.none().withLastRequestId(start.requestId()).clearingLastError()).orThrow();
    }
}
