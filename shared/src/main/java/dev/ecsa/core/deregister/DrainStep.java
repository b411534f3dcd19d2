package dev.ecsa.core.deregister;

/**
 * The states of the drain workflow, named as the Step Functions console shows them. The CDK definition builds its
 * states from these names and the drain function dispatches on them, so the diagram, the code and the records
 * cannot drift apart.
 */
public enum DrainStep {
    /** Task: set the container instance DRAINING (remembering whether this workflow did) and compute the deadline. */
    START_DRAIN("StartDrain", true),
    /** Wait: the poll interval between checks. */
    WAIT_FOR_DRAIN("WaitForDrain", false),
    /** Task: list the tasks still on the instance and decide (drained, wait, deadline passed). */
    CHECK_DRAIN("CheckDrain", true),
    /** Choice on the last decision. */
    DRAIN_DECISION("DrainDecision", false),
    /** Task: apply the timeout policy (revert, force, keep). */
    APPLY_TIMEOUT_POLICY("ApplyTimeoutPolicy", true),
    /** Choice after the policy: deregister anyway, or end. */
    TIMEOUT_DECISION("TimeoutDecision", false),
    /** Task: deregister the container instance from ECS and the managed instance from SSM. */
    DEREGISTER("Deregister", true),
    /** Task: run the cleanup script on the host over SSH. */
    CLEAN_HOST("CleanHost", true),
    /** Task: upgrade the drained node's agents in place and confirm the new versions (an upgrade's drain). */
    UPGRADE_AGENTS("UpgradeAgents", true),
    /** Choice after the upgrade: upgraded, or not. */
    UPGRADE_DECISION("UpgradeDecision", false),
    /** Succeed: the node's agents run the new versions under the same ids. */
    NODE_UPGRADED("NodeUpgraded", false),
    /** Fail: the upgrade did not happen (rolled back, refused, or kept DRAINING); the request record says why. */
    UPGRADE_NOT_APPLIED("UpgradeNotApplied", false),
    /** Task: record a permanent failure caught from any other task. */
    RECORD_FAILURE("RecordFailure", true),
    /** Succeed: the node is deregistered. */
    NODE_DEREGISTERED("NodeDeregistered", false),
    /** Succeed: the deadline passed and the policy reverted or kept the node. */
    DRAIN_ENDED_WITHOUT_DEREGISTRATION("DrainEndedWithoutDeregistration", false),
    /** Fail: a step failed permanently. */
    DRAIN_FAILED("DrainFailed", false);

    private final String stateName;
    private final boolean task;

    DrainStep(String stateName, boolean task) {
        this.stateName = stateName;
        this.task = task;
    }

    /** The state's name in the definition. */
    public String stateName() {
        return stateName;
    }

    /** Whether the state is a Task handled by the drain function. */
    public boolean isTask() {
        return task;
    }

    /** The step with this state name. */
    public static DrainStep ofStateName(String name) {
        for (DrainStep step : values()) {
            if (step.stateName.equals(name)) {
                return step;
            }
        }
        throw new IllegalArgumentException("no drain workflow state is named " + name);
    }
}
