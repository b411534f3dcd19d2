package dev.ecsa.functions.aws;

import dev.ecsa.core.fleet.RolloutWorkflow;
import dev.ecsa.store.AwsErrors;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@link RolloutWorkflow} on Step Functions: StartExecution named after the rollout (a continuation
 * {@code <rolloutId>-g<generation>}), with {@code {"rolloutId", "steps": 0, "generation"}} as input. Idempotent by
 * the name: Step Functions answers the same name and input of a running execution with success,
 * and ExecutionAlreadyExists once it has ended; either way the rollout's workflow exists (the input is the same by
 * construction, so there is nothing to compare).
 */
public final class SfnRolloutWorkflow implements RolloutWorkflow {

    private final SfnClient sfn;
    private final String stateMachineArn;

    public SfnRolloutWorkflow(SfnClient sfn, String stateMachineArn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
        this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
        if (!stateMachineArn.contains(":stateMachine:")) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
    }

    @Override
    public void start(String rolloutId) {
        execution(rolloutId, rolloutId, 1);
    }

    @Override
    public void continueAs(String rolloutId, int generation) {
        execution(rolloutId + "-g" + generation, rolloutId, generation);
    }

    /** The workflow's input: the rollout, the steps this execution took (none yet) and its generation. */
    private void execution(String name, String rolloutId, int generation) {
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name)
                    .input("{\"rolloutId\":\"" + rolloutId + "\",\"steps\":0,\"generation\":" + generation + "}"));
        } catch (SdkException e) {
            if (!AwsErrors.hasCode(e, "ExecutionAlreadyExists")) {
                throw AwsErrors.translate("Step Functions StartExecution", e);
            }
        }
    }
}
