package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryDrainWorkflowTest {

    private final InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();
    private final DrainStart input = new DrainStart("req-9", "node-1", "edge", "arn:ci/1",
            Instant.parse("2026-03-01T12:10:00Z"), TimeoutPolicy.REVERT, 2);

    @Test
    void startingTheSameRequestTwiceIsANoOp() {
        assertThat(workflow.start(input)).isTrue();
        assertThat(workflow.start(input)).isFalse();
        assertThat(workflow.started()).containsExactly(input);
        assertThat(DrainWorkflow.executionName("req-9")).isEqualTo("req-9");
    }

    @Test
    void reusingARequestIdWithOtherInputIsAConflict() {
        workflow.start(input);
        DrainStart other = new DrainStart("req-9", "node-1", "edge", "arn:ci/1", input.deadline(), TimeoutPolicy.FORCE,
                2);
        assertThatThrownBy(() -> workflow.start(other)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("CONFLICT");
    }

    @Test
    void publishedEventsAreKeptInOrderWithDuplicates() {
        InMemoryEventPublisher events = new InMemoryEventPublisher();
        NodeEvent.NodeDeregistered e = new NodeEvent.NodeDeregistered("node-1", "req-9", false);
        events.publish(e);
        events.publish(new NodeEvent.NodeRegistered("node-2", "req-1", "edge", "mi-1", "arn:ci/2"));
        events.publish(e);
        assertThat(events.events()).hasSize(3);
        assertThat(events.eventsOf(NodeEvent.NodeDeregistered.class)).containsExactly(e, e);
    }
}
