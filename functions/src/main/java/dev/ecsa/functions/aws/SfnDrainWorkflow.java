package dev.ecsa.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.functions.Json;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * {@link DrainWorkflow} on Step Functions: StartExecution with the request id as execution name and the JSON of
 * {@link DrainStart} as input.
 *
 * <p>Idempotency comes from the execution name. Step Functions itself treats a repeated StartExecution with the same
 * name and input as a no-op <em>while that execution runs</em> (it answers success, so this adapter then reports
 * {@code true} again: the caller cannot tell a replay from the first start in that window, and must not need to —
 * events are at-least-once). Once the name exists with other input, or the execution has finished, Step Functions
 * answers ExecutionAlreadyExists; the adapter then compares the stored input: equal means already started
 * ({@code false}), different is a CONFLICT.
 */
public final class SfnDrainWorkflow implements DrainWorkflow {

    private final SfnClient sfn;
    private final String stateMachineArn;

    /**
     * @param sfn             the Step Functions client
     * @param stateMachineArn the drain workflow's state machine
     *                        ({@code arn:aws:states:<region>:<account>:stateMachine:<name>})
     */
    public SfnDrainWorkflow(SfnClient sfn, String stateMachineArn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
        this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
        if (!stateMachineArn.contains(":stateMachine:")) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
    }

    @Override
    public boolean start(DrainStart input) {
        String name = DrainWorkflow.executionName(input.requestId());
        String json = toJson(input);
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(json));
            return true;
        } catch (SdkException e) {
            if (!AwsErrors.hasCode(e, "ExecutionAlreadyExists")) {
                throw AwsErrors.translate("Step Functions StartExecution", e);
            }
        }
        DescribeExecutionResponse existing;
        try {
            existing = sfn.describeExecution(r -> r.executionArn(executionArn(name)));
        } catch (SdkException e) {
            throw AwsErrors.translate("Step Functions DescribeExecution", e);
        }
        if (sameJson(json, existing.input())) {
            return false;
        }
        throw new PermanentException(Reason.CONFLICT,
                "a drain execution named " + name + " already exists with other input");
    }

    /** The ARN Step Functions gives an execution of this state machine: same prefix, {@code execution}, the name. */
    String executionArn(String executionName) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    static String toJson(DrainStart input) {
        try {
            return Json.mapper().writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write the drain input as JSON", e);
        }
    }

    /** Compares as JSON trees, so formatting and key order do not matter. */
    static boolean sameJson(String a, String b) {
        if (b == null) {
            return false;
        }
        try {
            JsonNode left = Json.mapper().readTree(a);
            JsonNode right = Json.mapper().readTree(b);
            return left.equals(right);
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
