package dev.ecsa.core.port;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster as ECS reports it, for the disruption budget and the capacity check: every container instance with its
 * status, its registered and remaining CPU and memory, and its tasks' reservations.
 */
public record ClusterLoad(String cluster, List<Instance> instances) {

    public ClusterLoad {
        Objects.requireNonNull(cluster, "cluster");
        instances = List.copyOf(instances);
    }

    /**
     * A container instance.
     *
     * @param managedInstanceId the SSM {@code mi-} id ECS reports as {@code ec2InstanceId}
     * @param remainingCpu      CPU units ECS can still place tasks in (registered minus reserved)
     * @param remainingMemory   MiB ECS can still place tasks in
     */
    public record Instance(String arn, String managedInstanceId, ContainerInstanceStatus status,
                           boolean agentConnected, int registeredCpu, int registeredMemory, int remainingCpu,
                           int remainingMemory, List<Task> tasks) {

        public Instance {
            Objects.requireNonNull(arn, "arn");
            Objects.requireNonNull(status, "status");
            tasks = List.copyOf(tasks);
        }

        /** ACTIVE with its agent connected: ECS places tasks here. */
        public boolean available() {
            return status == ContainerInstanceStatus.ACTIVE && agentConnected;
        }
    }

    /**
     * A task's reservation on its instance.
     *
     * @param group       {@code service:<name>} for a service's task, else the task's group
     * @param serviceTask a service replaces it elsewhere when its instance drains; a standalone task is not replaced
     */
    public record Task(String arn, String group, int cpu, int memory, boolean serviceTask) {

        public Task {
            Objects.requireNonNull(arn, "arn");
            group = group == null ? "" : group;
        }
    }

    /** The instances ECS counts for the cluster's size: every one not deregistered. */
    public List<Instance> registered() {
        return instances.stream().filter(i -> !i.status().isGone()).toList();
    }

    /** The instance registered as managed instance {@code mi}, if any. */
    public Optional<Instance> byManagedInstance(String mi) {
        return mi == null ? Optional.empty()
                : registered().stream().filter(i -> mi.equals(i.managedInstanceId())).findFirst();
    }

    /** The instance with ARN {@code arn}, if registered. */
    public Optional<Instance> byArn(String arn) {
        return arn == null ? Optional.empty() : registered().stream().filter(i -> arn.equals(i.arn())).findFirst();
    }
}
