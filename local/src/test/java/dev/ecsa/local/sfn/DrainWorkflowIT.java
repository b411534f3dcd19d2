package dev.ecsa.local.sfn;

import static dev.ecsa.local.sfn.ExecutionEvent.STATE_CAUGHT;
import static dev.ecsa.local.sfn.ExecutionEvent.STATE_FAILED;
import static dev.ecsa.local.sfn.ExecutionEvent.STATE_RETRIED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.lambda.StackOnBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drain workflow exactly as the stack deploys it (the ASL infra-cdk writes at package time), run on the local
 * interpreter with its Task states bound to a Java stand-in for the drain function.
 */
class DrainWorkflowIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far longer than any test waits: if the overrides were ignored, the execution could not finish in time. */
    private static final int POLL_SECONDS = 3600;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ExecutionOptions FAST = ExecutionOptions.fast(Duration.ofMillis(5), Duration.ofMillis(5));

    private static LocalStepFunctions sfn;
    private static JsonNode definition;

    @BeforeAll
    static void start() {
        definition = drainWorkflowDefinition();
        sfn = LocalStepFunctions.launch();
    }

    @AfterAll
    static void stop() {
        if (sfn != null) {
            sfn.close();
        }
    }

    /** infra-cdk/target/drain-workflow.asl.json, written by the infra-cdk build (package phase). */
    static JsonNode drainWorkflowDefinition() {
        Path file = DynaliteServer.locateRepoRoot().resolve(StackOnBench.DEFINITION);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build infra-cdk first "
                    + "(./mvnw -pl shared,store,functions,infra-cdk package -DskipTests)");
        }
        return LocalStepFunctions.readDefinition(file);
    }

    static ObjectNode drainInput(String nodeId) {
        return JSON.createObjectNode().put("nodeId", nodeId).put("requestId", "req-" + nodeId)
                .put("pollSeconds", POLL_SECONDS);
    }

    @Test
    void theSynthesizedDefinitionIsValidAsl() {
        sfn.validate(definition);
    }

    @Test
    void pollsUntilDrainedThenDeregistersAndCleansTheHost() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", "WAIT")
                .on("CheckDrain", "WAIT", "DRAINED")
                .on("Deregister", "DEREGISTERED")
                .on("CleanHost", "CLEANED");

        ExecutionResult result = sfn.run(definition, drainInput("n1"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly(
                "StartDrain", "DrainDecision", "WaitForDrain", "CheckDrain", "DrainDecision", "WaitForDrain",
                "CheckDrain", "DrainDecision", "Deregister", "CleanHost", "NodeDeregistered");
        assertThat(result.timesEntered("WaitForDrain")).isEqualTo(2);
        assertThat(result.transitions()).isEqualTo(11);
        assertThat(drain.calls()).containsExactly("StartDrain", "CheckDrain", "CheckDrain", "Deregister", "CleanHost");
        // The function gets the whole workflow state and returns the next one (payloadResponseOnly).
        assertThat(drain.payloads().get(0).path("state").path("nodeId").asText()).isEqualTo("n1");
        assertThat(result.output().path("nodeId").asText()).isEqualTo("n1");
        assertThat(result.output().path("decision").asText()).isEqualTo("CLEANED");
    }

    @Test
    void retriesTheRetryableErrorThenGoesOn() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", "WAIT")
                .on("CheckDrain", ScriptedDrainFunction.retryable("throttled"),
                        ScriptedDrainFunction.retryable("throttled again"), "DRAINED")
                .on("Deregister", "DEREGISTERED")
                .on("CleanHost", "CLEANED");

        ExecutionResult result = sfn.run(definition, drainInput("n2"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.count(STATE_FAILED, "CheckDrain")).isEqualTo(2);
        assertThat(result.count(STATE_RETRIED, "CheckDrain")).isEqualTo(2);
        assertThat(result.timesEntered("CheckDrain")).isEqualTo(1);
        assertThat(result.timesEntered("RecordFailure")).isZero();
        assertThat(drain.callsOf("CheckDrain")).isEqualTo(3);
        assertThat(result.events()).filteredOn(e -> STATE_FAILED.equals(e.type()))
                .extracting(ExecutionEvent::error).containsOnly(ScriptedDrainFunction.RETRYABLE);
    }

    @Test
    void givesUpAfterTheRetryBudgetAndRecordsTheFailure() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", ScriptedDrainFunction.retryable("still throttled"))
                .on("RecordFailure", "RECORDED");

        ExecutionResult result = sfn.run(definition, drainInput("n3"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("DrainFailed");
        // MaxAttempts 5 in DrainWorkflow: the first try and five retries.
        assertThat(result.count(STATE_RETRIED, "StartDrain")).isEqualTo(5);
        assertThat(drain.callsOf("StartDrain")).isEqualTo(6);
        assertThat(result.count(STATE_CAUGHT, "StartDrain")).isEqualTo(1);
        assertThat(result.enteredStates()).containsExactly("StartDrain", "RecordFailure", "DrainFailed");
    }

    @Test
    void aJavaExceptionIsAPermanentFailureNamedByItsClass() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", "WAIT")
                .on("CheckDrain", new HostKeyRejected("host key changed"))
                .on("RecordFailure", "RECORDED");

        ExecutionResult result = sfn.run(definition, drainInput("n4"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("DrainFailed");
        assertThat(result.cause()).isEqualTo("A step failed permanently; the request record holds the reason.");
        assertThat(result.enteredStates()).containsExactly(
                "StartDrain", "DrainDecision", "WaitForDrain", "CheckDrain", "RecordFailure", "DrainFailed");
        assertThat(result.count(STATE_RETRIED, "CheckDrain")).isZero();
        // RecordFailure sees the error as AWS passes it: Error = class name, Cause = the Lambda error payload.
        JsonNode recorded = drain.payloads().get(drain.payloads().size() - 1).path("state").path("error");
        assertThat(recorded.path("Error").asText()).isEqualTo(HostKeyRejected.class.getName());
        JsonNode lambdaError = readTree(recorded.path("Cause").asText());
        assertThat(lambdaError.path("errorType").asText()).isEqualTo(HostKeyRejected.class.getName());
        assertThat(lambdaError.path("errorMessage").asText()).isEqualTo("host key changed");
    }

    @Test
    void deadlineWithRevertEndsWithoutDeregistration() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", "WAIT")
                .on("CheckDrain", "DEADLINE_PASSED")
                .on("ApplyTimeoutPolicy", "REVERTED");

        ExecutionResult result = sfn.run(definition, drainInput("n5"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith(
                "CheckDrain", "DrainDecision", "ApplyTimeoutPolicy", "TimeoutDecision",
                "DrainEndedWithoutDeregistration");
        assertThat(result.timesEntered("Deregister")).isZero();
        assertThat(drain.calls()).doesNotContain("Deregister", "CleanHost");
    }

    @Test
    void deadlineWithForceDeregistersAnyway() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction()
                .on("StartDrain", "DEADLINE_PASSED")
                .on("ApplyTimeoutPolicy", "DEREGISTER")
                .on("Deregister", "DEREGISTERED")
                .on("CleanHost", "CLEANED");

        ExecutionResult result = sfn.run(definition, drainInput("n6"), drain, FAST, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly(
                "StartDrain", "DrainDecision", "ApplyTimeoutPolicy", "TimeoutDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
    }

    @Test
    void executionsRunConcurrentlyEachWithItsOwnHandler() {
        List<LocalExecution> running = List.of("a", "b", "c").stream()
                .map(node -> sfn.startExecution(definition, drainInput(node), new ScriptedDrainFunction()
                        .on("StartDrain", "WAIT")
                        .on("CheckDrain", "WAIT", "WAIT", "DRAINED")
                        .on("Deregister", "DEREGISTERED")
                        .on("CleanHost", "CLEANED-" + node), FAST))
                .toList();

        for (int i = 0; i < running.size(); i++) {
            ExecutionResult result = running.get(i).await(TIMEOUT);
            assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.output().path("decision").asText()).isEqualTo("CLEANED-" + "abc".charAt(i));
            assertThat(result.timesEntered("CheckDrain")).isEqualTo(3);
        }
    }

    @Test
    void stoppingAWaitingExecutionAbortsIt() {
        ScriptedDrainFunction drain = new ScriptedDrainFunction().on("StartDrain", "WAIT");
        // The Wait keeps its definition's hour here, so the execution is surely still waiting when stopped.
        LocalExecution execution = sfn.startExecution(definition, drainInput("n7"), drain,
                ExecutionOptions.AS_DEFINED.withRetryInterval("StartDrain", Duration.ofMillis(5)));
        awaitCalls(drain, 1);

        execution.stop();
        ExecutionResult result = execution.await(TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(result.timesEntered("CheckDrain")).isZero();
    }

    private static void awaitCalls(ScriptedDrainFunction drain, int calls) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (drain.calls().size() < calls) {
            assertThat(System.nanoTime()).as("waiting for %s task calls", calls).isLessThan(deadline);
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A permanent failure the way a handler throws it; its class name is not in any Retry. */
    static final class HostKeyRejected extends RuntimeException {
        HostKeyRejected(String message) {
            super(message);
        }
    }
}
