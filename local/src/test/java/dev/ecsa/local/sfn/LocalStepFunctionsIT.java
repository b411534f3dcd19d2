package dev.ecsa.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;

/** The interpreter binding itself: error names, validation, overrides and the Node process's life cycle. */
class LocalStepFunctionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static LocalStepFunctions sfn;

    @BeforeAll
    static void start() {
        sfn = LocalStepFunctions.launch();
    }

    @AfterAll
    static void stop() {
        if (sfn != null) {
            sfn.close();
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One Task that retries exactly the given error name, then a Fail state for everything else. */
    private static JsonNode retryOn(String errorName) {
        return json("""
                {'StartAt': 'Work', 'States': {
                  'Work': {'Type': 'Task', 'Resource': 'arn:aws:lambda:us-east-1:123456789012:function:Work',
                           'Retry': [{'ErrorEquals': ['%s'], 'IntervalSeconds': 3600, 'MaxAttempts': 3}],
                           'Catch': [{'ErrorEquals': ['States.ALL'], 'ResultPath': '$.error', 'Next': 'Failed'}],
                           'End': true},
                  'Failed': {'Type': 'Fail', 'Error': 'WorkFailed', 'Cause': 'see $.error'}}}
                """.formatted(errorName));
    }

    @Test
    void aJavaExceptionIsMatchedByItsClassName() {
        AtomicInteger calls = new AtomicInteger();
        TaskHandler flaky = (state, input) -> {
            if (calls.incrementAndGet() < 3) {
                throw new TransientFault("try again");
            }
            return json("{'done': true}");
        };

        // IntervalSeconds is an hour: only the retry-interval override lets this finish.
        ExecutionResult result = sfn.run(retryOn(TransientFault.class.getName()), json("{}"), flaky,
                ExecutionOptions.fast(Duration.ZERO, Duration.ofMillis(1)), TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("{'done': true}"));
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "Work")).isEqualTo(2);
        assertThat(calls).hasValue(3);
    }

    @ParameterizedTest(name = "unreachable={0}")
    @CsvSource({"true,Lambda.SdkClientException", "false,Lambda.ServiceException"})
    void aLambdaServiceFaultIsNamedAsStepFunctionsNamesItAndRetriedByTheDefinition(boolean unreachable,
                                                                                   String error) {
        AtomicInteger calls = new AtomicInteger();
        TaskHandler once = (state, input) -> {
            if (calls.incrementAndGet() == 1) {
                throw new LambdaServiceFault(unreachable, "overloaded");
            }
            return json("{'done': true}");
        };

        ExecutionResult retried = sfn.run(retryOn(error), json("{}"), once,
                ExecutionOptions.fast(Duration.ZERO, Duration.ofMillis(1)), TIMEOUT);
        calls.set(0);
        ExecutionResult notRetried = sfn.run(retryOn("SomethingElse"), json("{}"), once,
                ExecutionOptions.fast(Duration.ZERO, Duration.ofMillis(1)), TIMEOUT);

        assertThat(retried.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(retried.count(ExecutionEvent.STATE_RETRIED, "Work")).isEqualTo(1);
        assertThat(notRetried.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(notRetried.events()).filteredOn(e -> ExecutionEvent.STATE_FAILED.equals(e.type()))
                .first().extracting(ExecutionEvent::error).isEqualTo(error);
    }

    @Test
    void anErrorWithAnotherNameIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        TaskHandler failing = (state, input) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("broken");
        };

        ExecutionResult result = sfn.run(retryOn(TransientFault.class.getName()), json("{}"), failing,
                ExecutionOptions.fast(Duration.ZERO, Duration.ofMillis(1)), TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("WorkFailed");
        assertThat(calls).hasValue(1);
        assertThat(result.events()).filteredOn(e -> ExecutionEvent.STATE_FAILED.equals(e.type()))
                .first().extracting(ExecutionEvent::error).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void anUncaughtTaskErrorFailsTheExecutionWithItsNameAndCause() {
        JsonNode definition = json("""
                {'StartAt': 'Work', 'States': {
                  'Work': {'Type': 'Task', 'Resource': 'arn:aws:lambda:us-east-1:123456789012:function:Work',
                           'End': true}}}
                """);

        ExecutionResult result = sfn.run(definition, json("{}"),
                (state, input) -> {
                    throw new TaskFailedException("States.TaskFailed", "no such host");
                }, ExecutionOptions.AS_DEFINED, TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.error()).isEqualTo("States.TaskFailed");
        assertThat(result.cause()).isEqualTo("no such host");
        assertThat(result.output()).isNull();
    }

    @Test
    void waitsAreShortenedPerStateOrAll() {
        JsonNode definition = json("""
                {'StartAt': 'Long', 'States': {
                  'Long': {'Type': 'Wait', 'Seconds': 3600, 'Next': 'Longer'},
                  'Longer': {'Type': 'Wait', 'SecondsPath': '$.seconds', 'Next': 'Done'},
                  'Done': {'Type': 'Pass', 'Result': {'waited': true}, 'End': true}}}
                """);

        ExecutionResult result = sfn.run(definition, json("{'seconds': 7200}"), (s, i) -> i,
                ExecutionOptions.fast(Duration.ofMillis(1), null).withWait("Longer", Duration.ZERO), TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly("Long", "Longer", "Done");
        assertThat(result.output()).isEqualTo(json("{'waited': true}"));
    }

    @Test
    void anInvalidDefinitionIsRefusedWithTheValidatorsFindings() {
        JsonNode broken = json("""
                {'StartAt': 'First', 'States': {
                  'First': {'Type': 'Pass', 'Next': 'Nowhere'}}}
                """);

        assertThatThrownBy(() -> sfn.validate(broken))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("invalid state machine definition")
                .hasMessageContaining("Nowhere");
        assertThatThrownBy(() -> sfn.startExecution(broken, json("{}"), (s, i) -> i, ExecutionOptions.AS_DEFINED))
                .isInstanceOf(InvalidDefinitionException.class);
        JsonNode badPath = json("""
                {'StartAt': 'W', 'States': {'W': {'Type': 'Wait', 'SecondsPath': 'not a path', 'End': true}}}
                """);
        assertThatThrownBy(() -> sfn.validate(badPath)).isInstanceOf(InvalidDefinitionException.class);
    }

    @Test
    void oneNodeProcessServesManyExecutionsAndCloseEndsIt() {
        LocalStepFunctions own = LocalStepFunctions.launch();
        long pid = own.pid();
        JsonNode definition = json("""
                {'StartAt': 'Work', 'States': {
                  'Work': {'Type': 'Task', 'Resource': 'arn:aws:lambda:us-east-1:123456789012:function:Work',
                           'End': true}}}
                """);
        try {
            for (int i = 0; i < 3; i++) {
                int n = i;
                ExecutionResult result = own.run(definition, json("{}"), (s, in) -> JSON.valueToTree(n),
                        ExecutionOptions.AS_DEFINED, TIMEOUT);
                assertThat(result.output().asInt()).isEqualTo(n);
                assertThat(own.pid()).isEqualTo(pid);
            }
        } finally {
            own.close();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        assertThat(process.map(ProcessHandle::isAlive).orElse(false)).as("node process %s alive", pid).isFalse();
        assertThat(own.isAlive()).isFalse();
        assertThatThrownBy(() -> own.startExecution(definition, json("{}"), (s, in) -> in, ExecutionOptions.AS_DEFINED))
                .isInstanceOf(IllegalStateException.class);
    }

    /** A transient fault as a handler throws it; Step Functions sees the class name. */
    static final class TransientFault extends RuntimeException {
        TransientFault(String message) {
            super(message);
        }
    }
}
