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
 */
public record ContainerInstance(String arn, String cluster, String managedInstanceId, ContainerInstanceStatus status,
                                boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                                String agentVersion, Map<String, String> attributes, String dockerVersion) {

    /** An instance whose Docker version is not known. */
    public ContainerInstance(String arn, String cluster, String managedInstanceId, ContainerInstanceStatus status,
                             boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                             String agentVersion, Map<String, String> attributes) {
        this(arn, cluster, managedInstanceId, status, agentConnected, runningTasksCount, pendingTasksCount,
                agentVersion, attributes, null);
    }

    public ContainerInstance {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(status, "status");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
