package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.store.Json;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.it.HeldExecutions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * SfnDrainWorkflow, unchanged, against the Step Functions emulator. The state machine here is a one-Task stand-in
 * that holds each execution until the test releases it, so "running" and "finished" can both be observed; the
 * adapter only depends on the API's execution-name semantics, not on the drain definition.
 */
class SfnDrainWorkflowIT {

    private static final String STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:DrainStandIn";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static HeldExecutions held;
    private static SfnDrainWorkflow workflow;

    @BeforeAll
    static void start() throws Exception {
        held = new HeldExecutions(STATE_MACHINE, TIMEOUT);
        workflow = new SfnDrainWorkflow(held.sfn(), STATE_MACHINE);
    }

    @AfterAll
    static void stop() {
        if (held != null) {
            held.close();
        }
    }

    private static DrainStart drain(String requestId, String nodeId) {
        return new DrainStart(requestId, nodeId, "edge",
                "arn:aws:ecs:us-east-1:123456789012:container-instance/edge/0123456789abcdef0123456789abcdef",
                Instant.parse("2026-11-25T18:30:00Z"), TimeoutPolicy.values()[0], 4);
    }

    private static DescribeExecutionResponse execution(String requestId) {
        return held.sfn().describeExecution(r -> r.executionArn(held.executionArn(requestId)));
    }

    private static DescribeExecutionResponse awaitEnd(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        DescribeExecutionResponse e = execution(requestId);
        while (e.status() == ExecutionStatus.RUNNING) {
            assertThat(System.nanoTime()).as("execution %s still running", requestId).isLessThan(deadline);
            Thread.sleep(20);
            e = execution(requestId);
        }
        return e;
    }

    @Test
    void startsOnceUnderTheRequestIdAndRecognisesItsOwnExecutionWhileRunningAndAfterwards() throws Exception {
        DrainStart input = drain("req-run-1", "node-1");

        assertThat(workflow.start(input)).isTrue();

        DescribeExecutionResponse running = execution("req-run-1");
        assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(Json.mapper().readValue(running.input(), DrainStart.class)).isEqualTo(input);
        assertThat(workflow.start(input)).isFalse();

        held.release("req-run-1");
        assertThat(awaitEnd("req-run-1").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(workflow.start(input)).isFalse();
    }

    @Test
    void theSameRequestIdWithOtherInputIsAConflictWhileRunningAndAfterwards() throws Exception {
        assertThat(workflow.start(drain("req-conflict-1", "node-2"))).isTrue();

        assertThatThrownBy(() -> workflow.start(drain("req-conflict-1", "node-3")))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));

        held.release("req-conflict-1");
        awaitEnd("req-conflict-1");
        assertThatThrownBy(() -> workflow.start(drain("req-conflict-1", "node-3")))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }

    @Test
    void anUnknownStateMachineIsAPermanentError() {
        SfnDrainWorkflow missing = new SfnDrainWorkflow(held.sfn(),
                "arn:aws:states:us-east-1:123456789012:stateMachine:NoSuchMachine");

        assertThatThrownBy(() -> missing.start(drain("req-missing-1", "node-4")))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.detail()).contains("StateMachineDoesNotExist"));
    }
}
