package dev.ecsa.core.state;

/** What a store should do with a wanted move, given what it found. */
public enum TransitionDecision {
    /** The node is at {@code from} with the expected version: write the move. */
    APPLY,
    /** The node is already at {@code to}, one version later: a replay of this very move; write nothing. */
    ALREADY_DONE,
    /** Anything else: another operation got there first. */
    CONFLICT
}
