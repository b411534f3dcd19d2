package dev.ecsa.core.request;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The per-node guard both actions take before they touch anything: one request at a time per node, by conditional
 * writes on the node item. A request either moves the node into its working state (REGISTERING, DRAINING), finds it
 * already its own (a redelivery), finds it busy with another request, or finds it in a state the action decides
 * about. The guard decides which; what each case means is the action's business.
 */
public final class NodeGuard {

    /** Step name of the guard in a request's trail. */
    public static final String STEP = "guard";

    /** Conditional writes lost to another writer before the request counts the node as busy. */
    private static final int TRIES = 3;

    /** What the guard found. */
    public enum Kind {
        /** This request moved the node (or created it) into the claim's target state: go on. */
        TAKEN,
        /** The node already carries this request's id in a state the claim owns: a redelivery. */
        OWN,
        /** Another request has an operation in flight on the node (or kept winning the conditional write). */
        BUSY,
        /** The node has no item (and the claim creates none). */
        ABSENT,
        /** The node is in a state the claim neither moves from nor owns: the action decides. */
        FOUND
    }

    /**
     * The guard's decision.
     *
     * @param node the node as the guard last read or wrote it; {@code null} only for ABSENT
     * @param step for TAKEN, the guard's step for the request's trail (the caller records it with its next write);
     *             {@code null} otherwise
     */
    public record Decision(Kind kind, NodeRecord node, Step step) {

        Decision(Kind kind, NodeRecord node) {
            this(kind, node, null);
        }
    }

    /**
     * What a request asks of the guard.
     *
     * @param target  the working state the request moves the node into
     * @param from    the states it may move the node from
     * @param owns    the states in which a node carrying this request's id is this request's own
     * @param update  what the move writes besides the state, given the node as read
     * @param initial the item to create when the node has none; {@code null} when an absent node is the action's case
     */
    public record Claim(String nodeId, String requestId, NodeState target, Set<NodeState> from,
                        Predicate<NodeState> owns, Function<NodeRecord, NodeUpdate> update,
                        Supplier<NodeRecord> initial) {

        public Claim {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(target, "target");
            from = Set.copyOf(from);
            Objects.requireNonNull(owns, "owns");
            Objects.requireNonNull(update, "update");
        }
    }

    private final NodeStore store;
    private final Clock clock;

    public NodeGuard(NodeStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Takes the node for the claim's request; a move comes with the step that records it. */
    public Decision take(Claim claim) {
        NodeRecord node = store.getNode(claim.nodeId()).orElse(null);
        for (int tries = 1; ; tries++) {
            Instant at = clock.instant();
            if (node == null) {
                if (claim.initial() == null) {
                    return new Decision(Kind.ABSENT, null);
                }
                NodeCreation created = store.createNodeIfAbsent(claim.initial().get());
                if (created.created()) {
                    return new Decision(Kind.TAKEN, created.node(), step(at, "new node, " + claim.target()));
                }
                node = created.node();
            }
            if (claim.requestId().equals(node.lastRequestId()) && claim.owns().test(node.state())) {
                return new Decision(Kind.OWN, node);
            }
            if (node.state().isBusy()) {
                return new Decision(Kind.BUSY, node);
            }
            if (!claim.from().contains(node.state())) {
                return new Decision(Kind.FOUND, node);
            }
            TransitionResult moved = store.transition(claim.nodeId(),
                    new Transition(node.state(), claim.target(), node.version()), claim.update().apply(node));
            if (moved.decision() != TransitionDecision.CONFLICT) {
                return new Decision(Kind.TAKEN, moved.node(), step(at, node.state() + " -> " + claim.target()
                        + " at version " + moved.node().version()));
            }
            if (tries >= TRIES && moved.node() != null) {
                return new Decision(Kind.BUSY, moved.node());
            }
            node = moved.node();
        }
    }

    private Step step(Instant at, String detail) {
        return new Step(STEP, at, clock.instant(), StepResult.SUCCEEDED, detail);
    }
}
