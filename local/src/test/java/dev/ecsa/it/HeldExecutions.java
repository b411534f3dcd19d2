package dev.ecsa.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.store.Json;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.local.sfn.ExecutionOptions;
import dev.ecsa.local.sfn.LocalStepFunctions;
import dev.ecsa.local.sfn.StepFunctionsEmulator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * A stand-in drain state machine on the Step Functions emulator whose one Task holds each execution (keyed by the
 * input's requestId) until the test releases it, so "running" and "finished" can both be observed through the real
 * API. Tests of anything that only depends on execution names and statuses use it instead of the drain definition.
 */
public final class HeldExecutions implements AutoCloseable {

    private static final String DEFINITION = """
            {"StartAt": "Hold", "States": {"Hold": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:hold", "End": true}}}""";

    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final String stateMachineArn;
    private final LocalStepFunctions sfn;
    private final StepFunctionsEmulator emulator;
    private final AwsClients clients;

    /** Starts the interpreter and the emulator with one held state machine; an execution gives up after {@code holdLimit}. */
    public HeldExecutions(String stateMachineArn, Duration holdLimit) throws Exception {
        this.stateMachineArn = stateMachineArn;
        JsonNode definition = Json.mapper().readTree(DEFINITION);
        sfn = LocalStepFunctions.launch();
        emulator = StepFunctionsEmulator.start(sfn);
        emulator.register(stateMachineArn, definition, (state, input) -> {
            if (!gate(input.path("requestId").asText()).await(holdLimit.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return Json.mapper().createObjectNode().put("held", true);
        }, ExecutionOptions.AS_DEFINED);
        clients = new AwsClients(AwsClients.Settings.aws(Region.US_EAST_1)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .withEndpoint(emulator.endpoint()));
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public java.net.URI endpoint() {
        return emulator.endpoint();
    }

    /** An SDK client for the emulator. */
    public SfnClient sfn() {
        return clients.sfn();
    }

    /** The ARN of the execution named after {@code requestId}. */
    public String executionArn(String requestId) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + requestId;
    }

    /** Lets the execution of {@code requestId} finish (now, or as soon as it starts). */
    public void release(String requestId) {
        gate(requestId).countDown();
    }

    private CountDownLatch gate(String requestId) {
        return gates.computeIfAbsent(requestId, k -> new CountDownLatch(1));
    }

    @Override
    public void close() {
        gates.values().forEach(CountDownLatch::countDown);
        clients.close();
        emulator.close();
        sfn.close();
    }
}
