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
 */
public record TaskSpec(String serviceName, String family, String startedBy, boolean pending) {

    public TaskSpec {
        Objects.requireNonNull(family, "family");
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
        return new TaskSpec(serviceName, family, startedBy, true);
    }

    String group() {
        return serviceName != null ? "service:" + serviceName : "family:" + family;
    }
}
