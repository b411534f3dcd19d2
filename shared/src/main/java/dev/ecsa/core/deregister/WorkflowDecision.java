package dev.ecsa.core.deregister;

import dev.ecsa.core.drain.DrainDecision;

/**
 * The {@code decision} field of the drain workflow's state: the only thing the state machine's Choice states read.
 * Its names are compared as strings by the definition in {@code infra-cdk} (DrainDecision and TimeoutDecision).
 */
public enum WorkflowDecision {
    /** Tasks remain, the deadline has not passed: WaitForDrain, then CheckDrain again. */
    WAIT,
    /** No task is left on the instance: Deregister. */
    DRAINED,
    /** Tasks remain and the deadline passed: ApplyTimeoutPolicy. */
    DEADLINE_PASSED,
    /** Deregister now without (further) draining: the instance is gone from ECS, or the policy is force. */
    DEREGISTER,
    /** The workflow ends without deregistering (reverted or kept after a timeout). */
    END;

    /** The workflow decision for a drain check's answer. */
    public static WorkflowDecision of(DrainDecision decision) {
        return switch (decision) {
            case WAIT -> WAIT;
            case DRAINED -> DRAINED;
            case DEADLINE_PASSED -> DEADLINE_PASSED;
        };
    }
}
