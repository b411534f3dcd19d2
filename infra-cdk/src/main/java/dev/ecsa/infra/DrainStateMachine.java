package dev.ecsa.infra;

import dev.ecsa.core.deregister.DrainStep;
import dev.ecsa.core.deregister.WorkflowDecision;
import dev.ecsa.core.error.RetryableException;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The drain workflow: a Standard state machine whose loop (Wait, CheckDrain, Choice) is the state machine's own,
 * while every decision is made by the drain function (and, inside it, by the domain core). The function receives
 * {@code {"step": <state name>, "state": <workflow state>}} and returns the next workflow state, which carries a
 * {@code decision} field the Choice states branch on. No secret is ever in this state.
 */
public final class DrainStateMachine extends Construct {

    /* State names as they appear in the console come from the domain core; the drain function dispatches on them. */
    public static final String START_DRAIN = DrainStep.START_DRAIN.stateName();
    public static final String WAIT_FOR_DRAIN = DrainStep.WAIT_FOR_DRAIN.stateName();
    public static final String CHECK_DRAIN = DrainStep.CHECK_DRAIN.stateName();
    public static final String DRAIN_DECISION = DrainStep.DRAIN_DECISION.stateName();
    public static final String APPLY_TIMEOUT_POLICY = DrainStep.APPLY_TIMEOUT_POLICY.stateName();
    public static final String TIMEOUT_DECISION = DrainStep.TIMEOUT_DECISION.stateName();
    public static final String DEREGISTER = DrainStep.DEREGISTER.stateName();
    public static final String CLEAN_HOST = DrainStep.CLEAN_HOST.stateName();
    public static final String RECORD_FAILURE = DrainStep.RECORD_FAILURE.stateName();
    public static final String NODE_DEREGISTERED = DrainStep.NODE_DEREGISTERED.stateName();
    public static final String DRAIN_ENDED_WITHOUT_DEREGISTRATION = DrainStep.DRAIN_ENDED_WITHOUT_DEREGISTRATION.stateName();
    public static final String DRAIN_FAILED = DrainStep.DRAIN_FAILED.stateName();
    public static final String UPGRADE_AGENTS = DrainStep.UPGRADE_AGENTS.stateName();
    public static final String UPGRADE_DECISION = DrainStep.UPGRADE_DECISION.stateName();
    public static final String NODE_UPGRADED = DrainStep.NODE_UPGRADED.stateName();
    public static final String UPGRADE_NOT_APPLIED = DrainStep.UPGRADE_NOT_APPLIED.stateName();

    /**
     * The one error type the workflow retries. The Lambda Java runtime reports an uncaught exception's class name as
     * the error type, which Retry matches exactly.
     */
    public static final String RETRYABLE_ERROR = RetryableException.class.getName();

    /**
     * Lambda's answer when the function's concurrency is used up (the invoke was throttled, the function never ran).
     * LambdaInvoke's own service-exception Retry does not list it.
     */
    public static final String LAMBDA_THROTTLED = "Lambda.TooManyRequestsException";

    /**
     * The function's process died mid-invocation (killed, out of memory): Lambda answers with this error type and the
     * next invocation gets a new environment. Every Task is idempotent, so it is tried again, twice at most.
     */
    public static final String FUNCTION_CRASHED = "Runtime.ExitError";

    private final StateMachine stateMachine;

    /**
     * Slack over the drain function's own timeout for each Task: the Task never gives up on an invocation that the
     * function would still finish, and never waits forever (AWS sets no Task timeout unless one is given; the
     * States Language's default of 60 s, which local interpreters apply, is shorter than a host cleanup).
     */
    public static final int TASK_TIMEOUT_SLACK_SECONDS = 30;

    private final int taskTimeoutSeconds;

    /**
     * @param drainFunctionTimeoutSeconds the drain function's timeout: each Task's timeout is it plus
     *                                    {@link #TASK_TIMEOUT_SLACK_SECONDS}
     */
    public DrainStateMachine(Construct scope, String id, String stateMachineName, IFunction drainFunction,
            int drainFunctionTimeoutSeconds, RetentionDays logRetention) {
        super(scope, id);
        this.taskTimeoutSeconds = drainFunctionTimeoutSeconds + TASK_TIMEOUT_SLACK_SECONDS;

        LambdaInvoke startDrain = step(START_DRAIN, drainFunction);
        LambdaInvoke checkDrain = step(CHECK_DRAIN, drainFunction);
        LambdaInvoke applyTimeoutPolicy = step(APPLY_TIMEOUT_POLICY, drainFunction);
        LambdaInvoke deregister = step(DEREGISTER, drainFunction);
        LambdaInvoke cleanHost = step(CLEAN_HOST, drainFunction);
        LambdaInvoke upgradeAgents = step(UPGRADE_AGENTS, drainFunction);
        LambdaInvoke recordFailure = LambdaInvoke.Builder.create(this, RECORD_FAILURE)
                .lambdaFunction(drainFunction)
                .payload(TaskInput.fromObject(Map.of(
                        "step", RECORD_FAILURE,
                        "state", JsonPath.objectAt("$"))))
                .payloadResponseOnly(true)
                .resultPath(JsonPath.DISCARD)
                .taskTimeout(Timeout.duration(Duration.seconds(taskTimeoutSeconds)))
                .build();
        // Recording a failure can itself meet throttling; retry it the same way, then give up loudly.
        recordFailure.addRetry(retryable());
        recordFailure.addRetry(crashed());

        Wait waitForDrain = Wait.Builder.create(this, WAIT_FOR_DRAIN)
                .time(WaitTime.secondsPath("$.pollSeconds"))
                .build();
        Succeed deregistered = Succeed.Builder.create(this, NODE_DEREGISTERED).build();
        Succeed endedWithout = Succeed.Builder.create(this, DRAIN_ENDED_WITHOUT_DEREGISTRATION)
                .comment("The deadline passed and the policy reverted the node to ACTIVE or kept it DRAINING.")
                .build();
        Succeed upgraded = Succeed.Builder.create(this, NODE_UPGRADED)
                .comment("The agents run the new versions under the same ids; the instance is ACTIVE again.")
                .build();
        Fail notUpgraded = Fail.Builder.create(this, UPGRADE_NOT_APPLIED)
                .error("UpgradeNotApplied")
                .cause("The upgrade was rolled back, refused before any change, or not confirmed; the request record "
                        + "holds why and whether the node is ACTIVE again or held DRAINING.")
                .build();
        Fail failed = Fail.Builder.create(this, DRAIN_FAILED)
                .error("DrainFailed")
                .cause("A step failed permanently; the request record holds the reason.")
                .build();

        recordFailure.addRetry(throttled());
        for (LambdaInvoke task : List.of(startDrain, checkDrain, applyTimeoutPolicy, deregister, cleanHost,
                upgradeAgents)) {
            task.addRetry(retryable());
            task.addRetry(throttled());
            task.addRetry(crashed());
            task.addCatch(recordFailure, CatchProps.builder()
                    .errors(List.of(Errors.ALL))
                    .resultPath("$.error")
                    .build());
        }
        recordFailure.next(failed);

        Choice drainDecision = Choice.Builder.create(this, DRAIN_DECISION).build()
                .when(decided(WorkflowDecision.DRAINED), deregister)
                .when(decided(WorkflowDecision.DEADLINE_PASSED), applyTimeoutPolicy)
                .when(decided(WorkflowDecision.DEREGISTER), deregister)
                .when(decided(WorkflowDecision.UPGRADE), upgradeAgents)
                .otherwise(waitForDrain);
        Choice timeoutDecision = Choice.Builder.create(this, TIMEOUT_DECISION).build()
                .when(decided(WorkflowDecision.DEREGISTER), deregister)
                .when(decided(WorkflowDecision.UPGRADE), upgradeAgents)
                .otherwise(endedWithout);
        Choice upgradeDecision = Choice.Builder.create(this, UPGRADE_DECISION).build()
                .when(decided(WorkflowDecision.UPGRADED), upgraded)
                .otherwise(notUpgraded);

        startDrain.next(drainDecision);
        waitForDrain.next(checkDrain);
        checkDrain.next(drainDecision);
        applyTimeoutPolicy.next(timeoutDecision);
        deregister.next(cleanHost);
        cleanHost.next(deregistered);
        upgradeAgents.next(upgradeDecision);

        this.stateMachine = Workflows.standard(this, stateMachineName, startDrain, "Drain an ECS Anywhere node, wait "
                + "until no task is left or the deadline passes, then deregister it from ECS and Systems Manager and "
                + "clean the host (or, for an upgrade, upgrade its agents in place and set it ACTIVE again), or apply the "
                + "timeout policy.",
                // Generous bound: the drain deadline is at most one hour; the rest is retries and cleanup.
                Duration.hours(2), logRetention);
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    private LambdaInvoke step(String name, IFunction fn) {
        return LambdaInvoke.Builder.create(this, name)
                .lambdaFunction(fn)
                .payload(TaskInput.fromObject(Map.of(
                        "step", name,
                        "state", JsonPath.objectAt("$"))))
                // The function returns the whole next workflow state.
                .payloadResponseOnly(true)
                .taskTimeout(Timeout.duration(Duration.seconds(taskTimeoutSeconds)))
                .build();
    }

    /** A throttled invoke ran nothing: wait with jitter and try again, longer than for the function's own errors. */
    static RetryProps throttled() {
        return RetryProps.builder()
                .errors(List.of(LAMBDA_THROTTLED))
                .interval(Duration.seconds(2))
                .backoffRate(2)
                .maxDelay(Duration.seconds(60))
                .jitterStrategy(JitterType.FULL)
                .maxAttempts(10)
                .build();
    }

    /** An environment that died ran the Task partly or not at all; the Tasks are idempotent: two more tries. */
    static RetryProps crashed() {
        return RetryProps.builder()
                .errors(List.of(FUNCTION_CRASHED))
                .interval(Duration.seconds(2))
                .backoffRate(2)
                .maxAttempts(2)
                .build();
    }

    static RetryProps retryable() {
        return RetryProps.builder()
                .errors(List.of(RETRYABLE_ERROR))
                .interval(Duration.seconds(5))
                .backoffRate(2)
                .maxAttempts(5)
                .build();
    }

    /** The Choice's test of the decision a Task returned: the enum's name, as the functions write it. */
    private static Condition decided(WorkflowDecision decision) {
        return Condition.stringEquals("$.decision", decision.name());
    }
}
