package dev.ecsa.core.state;

import java.util.Objects;

/** The replay rule every store adapter shares (DynamoDB, in-memory): apply, already done, or conflict. */
public final class Transitions {

    private Transitions() {
    }

    /**
     * Decides what to do with {@code wanted} when the node's item is at {@code currentState}/{@code currentVersion}.
     *
     * @param currentState the stored state, or {@code null} when the node has no item (never seen)
     */
    public static TransitionDecision decide(NodeState currentState, long currentVersion, Transition wanted) {
        Objects.requireNonNull(wanted, "wanted");
        if (currentState == null) {
            return TransitionDecision.CONFLICT;
        }
        if (currentState == wanted.from() && currentVersion == wanted.expectedVersion()) {
            return TransitionDecision.APPLY;
        }
        if (currentState == wanted.to() && currentVersion == wanted.resultingVersion()) {
            return TransitionDecision.ALREADY_DONE;
        }
        return TransitionDecision.CONFLICT;
    }
}
