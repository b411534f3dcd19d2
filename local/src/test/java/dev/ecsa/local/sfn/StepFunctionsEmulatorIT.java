package dev.ecsa.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidNameException;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/** An unmodified SDK v2 SfnClient against the emulator, which runs the synthesized drain workflow locally. */
class StepFunctionsEmulatorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT_PREFIX = "arn:aws:states:us-east-1:123456789012:";
    private static final String GATED = ACCOUNT_PREFIX + "stateMachine:GatedDrain";
    private static final String SCRIPTED = ACCOUNT_PREFIX + "stateMachine:ScriptedDrain";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ExecutionOptions FAST = ExecutionOptions.fast(Duration.ofMillis(5), Duration.ofMillis(5));

    private static LocalStepFunctions sfn;
    private static StepFunctionsEmulator emulator;
    private static SfnClient client;
    /** StartDrain of the gated machine blocks until the test opens the gate, so its executions stay RUNNING. */
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private static ScriptedDrainFunction gated;

    @BeforeAll
    static void start() {
        JsonNode definition = DrainWorkflowIT.drainWorkflowDefinition();
        sfn = LocalStepFunctions.launch();
        emulator = StepFunctionsEmulator.start(sfn);
        gated = new ScriptedDrainFunction()
                .on("StartDrain", (java.util.concurrent.Callable<String>) () -> {
                    if (!GATE.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the gate was never opened");
                    }
                    return "DRAINED";
                })
                .on("Deregister", "DEREGISTERED")
                .on("CleanHost", "CLEANED");
        emulator.register(GATED, definition, gated, FAST);
        // Per node: "fail-*" fails permanently at StartDrain, everything else drains at once.
        TaskHandler byNode = (state, input) -> {
            String nodeId = input.path("state").path("nodeId").asText();
            ScriptedDrainFunction script = nodeId.startsWith("fail")
                    ? new ScriptedDrainFunction().on("StartDrain", new IllegalArgumentException("no such node"))
                            .on("RecordFailure", "RECORDED")
                    : new ScriptedDrainFunction().on("StartDrain", "DRAINED").on("Deregister", "DEREGISTERED")
                            .on("CleanHost", "CLEANED");
            return script.handle(state, input);
        };
        emulator.register(SCRIPTED, definition, byNode, FAST);
        client = SfnClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        GATE.countDown();
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (sfn != null) {
            sfn.close();
        }
    }

    private static String input(String nodeId) {
        return DrainWorkflowIT.drainInput(nodeId).toString();
    }

    private static DescribeExecutionResponse awaitEnd(String executionArn) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            DescribeExecutionResponse execution = client.describeExecution(r -> r.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            assertThat(System.nanoTime()).as("%s still running", executionArn).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void startIsIdempotentWhileRunningAndTheNameStaysTaken() throws Exception {
        StartExecutionResponse first = client.startExecution(r -> r.stateMachineArn(GATED).name("req-0001")
                .input(input("g1")));
        // Same name, same input (reformatted JSON) while running: the same execution, no second run.
        String reformatted = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(input("g1")));
        StartExecutionResponse again = client.startExecution(r -> r.stateMachineArn(GATED).name("req-0001")
                .input(reformatted));
        assertThat(again.executionArn()).isEqualTo(first.executionArn())
                .isEqualTo(ACCOUNT_PREFIX + "execution:GatedDrain:req-0001");
        assertThat(again.startDate()).isEqualTo(first.startDate());
        assertThatThrownBy(() -> client.startExecution(r -> r.stateMachineArn(GATED).name("req-0001")
                .input(input("other"))))
                .isInstanceOf(ExecutionAlreadyExistsException.class)
                .hasMessageContaining("req-0001");
        assertThat(client.describeExecution(r -> r.executionArn(first.executionArn())).status())
                .isEqualTo(ExecutionStatus.RUNNING);

        GATE.countDown();
        DescribeExecutionResponse done = awaitEnd(first.executionArn());

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.name()).isEqualTo("req-0001");
        assertThat(done.stateMachineArn()).isEqualTo(GATED);
        assertThat(JSON.readTree(done.input())).isEqualTo(JSON.readTree(input("g1")));
        assertThat(JSON.readTree(done.output()).path("decision").asText()).isEqualTo("CLEANED");
        assertThat(done.stopDate()).isAfterOrEqualTo(done.startDate());
        assertThat(gated.payloads()).filteredOn(p -> "g1".equals(p.path("state").path("nodeId").asText()))
                .extracting(p -> p.path("step").asText())
                .containsExactly("StartDrain", "Deregister", "CleanHost");
        // Once closed, the name is taken whatever the input (as on AWS).
        assertThatThrownBy(() -> client.startExecution(r -> r.stateMachineArn(GATED).name("req-0001")
                .input(input("g1"))))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
    }

    @Test
    void aPermanentFailureIsDescribedWithErrorAndCause() {
        String arn = client.startExecution(r -> r.stateMachineArn(SCRIPTED).name("fail-req")
                .input(input("fail-1"))).executionArn();

        DescribeExecutionResponse done = awaitEnd(arn);

        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("DrainFailed");
        assertThat(done.cause()).contains("failed permanently");
        assertThat(done.output()).isNull();
    }

    @Test
    void listsExecutionsByStatusPageByPage() {
        List<String> succeeded = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String arn = client.startExecution(r -> r.stateMachineArn(SCRIPTED).input(input("ok"))).executionArn();
            succeeded.add(arn);
        }
        String failed = client.startExecution(r -> r.stateMachineArn(SCRIPTED).input(input("fail-2"))).executionArn();
        succeeded.forEach(StepFunctionsEmulatorIT::awaitEnd);
        awaitEnd(failed);

        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListExecutionsResponse page = client.listExecutions(r -> r.stateMachineArn(SCRIPTED)
                    .statusFilter(ExecutionStatus.SUCCEEDED).maxResults(2).nextToken(next));
            assertThat(page.executions()).hasSizeLessThanOrEqualTo(2)
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED));
            page.executions().stream().map(ExecutionListItem::executionArn).forEach(listed::add);
            token = page.nextToken();
            pages++;
        } while (token != null);

        assertThat(listed).containsAll(succeeded).doesNotContain(failed).doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(client.listExecutions(r -> r.stateMachineArn(SCRIPTED).statusFilter(ExecutionStatus.FAILED))
                .executions()).extracting(ExecutionListItem::executionArn).contains(failed).doesNotContainAnyElementsOf(succeeded);
        // The SDK's paginator follows the same tokens.
        assertThat(client.listExecutionsPaginator(r -> r.stateMachineArn(SCRIPTED).maxResults(1)).executions())
                .extracting(ExecutionListItem::executionArn).containsAll(succeeded).contains(failed);
    }

    @Test
    void stopAbortsARunningExecution() {
        String arn = client.startExecution(r -> r.stateMachineArn(GATED).name("to-stop").input(input("g2")))
                .executionArn();

        client.stopExecution(r -> r.executionArn(arn).error("Operator").cause("changed my mind"));

        DescribeExecutionResponse stopped = client.describeExecution(r -> r.executionArn(arn));
        assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(stopped.error()).isEqualTo("Operator");
        assertThat(stopped.cause()).isEqualTo("changed my mind");
        assertThat(stopped.stopDate()).isNotNull();
    }

    @Test
    void theBenchListsRunningExecutionsWithTheirInputAndStopsOneAsStopExecutionDoes() {
        String arn = client.startExecution(r -> r.stateMachineArn(GATED).name("to-list").input(input("g3")))
                .executionArn();

        assertThat(emulator.runningExecutions(GATED)).filteredOn(e -> e.executionArn().equals(arn)).singleElement()
                .satisfies(e -> assertThat(e.input().path("nodeId").asText()).isEqualTo("g3"));
        assertThat(emulator.runningExecutions(SCRIPTED)).extracting(StepFunctionsEmulator.Running::executionArn)
                .doesNotContain(arn);

        emulator.stop(arn, "ecsa.SoakStopped", "stopped by the soak");

        DescribeExecutionResponse stopped = client.describeExecution(r -> r.executionArn(arn));
        assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(stopped.error()).isEqualTo("ecsa.SoakStopped");
        assertThat(emulator.runningExecutions(GATED)).extracting(StepFunctionsEmulator.Running::executionArn)
                .doesNotContain(arn);
    }

    @Test
    void refusesInvalidNamesAndUnknownResourcesWithTypedErrors() {
        for (String name : List.of("", "has space", "a/b", "x".repeat(81), "star*", "tab\tname", "br[ack]et")) {
            assertThatThrownBy(() -> client.startExecution(r -> r.stateMachineArn(SCRIPTED).name(name)))
                    .as(name).isInstanceOf(InvalidNameException.class);
        }
        assertThat(client.startExecution(r -> r.stateMachineArn(SCRIPTED).name("x".repeat(80))
                .input(input("ok-80"))).executionArn()).endsWith(":" + "x".repeat(80));
        assertThatThrownBy(() -> client.startExecution(r -> r.stateMachineArn(ACCOUNT_PREFIX + "stateMachine:Nope")))
                .isInstanceOf(StateMachineDoesNotExistException.class);
        assertThatThrownBy(() -> client.describeExecution(r -> r.executionArn(
                ACCOUNT_PREFIX + "execution:ScriptedDrain:never-started")))
                .isInstanceOf(ExecutionDoesNotExistException.class);
    }
}
