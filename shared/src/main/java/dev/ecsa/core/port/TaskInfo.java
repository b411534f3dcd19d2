package dev.ecsa.core.port;

import java.util.Objects;

/**
 * One task on a container instance.
 *
 * @param group         ECS's task group: {@code service:<name>} for service tasks, {@code family:<name>} or a custom
 *                      group for standalone (RunTask) tasks
 * @param lastStatus    ECS lastStatus (PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING,
 *                      DEPROVISIONING, STOPPED)
 * @param desiredStatus ECS desiredStatus (RUNNING, STOPPED)
 * @param serviceTask   whether a service owns it (draining replaces those; standalone tasks must stop by themselves)
 */
public record TaskInfo(String arn, String group, String lastStatus, String desiredStatus, boolean serviceTask) {

    /** ECS's terminal task status. */
    public static final String STOPPED = "STOPPED";

    public TaskInfo {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(lastStatus, "lastStatus");
        Objects.requireNonNull(desiredStatus, "desiredStatus");
        group = group == null ? "" : group;
    }

    /** Whether the task is fully stopped; any other status still holds the instance. */
    public boolean stopped() {
        return STOPPED.equals(lastStatus);
    }
}
