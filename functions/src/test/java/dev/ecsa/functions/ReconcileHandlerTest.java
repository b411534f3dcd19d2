package dev.ecsa.functions;

import dev.ecsa.store.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileHandlerTest {

    private static final String SCHEDULED_EVENT = """
            {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
             "source":"aws.events","account":"123456789012","time":"2026-03-01T10:00:00Z","region":"eu-west-1",
             "resources":["arn:aws:events:eu-west-1:123456789012:rule/ecsa-reconcile"],"detail":{}}
            """;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    private final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, managed);
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();

    private ReconcileHandler handler(ContainerInstances containers) {
        return new ReconcileHandler(new ReconcileDeps(store, activations, managed, containers,
                new InMemoryDrainWorkflow(), events, clock, ReconcileSettings.defaults(List.of("edge")), "EcsaTest"),
                new PrintStream(metricsOut, true, StandardCharsets.UTF_8));
    }

    private JsonNode invoke(ReconcileHandler h, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.mapper().readTree(out.toByteArray());
    }

    @Test
    void aScheduledEventRunsOnceUnderItsIdAndWritesTheMetricsLine() throws Exception {
        Activation a = activations.create(new ActivationSpec("n1", "req-1", clock.instant().plus(Duration.ofHours(1)),
                Map.of()));
        activations.registerHost(a.activationId(), a.code(), "192.0.2.1");
        clock.advance(Duration.ofMinutes(10));
        InMemoryContainerInstances containers = new InMemoryContainerInstances();
        JsonNode summary = invoke(handler(containers), SCHEDULED_EVENT);

        assertThat(summary.get("runId").asText()).isEqualTo("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa");
        // The used activation was never deleted, and its instance has no node: two findings, one fixed.
        assertThat(summary.get("findings").asInt()).isEqualTo(2);
        assertThat(summary.get("fixes").asInt()).isEqualTo(1);
        assertThat(summary.get("counts").get("LEFTOVER_ACTIVATION").asInt()).isEqualTo(1);
        assertThat(store.lastReconcileRun()).hasValueSatisfying(r ->
                assertThat(r.runId()).isEqualTo("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"));

        String[] lines = metricsOut.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode emf = Json.mapper().readTree(lines[0]);
        assertThat(emf.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("EcsaLifecycle");
        assertThat(emf.get("Service").asText()).isEqualTo("EcsaTest");
        assertThat(emf.get("ReconcileFindings").asInt()).isEqualTo(2);
        assertThat(emf.get("OrphanInSsm").asInt()).isEqualTo(1);
        assertThat(events.events()).hasSize(2);
    }

    @Test
    void anInvocationWithoutAnIdGetsAFreshRunId() throws Exception {
        JsonNode summary = invoke(handler(new InMemoryContainerInstances()), "not json");
        assertThat(summary.get("runId").asText()).hasSize(36);
        assertThat(summary.get("findings").asInt()).isZero();
    }

    @Test
    void aViewThatCannotBeReadFailsTheInvocationAndRecordsNothing() {
        ContainerInstances failing = new InMemoryContainerInstances();
        ContainerInstances unreachable = new ContainerInstances() {
            @Override
            public java.util.Optional<ContainerInstance> findByManagedInstanceId(String c, String m) {
                return failing.findByManagedInstanceId(c, m);
            }

            @Override
            public java.util.Optional<ContainerInstance> findByAttribute(String c, String n, String v) {
                return failing.findByAttribute(c, n, v);
            }

            @Override
            public java.util.Optional<ContainerInstance> describe(String c, String a) {
                return failing.describe(c, a);
            }

            @Override
            public boolean setStatus(String c, String a, dev.ecsa.core.port.ContainerInstanceStatus s) {
                return failing.setStatus(c, a, s);
            }

            @Override
            public void deregister(String c, String a, boolean f) {
                failing.deregister(c, a, f);
            }

            @Override
            public List<dev.ecsa.core.port.TaskInfo> listTasks(String c, String a) {
                return failing.listTasks(c, a);
            }

            @Override
            public List<ContainerInstance> listAll(String cluster) {
                throw new RetryableException(Reason.THROTTLED, "ECS ListContainerInstances: Rate exceeded");
            }
        };
        assertThatThrownBy(() -> invoke(handler(unreachable), SCHEDULED_EVENT))
                .isInstanceOf(RetryableException.class);
        assertThat(store.lastReconcileRun()).isEmpty();
        assertThat(metricsOut.size()).isZero();
    }
}
