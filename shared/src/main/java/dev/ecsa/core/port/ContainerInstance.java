package dev.ecsa.core.port;

import java.util.Map;
import java.util.Objects;

/**
 * An ECS container instance as far as the lifecycle needs it.
 *
 * @param managedInstanceId ECS's {@code ec2InstanceId}, which holds the {@code mi-…} id for external instances
 * @param runningTasksCount tasks whose desired status is RUNNING (ECS's counter; not enough to call a drain done)
 * @param dockerVersion     Docker's version as the agent reports it ({@code versionInfo.dockerVersion} without its
 *                          {@code DockerVersion: } prefix), or {@code null}
 * @param healthStatus      ECS's overall health of the instance as its agent reports it ({@code OK}, {@code IMPAIRED},
 *                          {@code INSUFFICIENT_DATA}, {@code INITIALIZING}), when the listing asked for it; else
 *                          {@code null}
 */
public record ContainerInstance(String arn, String cluster, String managedInstanceId, ContainerInstanceStatus status,
                                boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                                String agentVersion, Map<String, String> attributes, String dockerVersion,
                                String healthStatus) {

    /** ECS's {@code IMPAIRED}: a health check of the instance (the container runtime's) fails. */
    public static final String IMPAIRED = "IMPAIRED";

    /** An instance whose health was not asked for. */
    public ContainerInstance(String arn, String cluster, String managedInstanceId, ContainerInstanceStatus status,
                             boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                             String agentVersion, Map<String, String> attributes, String dockerVersion) {
        this(arn, cluster, managedInstanceId, status, agentConnected, runningTasksCount, pendingTasksCount,
                agentVersion, attributes, dockerVersion, null);
    }

    /** An instance whose Docker version is not known. */
    public ContainerInstance(String arn, String cluster, String managedInstanceId, ContainerInstanceStatus status,
                             boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                             String agentVersion, Map<String, String> attributes) {
        this(arn, cluster, managedInstanceId, status, agentConnected, runningTasksCount, pendingTasksCount,
                agentVersion, attributes, null, null);
    }

    /** Whether ECS reports a failing health check for the instance. */
    public boolean impaired() {
        return IMPAIRED.equals(healthStatus);
    }

    public ContainerInstance {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(status, "status");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
