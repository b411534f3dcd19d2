package dev.ecsa.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DrainWorkflowDefinitionTest {

    private static final String DRAIN_STEP_ARN = "arn:aws:lambda:us-east-1:123456789012:function:DrainStep:live";
    private static JsonNode definition;

    @BeforeAll
    static void synthesize() {
        definition = DrainWorkflowDefinition.synthesize(System.getProperty("ecsa.functions.zip",
                "../functions/target/ecsa-functions-lambda.zip"));
    }

    @Test
    void extractsEveryStateOfTheDrainWorkflow() {
        List<String> names = new ArrayList<>();
        definition.path("States").fieldNames().forEachRemaining(names::add);
        assertThat(definition.path("StartAt").asText()).isEqualTo(DrainStateMachine.START_DRAIN);
        assertThat(names).containsExactlyInAnyOrder(
                DrainStateMachine.START_DRAIN, DrainStateMachine.WAIT_FOR_DRAIN, DrainStateMachine.CHECK_DRAIN,
                DrainStateMachine.DRAIN_DECISION, DrainStateMachine.APPLY_TIMEOUT_POLICY, DrainStateMachine.TIMEOUT_DECISION,
                DrainStateMachine.DEREGISTER, DrainStateMachine.CLEAN_HOST, DrainStateMachine.RECORD_FAILURE,
                DrainStateMachine.NODE_DEREGISTERED, DrainStateMachine.DRAIN_ENDED_WITHOUT_DEREGISTRATION,
                DrainStateMachine.DRAIN_FAILED, DrainStateMachine.UPGRADE_AGENTS, DrainStateMachine.UPGRADE_DECISION,
                DrainStateMachine.NODE_UPGRADED, DrainStateMachine.UPGRADE_NOT_APPLIED);
    }

    @Test
    void taskStatesInvokeTheDrainFunctionAliasWithTheirNameAndTheWholeState() {
        for (String task : List.of(DrainStateMachine.START_DRAIN, DrainStateMachine.CHECK_DRAIN,
                DrainStateMachine.APPLY_TIMEOUT_POLICY, DrainStateMachine.DEREGISTER, DrainStateMachine.CLEAN_HOST,
                DrainStateMachine.RECORD_FAILURE)) {
            JsonNode state = definition.path("States").path(task);
            assertThat(state.path("Type").asText()).as(task).isEqualTo("Task");
            assertThat(state.path("Resource").asText()).as(task).isEqualTo(DRAIN_STEP_ARN);
            assertThat(state.path("Parameters").path("step").asText()).as(task).isEqualTo(task);
            assertThat(state.path("Parameters").path("state.$").asText()).as(task).isEqualTo("$");
            assertThat(state.path("Retry").findValues("ErrorEquals").toString())
                    .as(task).contains("\"" + DrainStateMachine.RETRYABLE_ERROR + "\"");
        }
    }

    /** AWS gives a Task no timeout unless one is set, a local interpreter 60 s: each Task states its own. */
    @Test
    void everyTaskTimesOutJustAfterTheDrainFunctionItself() {
        int expected = dev.ecsa.core.contract.FunctionBudgets.drainStepTimeoutSeconds(
                dev.ecsa.core.deregister.DrainSettings.defaults(""),
                dev.ecsa.core.deregister.UpgradeAgents.UpgradeSettings.defaults())
                + DrainStateMachine.TASK_TIMEOUT_SLACK_SECONDS;
        for (String task : List.of(DrainStateMachine.START_DRAIN, DrainStateMachine.CHECK_DRAIN,
                DrainStateMachine.APPLY_TIMEOUT_POLICY, DrainStateMachine.DEREGISTER, DrainStateMachine.CLEAN_HOST,
                DrainStateMachine.UPGRADE_AGENTS, DrainStateMachine.RECORD_FAILURE)) {
            assertThat(definition.path("States").path(task).path("TimeoutSeconds").asInt()).as(task)
                    .isEqualTo(expected);
        }
    }

    /** A throttled invoke (the function's concurrency used up) ran nothing: every Task waits and invokes again. */
    @Test
    void everyTaskRetriesAThrottledInvokeWithBackoffAndJitter() {
        for (String task : List.of(DrainStateMachine.START_DRAIN, DrainStateMachine.CHECK_DRAIN,
                DrainStateMachine.APPLY_TIMEOUT_POLICY, DrainStateMachine.DEREGISTER, DrainStateMachine.CLEAN_HOST,
                DrainStateMachine.RECORD_FAILURE)) {
            JsonNode throttled = null;
            for (JsonNode retrier : definition.path("States").path(task).path("Retry")) {
                if (retrier.path("ErrorEquals").toString().contains("\"Lambda.TooManyRequestsException\"")) {
                    throttled = retrier;
                }
            }
            assertThat(throttled).as(task + " retries Lambda.TooManyRequestsException").isNotNull();
            assertThat(throttled.path("MaxAttempts").asInt()).as(task).isGreaterThanOrEqualTo(5);
            assertThat(throttled.path("JitterStrategy").asText()).as(task).isEqualTo("FULL");
        }
    }

    @Test
    void everyTaskIsTriedAgainTwiceWhenItsEnvironmentDied() {
        for (String task : List.of(DrainStateMachine.START_DRAIN, DrainStateMachine.CHECK_DRAIN,
                DrainStateMachine.APPLY_TIMEOUT_POLICY, DrainStateMachine.DEREGISTER, DrainStateMachine.CLEAN_HOST,
                DrainStateMachine.UPGRADE_AGENTS, DrainStateMachine.RECORD_FAILURE)) {
            JsonNode crashed = null;
            for (JsonNode retrier : definition.path("States").path(task).path("Retry")) {
                if (retrier.path("ErrorEquals").toString().contains("\"Runtime.ExitError\"")) {
                    crashed = retrier;
                }
            }
            assertThat(crashed).as(task + " retries Runtime.ExitError").isNotNull();
            assertThat(crashed.path("MaxAttempts").asInt()).as(task).isEqualTo(2);
        }
    }

    @Test
    void failuresAreCaughtIntoRecordFailureThenTheFailState() {
        JsonNode catcher = definition.path("States").path(DrainStateMachine.CHECK_DRAIN).path("Catch").get(0);
        assertThat(catcher.path("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
        assertThat(catcher.path("ResultPath").asText()).isEqualTo("$.error");
        assertThat(catcher.path("Next").asText()).isEqualTo(DrainStateMachine.RECORD_FAILURE);
        assertThat(definition.path("States").path(DrainStateMachine.RECORD_FAILURE).path("Next").asText())
                .isEqualTo(DrainStateMachine.DRAIN_FAILED);
        assertThat(definition.path("States").path(DrainStateMachine.WAIT_FOR_DRAIN).path("SecondsPath").asText())
                .isEqualTo("$.pollSeconds");
    }

    @Test
    void refusesIntrinsicsItCannotResolve() {
        JsonNode template = new ObjectMapper().valueToTree(Map.of("Resources", Map.of("Machine", Map.of(
                "Type", "AWS::StepFunctions::StateMachine",
                "Metadata", Map.of("aws:cdk:path", "Stack/DrainStateMachine/StateMachine/Resource"),
                "Properties", Map.of("DefinitionString", Map.of("Fn::Sub", "${Unknown}"))))));
        assertThatThrownBy(() -> DrainWorkflowDefinition.fromTemplate(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Fn::Sub");
    }
}
