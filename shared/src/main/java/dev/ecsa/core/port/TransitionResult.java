package dev.ecsa.core.port;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.TransitionDecision;
import java.util.Objects;

/**
 * The result of a conditional transition.
 *
 * @param decision APPLY when this call wrote the move, ALREADY_DONE for a replay, CONFLICT when the item was
 *                 elsewhere (nothing written)
 * @param node     the item as stored now, or {@code null} if the node has no item
 */
public record TransitionResult(TransitionDecision decision, NodeRecord node) {

    public TransitionResult {
        Objects.requireNonNull(decision, "decision");
    }

    /** The stored node, or a CONFLICT exception naming where the node actually is. */
    public NodeRecord orThrow() {
        if (decision == TransitionDecision.CONFLICT) {
            throw new PermanentException(Reason.CONFLICT, node == null ? "node has no record"
                    : "node " + node.nodeId() + " is " + node.state() + " at version " + node.version());
        }
        return node;
    }
}
