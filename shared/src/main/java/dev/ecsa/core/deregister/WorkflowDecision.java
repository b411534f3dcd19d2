package dev.ecsa.core.deregister;

/**
 * The {@code decision} field of the drain workflow's state: the only thing the state machine's Choice states read.
 * The CDK definition's Choice states (DrainDecision, TimeoutDecision, UpgradeDecision) test these names;
 * {@link DrainCheck} answers with the first three.
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
    /** The workflow ends without deregistering (reverted or kept after a timeout), or without upgrading. */
    END,
    /** An upgrade's node is drained (or the policy is force at the deadline): UpgradeAgents. */
    UPGRADE,
    /** The upgrade is done and confirmed: NodeUpgraded. */
    UPGRADED
}
