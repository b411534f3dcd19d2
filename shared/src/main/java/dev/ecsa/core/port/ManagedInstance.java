package dev.ecsa.core.port;

import java.util.Objects;

/**
 * An SSM managed instance ({@code mi-…}) registered from a hybrid activation.
 *
 * @param name         the activation's DefaultInstanceName (the node id)
 * @param ipAddress    as the agent reported it; informational only, never used for identity
 * @param platformName    the operating system as SSM reports it ({@code PlatformName}), or {@code null}
 * @param platformVersion its version ({@code PlatformVersion}), or {@code null}
 */
public record ManagedInstance(String instanceId, String activationId, String name, PingStatus pingStatus,
                              String agentVersion, String ipAddress, String platformName, String platformVersion) {

    /** An instance whose platform is not known. */
    public ManagedInstance(String instanceId, String activationId, String name, PingStatus pingStatus,
                           String agentVersion, String ipAddress) {
        this(instanceId, activationId, name, pingStatus, agentVersion, ipAddress, null, null);
    }

    public ManagedInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        pingStatus = pingStatus == null ? PingStatus.UNKNOWN : pingStatus;
    }
}
