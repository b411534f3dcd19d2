package dev.ecsa.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.event.NodeEvent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    /** An alarm on an outcome metric can fire only if some event counts in it. */
    @Test
    void everyOutcomeMetricIsCountedByExactlyOneKindOfEventAndDriftIsCountedByTheReconciler() {
        Set<String> counted = Arrays.stream(NodeEvent.class.getPermittedSubclasses())
                .map(type -> ServiceMetrics.of(anyEventOf(type)))
                .flatMap(java.util.Optional::stream)
                .collect(Collectors.toSet());

        assertThat(counted).containsExactlyInAnyOrderElementsOf(ServiceMetrics.OUTCOMES);
        assertThat(ServiceMetrics.of(new NodeEvent.NodeDriftFound("n", "r", "ORPHAN_IN_ECS", "s", "d", null, null)))
                .isEmpty();
    }

    @Test
    void everyRolloutMetricIsCountedByItsEvent() {
        Set<String> counted = java.util.stream.Stream.of("RolloutCompleted", "RolloutHalted", "RolloutCancelled",
                        "RolloutRejected", "RolloutWaiting", "RolloutStarted", "RolloutBatchStarted")
                .map(e -> ServiceMetrics.of(new NodeEvent.RolloutEvent("r", e, "RUNNING", "")))
                .flatMap(java.util.Optional::stream).collect(Collectors.toSet());

        assertThat(counted).containsExactlyInAnyOrderElementsOf(ServiceMetrics.ROLLOUTS);
    }

    /** An instance of an event record with every component null or zero (only its type matters here). */
    private static NodeEvent anyEventOf(Class<?> type) {
        try {
            var components = type.getRecordComponents();
            Class<?>[] types = Arrays.stream(components).map(c -> c.getType()).toArray(Class<?>[]::new);
            Object[] values = Arrays.stream(types).map(t -> t == boolean.class ? (Object) false
                    : t == int.class ? (Object) 0 : t == long.class ? (Object) 0L : null).toArray();
            return (NodeEvent) type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build a " + type, e);
        }
    }
}
