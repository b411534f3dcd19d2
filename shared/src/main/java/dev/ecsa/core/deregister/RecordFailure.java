package dev.ecsa.core.deregister;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.util.Optional;

/**
 * The RecordFailure Task, where every other Task's uncaught error ends up (Catch States.ALL, the error at
 * {@code $.error}): the node → DEREGISTRATION_FAILED with the reason (an upgrade's: DRAIN_KEPT, the instance stays
 * DRAINING), the request FAILED, NodeDeregistrationFailed (NodeUpgradeFailed) published.
 *
 * <p>The node is moved only if this request holds it (it is DRAINING or DEREGISTERING and this request moved it
 * last): a failure before StartDrain claimed the node, or a claim that lost to another request, must not disturb
 * the node. The event is published before the node moves. A request whose outcome is already recorded (a step that
 * failed after recording it) is left as it is, with no event. Idempotent: the move is conditional, the request's
 * first finish wins.
 */
public final class RecordFailure {

    static final String STEP = "record-failure";

    private final NodeStore store;
    private final EventPublisher events;
    private final RequestJournal journal;

    public RecordFailure(NodeStore store, EventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.journal = new RequestJournal(store, clock);
    }

    public DrainState handle(DrainState state, CaughtError error) {
        if (journal.finished(state.requestId())) {
            // The outcome is recorded (a replay, or a step that failed after recording it): a failure event now
            // would contradict it.
            return state;
        }
        Failure caught = error.toFailure();
        Failure failure = state.deregistered()
                ? new Failure(caught.reason(), "deregistered from ECS and SSM, but the host was not cleaned: "
                        + caught.message())
                : caught;
        Optional<NodeRecord> node = store.getNode(state.nodeId());
        // An upgrade that failed keeps the node DRAINING for a person (its agents may be half-changed); a
        // deregistration that failed is DEREGISTRATION_FAILED.
        NodeState failed = state.upgrading() ? NodeState.DRAIN_KEPT : NodeState.DEREGISTRATION_FAILED;
        Optional<NodeRecord> held = node.filter(n -> holds(n, state) && n.state().canMoveTo(failed));
        // Published while the node is still this request's: a refused event fails the attempt, and the retry finds
        // everything as it was.
        events.publish(state.upgrading()
                ? new NodeEvent.NodeUpgradeFailed(state.nodeId(), state.requestId(), failure.reason().name(),
                        failure.message(), false, held.isPresent())
                : new NodeEvent.NodeDeregistrationFailed(state.nodeId(), state.requestId(),
                        failure.reason().name(), failure.message()));
        NodeRecord after = held.map(n -> store.transition(n.nodeId(), new Transition(n.state(), failed, n.version()),
                        NodeUpdate.none().withLastRequestId(state.requestId()).withLastError(failure)).orThrow())
                .orElse(null);
        journal.record(state.requestId(), STEP, StepResult.FAILED,
                failure.reason() + ": " + failure.message() + (after == null ? " (node left as it was)" : ""));
        store.finishRequest(state.requestId(), Outcome.FAILED, failure);
        NodeRecord n = after != null ? after : node.orElse(null);
        return n == null || after == null ? state : state.withNode(n.state(), n.version());
    }

    private static boolean holds(NodeRecord node, DrainState state) {
        return state.requestId().equals(node.lastRequestId())
                && (node.state() == NodeState.DRAINING || node.state() == NodeState.DEREGISTERING);
    }
}
