package dev.ecsa.core.port;

import java.util.Objects;

/**
 * An SSM managed instance ({@code mi-…}) registered from a hybrid activation.
 *
 * @param name         the activation's DefaultInstanceName (the node id)
 * @param ipAddress    as the agent reported it; informational only, never used for identity
 */
public record ManagedInstance(String instanceId, String activationId, String name, PingStatus pingStatus,
                              String agentVersion, String ipAddress) {

    public ManagedInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        pingStatus = pingStatus == null ? PingStatus.UNKNOWN : pingStatus;
    }
}
