package dev.ecsa.local.sim;

import java.time.Instant;
import java.util.Map;

/** A snapshot of one simulated ECS container instance. Attribute values may be {@code null} (capabilities). */
public record ContainerInstanceView(String containerInstanceArn, String cluster, String ec2InstanceId, String status,
                                    boolean agentConnected, int runningTasksCount, int pendingTasksCount,
                                    Map<String, String> attributes, Map<String, String> tags, Instant registeredAt,
                                    String agentVersion) {
}
