package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.port.ContainerInstanceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Clusters and targets for the fleet tests: node {@code n} runs as {@code mi-n} / {@code arn:n}. */
final class FleetFixture {

    private FleetFixture() {
    }

    static ClusterLoad.Task service(String arn, int cpu, int memory) {
        return new ClusterLoad.Task(arn, "service:web", cpu, memory, true);
    }

    static ClusterLoad.Task standalone(String arn, int cpu, int memory) {
        return new ClusterLoad.Task(arn, "family:batch", cpu, memory, false);
    }

    static ClusterLoad.Instance instance(String node, ContainerInstanceStatus status, int remainingCpu,
                                         int remainingMemory, ClusterLoad.Task... tasks) {
        return new ClusterLoad.Instance("arn:" + node, "mi-" + node, status, true, 4096, 8192, remainingCpu,
                remainingMemory, List.of(tasks));
    }

    static ClusterLoad.Instance active(String node) {
        return instance(node, ContainerInstanceStatus.ACTIVE, 4096, 8192);
    }

    /** A cluster of {@code n} idle ACTIVE instances {@code prefix-1..n}. */
    static ClusterLoad cluster(String name, String prefix, int n) {
        List<ClusterLoad.Instance> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(active(prefix + "-" + i));
        }
        return new ClusterLoad(name, out);
    }

    static RolloutTarget target(String node, String cluster) {
        return new RolloutTarget(node, cluster, Map.of(), "mi-" + node, "arn:" + node);
    }

    static RolloutTarget target(String node, String cluster, String rack) {
        return new RolloutTarget(node, cluster, Map.of("rack", rack), "mi-" + node, "arn:" + node);
    }

    static RolloutControls controls(int batch, int concurrency, DisruptionBudget budget) {
        return new RolloutControls(batch, concurrency, ErrorBudget.HALT_AT_FIRST_FAILURE, java.time.Duration.ZERO,
                budget, true, List.of(), null, 0, null, false);
    }
}
