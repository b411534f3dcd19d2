package dev.ecsa.core.fleet;

/** Where a rollout is. */
public enum RolloutStatus {
    /** A dry run: planned and recorded, never started. */
    PLANNED,
    /** Waiting for an operator's approval before its first batch. */
    AWAITING_APPROVAL,
    /** Starting its nodes batch by batch. */
    RUNNING,
    /** Paused by an operator: nodes in flight finish, no new one starts. */
    PAUSED,
    /** Over its error budget: nodes in flight finish, then HALTED. */
    HALTING,
    /** Cancelled by an operator: nodes in flight finish, then CANCELLED. */
    CANCELLING,
    /** Ended over its error budget; the nodes not started are left as they were. */
    HALTED,
    /** Ended by an operator; the nodes not started are left as they were. */
    CANCELLED,
    /** Every target was done. */
    COMPLETED,
    /** The message broke the rules (the record says which); nothing was planned or started. */
    REJECTED;

    /** Whether the rollout has ended. */
    public boolean finished() {
        return this == PLANNED || this == HALTED || this == CANCELLED || this == COMPLETED || this == REJECTED;
    }
}
