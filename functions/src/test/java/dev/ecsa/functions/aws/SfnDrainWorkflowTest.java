package dev.ecsa.functions.aws;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.store.AwsFailures;
import dev.ecsa.store.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drain workflow adapter's naming, input and idempotency, against a scripted SfnClient. */
class SfnDrainWorkflowTest {

    private static final String STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:EcsaDrain";
    private static final DrainStart START = new DrainStart("req-1", "node-1", "edge",
            "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/abc", Instant.parse("2026-11-25T18:10:00Z"),
            TimeoutPolicy.values()[0], 3);

    private final Script script = new Script();
    private final SfnClient client = new SfnClient() {
        @Override
        public StartExecutionResponse startExecution(StartExecutionRequest r) {
            return script.answer(r);
        }

        @Override
        public DescribeExecutionResponse describeExecution(DescribeExecutionRequest r) {
            return script.answer(r);
        }

        @Override
        public String serviceName() {
            return "states";
        }

        @Override
        public void close() {
        }
    };
    private final SfnDrainWorkflow workflow = new SfnDrainWorkflow(client, STATE_MACHINE);

    private static Object doesNotExist() {
        return AwsFailures.error(ExecutionDoesNotExistException.builder(), "ExecutionDoesNotExist", 400,
                "Execution Does Not Exist");
    }

    private static ExecutionAlreadyExistsException alreadyExists() {
        return (ExecutionAlreadyExistsException) AwsFailures.error(ExecutionAlreadyExistsException.builder(),
                "ExecutionAlreadyExists", 400, "Execution Already Exists");
    }

    @Test
    void startsAnExecutionNamedAfterTheRequestWithTheDrainStartAsInput() throws Exception {
        script.then(r -> doesNotExist()).thenReturn(StartExecutionResponse.builder().executionArn("x").build());

        assertThat(workflow.start(START)).isTrue();

        StartExecutionRequest sent = script.requestsOf(StartExecutionRequest.class).get(0);
        assertThat(sent.stateMachineArn()).isEqualTo(STATE_MACHINE);
        assertThat(sent.name()).isEqualTo("req-1");
        JsonNode input = Json.mapper().readTree(sent.input());
        assertThat(input.get("requestId").asText()).isEqualTo("req-1");
        assertThat(input.get("deadline").asText()).isEqualTo("2026-11-25T18:10:00Z");
        assertThat(Json.mapper().treeToValue(input, DrainStart.class)).isEqualTo(START);
    }

    @Test
    void existingExecutionWithTheSameInputMeansAlreadyStarted() throws Exception {
        // Stored input formatted differently (whitespace, key order): still the same JSON.
        ObjectNode ours = (ObjectNode) Json.mapper().readTree(SfnDrainWorkflow.toJson(START));
        ObjectNode reversed = Json.mapper().createObjectNode();
        List<String> names = new ArrayList<>();
        ours.fieldNames().forEachRemaining(names::add);
        Collections.reverse(names);
        names.forEach(n -> reversed.set(n, ours.get(n)));
        String stored = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(reversed);
        assertThat(stored).isNotEqualTo(SfnDrainWorkflow.toJson(START));
        script.thenReturn(DescribeExecutionResponse.builder().input(stored).status("RUNNING").build());

        assertThat(workflow.start(START)).isFalse();

        assertThat(script.requestsOf(StartExecutionRequest.class)).isEmpty();
        assertThat(script.requestsOf(DescribeExecutionRequest.class).get(0).executionArn())
                .isEqualTo("arn:aws:states:eu-west-1:123456789012:execution:EcsaDrain:req-1");
    }

    @Test
    void existingExecutionWithOtherInputIsAConflict() {
        DrainStart other = new DrainStart("req-1", "node-2", "edge", null, START.deadline(), START.policy(), 1);
        script.thenReturn(DescribeExecutionResponse.builder().input(SfnDrainWorkflow.toJson(other)).build());

        assertThatThrownBy(() -> workflow.start(START)).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThat(script.requestsOf(StartExecutionRequest.class)).isEmpty();
    }

    @Test
    void losingTheRaceToAConcurrentStartComparesWithTheWinner() {
        script.then(r -> doesNotExist())
                .then(r -> alreadyExists())
                .thenReturn(DescribeExecutionResponse.builder().input(SfnDrainWorkflow.toJson(START)).build());

        assertThat(workflow.start(START)).isFalse();
        assertThat(script.requests).hasSize(3);
    }

    @Test
    void losingTheRaceToOtherInputIsAConflict() {
        DrainStart other = new DrainStart("req-1", "node-2", "edge", null, START.deadline(), START.policy(), 1);
        script.then(r -> doesNotExist())
                .then(r -> alreadyExists())
                .thenReturn(DescribeExecutionResponse.builder().input(SfnDrainWorkflow.toJson(other)).build());

        assertThatThrownBy(() -> workflow.start(START)).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }

    @Test
    void throttledStartIsRetryable() {
        script.then(r -> doesNotExist())
                .then(r -> AwsFailures.error(SfnException.builder(), "ThrottlingException", 400, "Rate exceeded"));

        assertThatThrownBy(() -> workflow.start(START)).isInstanceOf(RetryableException.class);
    }

    @Test
    void refusesSomethingThatIsNotAStateMachineArn() {
        assertThatThrownBy(() -> new SfnDrainWorkflow(client, "EcsaDrain"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
