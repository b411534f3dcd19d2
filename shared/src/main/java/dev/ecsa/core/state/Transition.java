package dev.ecsa.core.state;

import java.util.Objects;

/**
 * A wanted move of one node from {@code from} (at {@code expectedVersion}) to {@code to}.
 *
 * <p>The version counts state transitions: a move writes {@code expectedVersion + 1}. Field updates that do not
 * change the state leave it alone, so a replayed move can still recognise its own result.
 *
 * @throws IllegalArgumentException if the move is not legal ({@link NodeState#canMoveTo})
 */
public record Transition(NodeState from, NodeState to, long expectedVersion) {

    public Transition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.canMoveTo(to)) {
            throw new IllegalArgumentException("illegal node state move " + from + " -> " + to);
        }
        if (expectedVersion < 1) {
            throw new IllegalArgumentException("versions start at 1, got " + expectedVersion);
        }
    }

    /** The version the node has after this move. */
    public long resultingVersion() {
        return expectedVersion + 1;
    }
}
