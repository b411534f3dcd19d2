package dev.ecsa.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeEventTest {

    @Test
    void detailCarriesIdsFirstAndEveryFieldSet() {
        NodeEvent e = new NodeEvent.NodeRegistered("node-1", "req-1", "edge", "mi-0123456789abcdef0", null);
        assertThat(e.detailType()).isEqualTo("NodeRegistered");
        assertThat(e.detail()).containsExactly(Map.entry("nodeId", "node-1"), Map.entry("requestId", "req-1"),
                Map.entry("cluster", "edge"), Map.entry("managedInstanceId", "mi-0123456789abcdef0"));
    }

    @Test
    void drainTimeoutsListTheBlockingTasks() {
        NodeEvent e = new NodeEvent.NodeDrainTimedOut("node-1", "req-2", "KEEP", "KEEP_DRAINING",
                List.of("arn:task/1"));
        assertThat(e.detailType()).isEqualTo("NodeDrainTimedOut");
        assertThat(e.detail()).containsEntry("blockingTasks", List.of("arn:task/1")).containsEntry("policy", "KEEP");
    }

    @Test
    void everyEventTypeHasADistinctDetailType() {
        assertThat(NodeEvent.class.getPermittedSubclasses()).extracting(Class::getSimpleName).doesNotHaveDuplicates()
                .contains("NodeRegistered", "NodeRegistrationFailed", "NodeDrainStarted", "NodeDeregistered",
                        "NodeDrainTimedOut", "NodeDeregistrationFailed", "NodeRequestRejected");
    }
}
