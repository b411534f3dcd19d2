package dev.ecsa.core.deregister;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.state.NodeState;

/**
 * What a drain does when its deadline passes with tasks left, and where that leaves the node. The drain workflow
 * branches on the name; the node's next state and the request's outcome come from here too, so the three can't drift.
 */
public enum TimeoutAction {
    /** Policy revert, and this workflow set DRAINING: set the instance ACTIVE again. */
    REVERT_TO_ACTIVE(NodeState.REGISTERED, Outcome.DRAIN_TIMED_OUT, false),
    /**
     * Policy revert, but the instance was already DRAINING before this workflow (someone else drained it): reverting
     * would undo their drain, so it is left DRAINING and a person is told.
     */
    LEAVE_OTHERS_DRAIN(NodeState.DRAIN_KEPT, Outcome.DRAIN_TIMED_OUT, true),
    /** Policy force: deregister anyway (remaining tasks are orphaned). */
    FORCE_DEREGISTER(NodeState.DEREGISTERING, Outcome.FORCE_DEREGISTERED, false),
    /** Policy keep: leave the instance DRAINING and alert. */
    KEEP_DRAINING(NodeState.DRAIN_KEPT, Outcome.DRAIN_KEPT, true);

    private final NodeState nextState;
    private final Outcome outcome;
    private final boolean alert;

    TimeoutAction(NodeState nextState, Outcome outcome, boolean alert) {
        this.nextState = nextState;
        this.outcome = outcome;
        this.alert = alert;
    }

    /** The node's state after this action (from DRAINING). */
    public NodeState nextState() {
        return nextState;
    }

    /**
     * The request's outcome. For {@link #FORCE_DEREGISTER} this is the outcome once the deregistration that follows
     * has succeeded.
     */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether a person must be alerted (the instance is left DRAINING with tasks on it). */
    public boolean alert() {
        return alert;
    }

    /** Whether the container instance's status must be set back to ACTIVE. */
    public boolean setsActive() {
        return this == REVERT_TO_ACTIVE;
    }

    /** Whether the container instance is deregistered with {@code force}. */
    public boolean forcesDeregistration() {
        return this == FORCE_DEREGISTER;
    }

    /**
     * The action for {@code policy}.
     *
     * @param weSetDraining whether this workflow's own call moved the instance to DRAINING
     *                      ({@link dev.ecsa.core.port.ContainerInstances#setStatus} returned {@code true})
     */
    public static TimeoutAction decide(TimeoutPolicy policy, boolean weSetDraining) {
        return switch (policy) {
            case REVERT -> weSetDraining ? REVERT_TO_ACTIVE : LEAVE_OTHERS_DRAIN;
            case FORCE -> FORCE_DEREGISTER;
            case KEEP -> KEEP_DRAINING;
        };
    }
}
