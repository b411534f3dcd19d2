package dev.ecsa.local.sim;

import java.util.Objects;

/**
 * What to place on a container instance: a service task (group {@code service:NAME}, task definition family
 * NAME) or a standalone task (group {@code family:FAMILY}, {@code startedBy} as RunTask would set it).
 *
 * @param serviceName the service, or null for a standalone task
 * @param family      the task definition family
 * @param startedBy   the startedBy tag (service tasks: {@code ecs-svc/...})
 * @param pending     place it as PENDING instead of RUNNING
 * @param cpu         the task's CPU reservation in CPU units (ECS's task-level {@code cpu})
 * @param memory      the task's memory reservation in MiB (ECS's task-level {@code memory})
 */
public record TaskSpec(String serviceName, String family, String startedBy, boolean pending, int cpu, int memory) {

    /** The reservation of a task that names none: a quarter vCPU and 512 MiB. */
    public static final int DEFAULT_CPU = 256;
    public static final int DEFAULT_MEMORY = 512;

    public TaskSpec {
        Objects.requireNonNull(family, "family");
        if (cpu < 0 || memory < 0) {
            throw new IllegalArgumentException("a reservation is not negative");
        }
    }

    /** A task with the default reservation. */
    public TaskSpec(String serviceName, String family, String startedBy, boolean pending) {
        this(serviceName, family, startedBy, pending, DEFAULT_CPU, DEFAULT_MEMORY);
    }

    /** The same task with this reservation. */
    public TaskSpec reserving(int cpuUnits, int memoryMib) {
        return new TaskSpec(serviceName, family, startedBy, pending, cpuUnits, memoryMib);
    }

    public static TaskSpec service(String serviceName) {
        return new TaskSpec(Objects.requireNonNull(serviceName, "serviceName"), serviceName,
                "ecs-svc/" + Math.abs((long) serviceName.hashCode()), false);
    }

    public static TaskSpec standalone(String family, String startedBy) {
        return new TaskSpec(null, family, startedBy, false);
    }

    /** The same task, placed PENDING (not yet started). */
    public TaskSpec asPending() {
        return new TaskSpec(serviceName, family, startedBy, true, cpu, memory);
    }

    String group() {
        return serviceName != null ? "service:" + serviceName : "family:" + family;
    }
}
