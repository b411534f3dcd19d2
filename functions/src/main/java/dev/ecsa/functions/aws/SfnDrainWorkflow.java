package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.DrainExecution;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.store.Json;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@link DrainWorkflow} on Step Functions: StartExecution with the request id as execution name and the JSON of
 * {@link DrainStart} as input.
 *
 * <p>Idempotency comes from the execution name. Step Functions answers a repeated StartExecution with the same name
 * and input <em>while that execution runs</em> with plain success (no error), which would make a replay look like a
 * first start. So the adapter first asks DescribeExecution: an existing execution with equal input (compared as JSON)
 * means already started ({@code false}); with other input it is a CONFLICT; only when none exists does it call
 * StartExecution. If a concurrent caller wins the gap between the two calls, Step Functions answers
 * ExecutionAlreadyExists (other input, or the execution already ended) and the same comparison decides. Two callers
 * starting the same input at the same moment could both see {@code true}; the per-node FIFO queue rules that out.
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
        Optional<DescribeExecutionResponse> existing = describe(name);
        if (existing.isPresent()) {
            return alreadyStarted(name, json, existing.get());
        }
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(json));
            return true;
        } catch (SdkException e) {
            if (!AwsErrors.hasCode(e, "ExecutionAlreadyExists")) {
                throw AwsErrors.translate("Step Functions StartExecution", e);
            }
        }
        DescribeExecutionResponse winner = describe(name).orElseThrow(() -> new RetryableException(
                Reason.AWS_UNAVAILABLE, "Step Functions reported execution " + name + " as existing and as missing"));
        return alreadyStarted(name, json, winner);
    }

    /**
     * {@inheritDoc} The input is read back as a {@link DrainStart}; input this adapter did not write is reported as
     * {@code null} rather than failing the caller.
     */
    @Override
    public Optional<DrainExecution> find(String requestId) {
        return describe(DrainWorkflow.executionName(requestId)).map(d -> new DrainExecution(requestId,
                fromJson(d.input()), d.status() == ExecutionStatus.RUNNING));
    }

    private static DrainStart fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, DrainStart.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    private Optional<DescribeExecutionResponse> describe(String name) {
        try {
            return Optional.of(sfn.describeExecution(r -> r.executionArn(executionArn(name))));
        } catch (SdkException e) {
            if (AwsErrors.hasCode(e, "ExecutionDoesNotExist")) {
                return Optional.empty();
            }
            throw AwsErrors.translate("Step Functions DescribeExecution", e);
        }
    }

    private static boolean alreadyStarted(String name, String json, DescribeExecutionResponse existing) {
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
