package dev.ecsa.core.deregister;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The drain workflow's state: what every Task of the state machine receives (as {@code $.state}) and returns whole.
 * It is visible in the Step Functions history, so it holds no secret, and it stays far below the 256 KB payload limit:
 * of the tasks still on the instance it keeps the counts and at most {@link #MAX_LISTED_TASKS} of them.
 *
 * <p>The first seven fields are the execution input ({@link DrainStart}); StartDrain adds the rest. docs/drain-workflow.md
 * describes every field.
 *
 * @param nodeVersion     the node item's version as this workflow last left it (the input carries the version the
 *                        request found); every conditional transition of the workflow expects it
 * @param nodeState       the node's state as this workflow last left it; {@code null} until StartDrain ran
 * @param weSetDraining   whether this workflow's own call moved the container instance to DRAINING (only then may a
 *                        timeout revert it)
 * @param pollSeconds     the WaitForDrain interval ({@code $.pollSeconds})
 * @param decision        what the Choice after this Task does ({@code $.decision}); {@code null} before StartDrain
 * @param checks          how many times CheckDrain ran
 * @param remainingTasks  tasks not yet STOPPED at the last check
 * @param standaloneTasks of those, the tasks no service owns (draining never stops them)
 * @param blockingTasks   up to {@link #MAX_LISTED_TASKS} of the remaining tasks, standalone ones first
 * @param forced          the container instance is deregistered with force (policy force at the deadline)
 * @param deregistered    ECS and SSM deregistration are done; only the host cleanup is left
 * @param purpose         what the drain is for (deregister, or upgrade in place)
 * @param targets         the versions an upgrade reaches (none for a deregistration)
 */
public record DrainState(
        String requestId,
        String nodeId,
        String cluster,
        String containerInstanceArn,
        Instant deadline,
        TimeoutPolicy policy,
        long nodeVersion,
        NodeState nodeState,
        boolean weSetDraining,
        int pollSeconds,
        WorkflowDecision decision,
        int checks,
        int remainingTasks,
        int standaloneTasks,
        List<TaskInfo> blockingTasks,
        boolean forced,
        boolean deregistered,
        DrainPurpose purpose,
        TargetVersions targets) {

    /** How many remaining tasks the state lists by ARN; the counts are always complete. */
    public static final int MAX_LISTED_TASKS = 20;

    public DrainState {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(policy, "policy");
        blockingTasks = blockingTasks == null ? List.of() : List.copyOf(blockingTasks);
        purpose = purpose == null ? DrainPurpose.DEREGISTER : purpose;
        targets = targets == null ? TargetVersions.none() : targets;
        if (blockingTasks.size() > MAX_LISTED_TASKS) {
            throw new IllegalArgumentException("at most " + MAX_LISTED_TASKS + " tasks are listed");
        }
    }

    /** The state before StartDrain: the execution input and nothing else. */
    public static DrainState initial(DrainStart start) {
        return new DrainState(start.requestId(), start.nodeId(), start.cluster(), start.containerInstanceArn(),
                start.deadline(), start.policy(), start.nodeVersion(), null, false, 0, null, 0, 0, 0, List.of(),
                false, false, start.purpose(), start.targets());
    }

    /** This state with the node where a conditional transition left it. */
    public DrainState withNode(NodeState state, long version) {
        return new DrainState(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, version, state,
                weSetDraining, pollSeconds, decision, checks, remainingTasks, standaloneTasks, blockingTasks, forced,
                deregistered, purpose, targets);
    }

    /**
     * This state with the node's state and version when this request moved it last, else unchanged: what a replayed
     * closing step reports once another request may have taken the node.
     */
    public DrainState withNodeIfMovedByThisRequest(NodeRecord node) {
        return requestId.equals(node.lastRequestId()) ? withNode(node.state(), node.version()) : this;
    }

    /** This state with the next decision. */
    public DrainState withDecision(WorkflowDecision next) {
        return new DrainState(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, nodeVersion,
                nodeState, weSetDraining, pollSeconds, next, checks, remainingTasks, standaloneTasks, blockingTasks,
                forced, deregistered, purpose, targets);
    }

    /**
     * This state after a drain check: the decision, the counts and the (bounded) list of remaining tasks. A drained
     * node of an upgrade goes on to UpgradeAgents instead of Deregister.
     */
    public DrainState withCheck(DrainCheck check, int checkCount) {
        WorkflowDecision next = check.decision() == WorkflowDecision.DRAINED && purpose == DrainPurpose.UPGRADE
                ? WorkflowDecision.UPGRADE : check.decision();
        return new DrainState(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, nodeVersion,
                nodeState, weSetDraining, pollSeconds, next, checkCount,
                check.blocking().size(), check.standalone().size(), listed(check), forced, deregistered, purpose,
                targets);
    }

    /** The state StartDrain hands on. */
    DrainState started(String cluster, String arn, boolean weSet, int poll) {
        return new DrainState(requestId, nodeId, cluster, arn, deadline, policy, nodeVersion, nodeState, weSet, poll,
                decision, checks, remainingTasks, standaloneTasks, blockingTasks, forced, deregistered, purpose,
                targets);
    }

    /** This state marked for a forced deregistration. */
    DrainState forcing() {
        return new DrainState(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, nodeVersion,
                nodeState, weSetDraining, pollSeconds, WorkflowDecision.DEREGISTER, checks, remainingTasks,
                standaloneTasks, blockingTasks, true, deregistered, purpose, targets);
    }

    /** This state once ECS and SSM deregistration are done. */
    DrainState deregisteredInAws() {
        return new DrainState(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, nodeVersion,
                nodeState, weSetDraining, pollSeconds, decision, checks, remainingTasks, standaloneTasks,
                blockingTasks, forced, true, purpose, targets);
    }

    /** Whether this drain ends in an in-place upgrade rather than a deregistration. */
    public boolean upgrading() {
        return purpose == DrainPurpose.UPGRADE;
    }

    /** The ARNs of the listed remaining tasks. */
    public List<String> blockingArns() {
        return blockingTasks.stream().map(TaskInfo::arn).toList();
    }

    /**
     * Standalone tasks first: they are the ones a person has to act on (draining stops service tasks by itself).
     */
    private static List<TaskInfo> listed(DrainCheck check) {
        List<TaskInfo> services = check.blocking().stream().filter(TaskInfo::serviceTask).toList();
        return java.util.stream.Stream.concat(check.standalone().stream(), services.stream())
                .limit(MAX_LISTED_TASKS).toList();
    }
}
