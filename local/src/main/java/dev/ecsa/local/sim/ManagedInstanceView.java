package dev.ecsa.local.sim;

import java.time.Instant;
import java.util.Map;

/** A snapshot of one simulated SSM managed instance (hybrid node); {@code agentVersion} as its agent last reported it. */
public record ManagedInstanceView(String instanceId, String activationId, String name, String iamRole,
                                  String pingStatus, String ipAddress, String computerName,
                                  Instant registrationDate, Instant lastPingDateTime, Map<String, String> tags,
                                  boolean deregistered, String agentVersion) {
}
