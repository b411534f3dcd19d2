package dev.ecsa.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The rollout workflow (docs/rollouts.md): a Standard state machine that steps one rollout until it ends. Each
 * AdvanceRollout Task invokes the rollout function with {@code {"rolloutId", "steps", "generation"}}, which takes one
 * step of the rollout (collect outcomes, apply budgets and controls, start what is allowed) and answers whether this
 * execution ended and how long to wait; the loop's Wait is the state machine's own. After a thousand steps the
 * function starts the next execution ({@code <rolloutId>-g<n>}) and this one ends, so no history grows past what a
 * Standard execution keeps. Every decision is the function's (and the domain core's).
 */
public final class RolloutStateMachine extends Construct {

    public static final String ADVANCE_ROLLOUT = "AdvanceRollout";
    public static final String ROLLOUT_DECISION = "RolloutDecision";
    public static final String WAIT_FOR_ROLLOUT = "WaitForRollout";
    public static final String ROLLOUT_ENDED = "RolloutEnded";
    public static final String ROLLOUT_STEP_FAILED = "RolloutStepFailed";
    /** The rollout function's timeout; each Task allows it plus the drain workflow's slack. */
    public static final int STEP_TIMEOUT_SECONDS = 120;

    private final StateMachine stateMachine;

    public RolloutStateMachine(Construct scope, String id, String stateMachineName, IFunction rolloutFunction,
                               RetentionDays logRetention) {
        super(scope, id);
        LambdaInvoke advance = LambdaInvoke.Builder.create(this, ADVANCE_ROLLOUT)
                .lambdaFunction(rolloutFunction)
                .payload(TaskInput.fromObject(Map.of("rolloutId", JsonPath.stringAt("$.rolloutId"),
                        "steps", JsonPath.numberAt("$.steps"), "generation", JsonPath.numberAt("$.generation"))))
                .payloadResponseOnly(true)
                .taskTimeout(Timeout.duration(Duration.seconds(STEP_TIMEOUT_SECONDS
                        + DrainStateMachine.TASK_TIMEOUT_SLACK_SECONDS)))
                .build();
        advance.addRetry(DrainStateMachine.retryable());
        advance.addRetry(DrainStateMachine.throttled());
        advance.addRetry(DrainStateMachine.crashed());
        Fail failed = Fail.Builder.create(this, ROLLOUT_STEP_FAILED)
                .error("RolloutStepFailed")
                .cause("A step of the rollout failed permanently; its nodes keep their own requests' outcomes. Read "
                        + "the rollout function's log, then send a new rollout for the nodes not yet done.")
                .build();
        advance.addCatch(failed);
        Succeed ended = Succeed.Builder.create(this, ROLLOUT_ENDED)
                .comment("The rollout completed, halted or was cancelled; its record holds every node's outcome.")
                .build();
        Wait wait = Wait.Builder.create(this, WAIT_FOR_ROLLOUT)
                .time(WaitTime.secondsPath("$.waitSeconds"))
                .build();
        Choice decision = Choice.Builder.create(this, ROLLOUT_DECISION).build()
                .when(Condition.booleanEquals("$.ended", true), ended)
                .otherwise(wait);
        advance.next(decision);
        wait.next(advance);

        // A rollout waits out closed windows in steps; three weeks bound even a long one (and stay under the 2^31 ms
        // a JavaScript timer holds, which the local interpreter's timeout is).
        this.stateMachine = Workflows.standard(this, stateMachineName, advance, "Roll one action out to many ECS "
                + "Anywhere nodes in batches, within disruption and error budgets, capacity and maintenance windows, "
                + "through each node's own request.", Duration.days(21), logRetention);
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    /** The state names, for tests of the definition. */
    public static List<String> stateNames() {
        return List.of(ADVANCE_ROLLOUT, ROLLOUT_DECISION, WAIT_FOR_ROLLOUT, ROLLOUT_ENDED, ROLLOUT_STEP_FAILED);
    }
}
