package dev.ecsa.core.port;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.util.List;
import java.util.Optional;

/**
 * The inventory: one item per node and one per request (DynamoDB in AWS). Every write is a single-item conditional
 * write; there are no transactions.
 */
public interface NodeStore {

    /**
     * Stores a request record unless one with its request id exists. Idempotent by request id (condition
     * {@code attribute_not_exists}): a redelivered message finds its record.
     *
     * @return {@code true} if this call stored it
     */
    boolean putRequestIfAbsent(RequestRecord request);

    /** The request record, if any. */
    Optional<RequestRecord> getRequest(String requestId);

    /** The node item, if any (absent = never seen). */
    Optional<NodeRecord> getNode(String nodeId);

    /**
     * Creates the node item unless one exists (condition {@code attribute_not_exists}). {@code initial} must be in
     * {@link NodeState#initial()} at version 1.
     */
    NodeCreation createNodeIfAbsent(NodeRecord initial);

    /**
     * Moves the node {@code move.from() → move.to()} and applies {@code update}, in one write conditioned on state
     * {@code from} and version {@code move.expectedVersion()}; the new version is {@code expectedVersion + 1}.
     * Idempotent: the decision is {@link dev.ecsa.core.state.Transitions#decide} — a replay that finds the node at
     * {@code to} one version later is ALREADY_DONE and writes nothing; anything else is CONFLICT, also writing nothing.
     */
    TransitionResult transition(String nodeId, Transition move, NodeUpdate update);

    /**
     * Sets fields without moving the node, conditioned on the node being in {@code expectedState}; the version is not
     * changed (it counts transitions). Idempotent: setting the same values again changes nothing.
     *
     * @throws dev.ecsa.core.error.PermanentException CONFLICT if the node is absent or in another state
     */
    NodeRecord updateNode(String nodeId, NodeState expectedState, NodeUpdate update);

    /**
     * Sets fields without moving the node, only if the node is still exactly as {@code seen} (same state, version and
     * {@code updatedAt}): an optimistic claim, e.g. a redelivered registration taking the node over from a delivery
     * that has ended. The write always moves {@code updatedAt} forward, so of several claims on one {@code seen}
     * exactly one wins.
     *
     * @return the updated node, or empty if it changed since {@code seen} (or is gone)
     */
    Optional<NodeRecord> claimNode(NodeRecord seen, NodeUpdate update);

    /**
     * Adds steps to a request record in one write, each added or replacing the step with the same name and start time
     * (so a replayed step does not appear twice; of several with one identity, the last counts). A completed request
     * keeps its outcome.
     *
     * @throws dev.ecsa.core.error.PermanentException NOT_FOUND if the request has no record
     */
    RequestRecord appendSteps(String requestId, List<Step> steps);

    /** {@link #appendSteps} of one step. */
    default RequestRecord appendStep(String requestId, Step step) {
        return appendSteps(requestId, List.of(step));
    }

    /**
     * Completes a request with an outcome, adding its last steps in the same write (as {@link #appendSteps} would).
     * Idempotent, first finish wins (condition: not yet completed): a later call keeps the stored outcome, and only
     * adds its steps.
     *
     * @param failure   why it failed or was rejected, or {@code null}
     * @param lastSteps steps not yet written, possibly none
     * @throws dev.ecsa.core.error.PermanentException NOT_FOUND if the request has no record
     */
    RequestRecord finishRequest(String requestId, Outcome outcome, Failure failure, List<Step> lastSteps);

    /** {@link #finishRequest(String, Outcome, Failure, List)} with no steps to add. */
    default RequestRecord finishRequest(String requestId, Outcome outcome, Failure failure) {
        return finishRequest(requestId, outcome, failure, List.of());
    }

    /** Every node in {@code state} (the by-state index), in no particular order. Read-only. */
    List<NodeRecord> listNodesByState(NodeState state);
}
