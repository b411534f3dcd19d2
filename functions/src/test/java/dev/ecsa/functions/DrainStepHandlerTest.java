package dev.ecsa.functions;


import dev.ecsa.store.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.drain.DrainBench;
import dev.ecsa.functions.drain.DrainPorts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static dev.ecsa.functions.drain.DrainBench.NODE;
import static dev.ecsa.functions.drain.DrainBench.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drain function fed payloads shaped exactly like the state machine's: {"step": <state name>, "state": …}. */
class DrainStepHandlerTest {

    private final DrainBench bench = new DrainBench();
    private final DrainStepHandler handler = new DrainStepHandler(bench.steps());

    /** The execution input as the intake writes it (Json.mapper() of DrainStart). */
    private String input() {
        return """
                {"requestId":"dereg-0001","nodeId":"edge-017","cluster":"edge","containerInstanceArn":"%s",\
                "deadline":"2026-03-01T12:10:00Z","policy":"REVERT","nodeVersion":2}""".formatted(bench.arn);
    }

    private static String payload(String step, String state) {
        return "{\"step\":\"" + step + "\",\"state\":" + state + "}";
    }

    private static JsonNode invoke(DrainStepHandler h, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            h.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
            return Json.mapper().readTree(out.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode invoke(String payload) {
        return invoke(handler, payload);
    }

    @Test
    void startDrainTakesTheExecutionInputAndReturnsTheWholeWorkflowState() {
        bench.containers.addTask(bench.arn, new TaskInfo("arn:task/web-1", "service:web", "RUNNING", "RUNNING", true));

        JsonNode state = invoke(payload("StartDrain", input()));

        List<String> fields = new ArrayList<>();
        state.fieldNames().forEachRemaining(fields::add);
        // The shape docs/drain-workflow.md documents.
        assertThat(fields).containsExactly("requestId", "nodeId", "cluster", "containerInstanceArn", "deadline",
                "policy", "nodeVersion", "nodeState", "weSetDraining", "pollSeconds", "decision", "checks",
                "remainingTasks", "standaloneTasks", "blockingTasks", "forced", "deregistered", "purpose", "targets");
        assertThat(state.get("purpose").asText()).isEqualTo("DEREGISTER");
        assertThat(state.get("decision").asText()).isEqualTo("WAIT");
        assertThat(state.get("pollSeconds").asInt()).isEqualTo(15);
        assertThat(state.get("weSetDraining").asBoolean()).isTrue();
        assertThat(state.get("nodeState").asText()).isEqualTo("DRAINING");
        assertThat(state.get("nodeVersion").asLong()).isEqualTo(3);
        assertThat(state.get("deadline").asText()).isEqualTo("2026-03-01T12:10:00Z");
        assertThat(state.get("blockingTasks").get(0).get("arn").asText()).isEqualTo("arn:task/web-1");
        assertThat(bench.containers.describe(DrainBench.CLUSTER, bench.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void theIntakesSerialisationOfDrainStartIsAccepted() throws IOException {
        DrainStart start = new DrainStart(REQUEST, NODE, DrainBench.CLUSTER, bench.arn,
                bench.clock.instant().plus(Duration.ofMinutes(10)), TimeoutPolicy.KEEP, 2);

        JsonNode state = invoke(payload("StartDrain", Json.mapper().writeValueAsString(start)));

        assertThat(state.get("policy").asText()).isEqualTo("KEEP");
        assertThat(state.get("decision").asText()).isEqualTo("DRAINED");
    }

    @Test
    void aWholeDrainPassesItsStateFromTaskToTask() {
        bench.containers.addTask(bench.arn, new TaskInfo("arn:task/web-1", "service:web", "RUNNING", "RUNNING", true));
        JsonNode state = invoke(payload("StartDrain", input()));
        bench.clock.advance(Duration.ofSeconds(15));
        state = invoke(payload("CheckDrain", state.toString()));
        assertThat(state.get("decision").asText()).isEqualTo("WAIT");
        assertThat(state.get("remainingTasks").asInt()).isEqualTo(1);

        bench.containers.finishStopping();
        bench.clock.advance(Duration.ofSeconds(15));
        state = invoke(payload("CheckDrain", state.toString()));
        assertThat(state.get("decision").asText()).isEqualTo("DRAINED");
        assertThat(state.get("checks").asInt()).isEqualTo(2);

        state = invoke(payload("Deregister", state.toString()));
        assertThat(state.get("deregistered").asBoolean()).isTrue();
        state = invoke(payload("CleanHost", state.toString()));

        assertThat(state.get("nodeState").asText()).isEqualTo("DEREGISTERED");
        assertThat(bench.store.getNode(NODE).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(bench.store.getRequest(REQUEST).orElseThrow().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(bench.managed.deregisteredIds()).containsExactly(DrainBench.MI);
        assertThat(bench.cleanupRuns).hasValue(1);
        assertThat(bench.store.getRequest(REQUEST).orElseThrow().steps()).anySatisfy(s ->
                assertThat(s.detail()).contains("host cleaned", "removed [amazon-ecs-init, /var/lib/ecs]"));
    }

    @Test
    void recordFailureReadsTheLambdaErrorTheCatchPutAtError() {
        JsonNode started = invoke(payload("StartDrain", input()));
        ObjectNode caught = ((ObjectNode) started).deepCopy();
        String cause = "{\"errorMessage\":\"AWS_ACCESS_DENIED: ecs:DeregisterContainerInstance is not allowed\","
                + "\"errorType\":\"dev.ecsa.core.error.PermanentException\",\"stackTrace\":[\"at x\",\"at y\"]}";
        caught.putObject("error").put("Error", PermanentException.class.getName()).put("Cause", cause);

        invoke(payload("RecordFailure", caught.toString()));

        var node = bench.store.getNode(NODE).orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(node.lastError().reason()).isEqualTo(Reason.AWS_ACCESS_DENIED);
        assertThat(node.lastError().message()).isEqualTo("ecs:DeregisterContainerInstance is not allowed");
        var request = bench.store.getRequest(REQUEST).orElseThrow();
        assertThat(request.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(request.failure().message()).doesNotContain("stackTrace", "at x");
        assertThat(bench.events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("AWS_ACCESS_DENIED"));
    }

    @Test
    void recordFailureAcceptsTheExecutionInputWhenStartDrainItselfFailed() {
        ObjectNode caught = (ObjectNode) readTree(input());
        caught.putObject("error").put("Error", "States.Timeout").put("Cause", "Task timed out after 60 seconds");

        invoke(payload("RecordFailure", caught.toString()));

        var request = bench.store.getRequest(REQUEST).orElseThrow();
        assertThat(request.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(request.failure().reason()).isEqualTo(Reason.TIMED_OUT);
        assertThat(request.failure().message()).contains("Task timed out after 60 seconds");
        // StartDrain never claimed the node, so the failure leaves it alone.
        assertThat(bench.store.getNode(NODE).orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
    }

    @Test
    void aRetryableErrorLeavesTheFunctionAsTheClassTheRetryMatches() {
        JsonNode state = invoke(payload("StartDrain", input()));
        state = invoke(payload("Deregister", state.toString()));
        bench.hosts.setReachable(DrainBench.ADDRESS, 22, false);
        String cleanHost = payload("CleanHost", state.toString());

        assertThatThrownBy(() -> invoke(cleanHost))
                .isExactlyInstanceOf(RetryableException.class)
                .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.ecsa.core.error.RetryableException"))
                .hasMessageStartingWith("HOST_UNREACHABLE: ");
    }

    @Test
    void anUnexpectedErrorBecomesAPermanentInternalError() {
        ContainerInstances broken = (ContainerInstances) Proxy.newProxyInstance(
                ContainerInstances.class.getClassLoader(), new Class<?>[] {ContainerInstances.class}, (p, m, a) -> {
                    throw new IllegalStateException("ECS client not initialised");
                });
        DrainPorts s = bench.steps();
        DrainStepHandler h = new DrainStepHandler(new DrainPorts(s.store(), broken, s.managed(), s.hosts(),
                s.secrets(), s.events(), s.clock(), s.settings(), s.upgrade(), s.upgrades()));

        assertThatThrownBy(() -> invoke(h, payload("StartDrain", input())))
                .isExactlyInstanceOf(PermanentException.class)
                .hasMessageStartingWith("INTERNAL: StartDrain failed unexpectedly: java.lang.IllegalStateException")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void payloadsTheStateMachineNeverSendsArePermanentErrors() {
        for (String bad : List.of("not json", "[1,2]", payload("NoSuchState", input()),
                payload("WaitForDrain", input()), "{\"step\":\"CheckDrain\"}",
                payload("CheckDrain", input()), // a DrainStart is not a workflow state
                payload("StartDrain", input().replace("\"nodeVersion\":2", "\"nodeVersion\":2,\"extra\":1")))) {
            assertThatThrownBy(() -> invoke(bad)).as(bad)
                    .isExactlyInstanceOf(PermanentException.class)
                    .satisfies(e -> assertThat(((PermanentException) e).reason()).isEqualTo(Reason.INTERNAL));
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
