package dev.ecsa.functions.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.contract.ServiceMetrics;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.store.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EmfOutcomeMetricsTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final InMemoryEventPublisher bus = new InMemoryEventPublisher();
    private final EmfOutcomeMetrics metrics = new EmfOutcomeMetrics(bus, "EdgeStack",
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void anOutcomeIsCountedAsOneEmfLineInTheServiceNamespaceThenPublished() throws Exception {
        NodeEvent failed = new NodeEvent.NodeRegistrationFailed("node-1", "req-1", "INSTALL_FAILED", "exit 1");

        metrics.publish(failed);

        JsonNode line = Json.mapper().readTree(stdout.toString(StandardCharsets.UTF_8).trim());
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("EcsaLifecycle");
        assertThat(directive.path("Dimensions").get(0).get(0).asText()).isEqualTo("Service");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo(ServiceMetrics.REGISTRATION_FAILED);
        assertThat(line.path("Service").asText()).isEqualTo("EdgeStack");
        assertThat(line.path(ServiceMetrics.REGISTRATION_FAILED).asInt()).isEqualTo(1);
        assertThat(line.path("_aws").path("Timestamp").asLong())
                .isEqualTo(Instant.parse("2026-12-05T10:00:00Z").toEpochMilli());
        assertThat(bus.events()).containsExactly(failed);
    }

    @Test
    void driftEventsArePublishedWithoutAnOutcomeLine() {
        metrics.publish(new NodeEvent.NodeDriftResolved("node-1", "req-1", "ORPHAN_IN_ECS", "arn", "2026-12-01"));

        assertThat(stdout.size()).isZero();
        assertThat(bus.events()).hasSize(1);
    }

    @Test
    void anEventGivenUpOnIsCountedAsEventsUnpublished() throws Exception {
        NodeEvent rejected = new NodeEvent.NodeRequestRejected("node-1", "req-1", "register", "NODE_BUSY: busy");

        metrics.unpublished(rejected, "THROTTLED: PutEvents");

        JsonNode line = Json.mapper().readTree(stdout.toString(StandardCharsets.UTF_8).trim());
        assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Name").asText())
                .isEqualTo(ServiceMetrics.EVENTS_UNPUBLISHED);
        assertThat(line.path(ServiceMetrics.EVENTS_UNPUBLISHED).asInt()).isEqualTo(1);
        assertThat(line.path("requestId").asText()).isEqualTo("req-1");
        assertThat(bus.unpublished()).containsExactly(rejected);
        assertThat(bus.events()).isEmpty();
    }
}
