package dev.ecsa.local.sim;

import java.time.Instant;

/** A snapshot of one simulated ECS task. {@code serviceName} is null for standalone tasks. */
public record TaskView(String taskArn, String cluster, String containerInstanceArn, String serviceName, String group,
                       String startedBy, String lastStatus, String desiredStatus, Instant createdAt,
                       Instant startedAt, Instant stoppingAt, Instant stoppedAt, String stoppedReason) {
}
