package dev.ecsa.core.register;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.AgentVersions;
import java.util.List;
import java.util.Objects;

/**
 * What the bootstrap reported. On success the ids and versions are set; on failure {@code reason} classifies it and
 * {@code hostCode} is the script's own code (e.g. NO_SYSTEMD, CHECKSUM_MISMATCH). When the host is already
 * registered, the ids are the existing registration's.
 *
 * @param hostStep   where the script stopped (preflight, verify, install, wait, internal), {@code null} on success
 * @param outputTail the end of the install output (already scrubbed of the activation code by the host)
 */
public record BootstrapReport(boolean ok, Reason reason, String hostStep, String hostCode, String message,
                              String managedInstanceId, String containerInstanceArn, String cluster,
                              AgentVersions agentVersions, List<Finding> findings, String outputTail) {

    /** The pre-flight code for an existing registration on the host. */
    public static final String ALREADY_REGISTERED = "ALREADY_REGISTERED";

    /**
     * The pre-flight code (not blocking, beside {@link #ALREADY_REGISTERED}) for a host whose SSM agent is registered
     * while no ECS agent answers: an installation stopped between the two registrations.
     */
    public static final String INTERRUPTED_INSTALLATION = "INTERRUPTED_INSTALLATION";

    /**
     * One pre-flight observation.
     *
     * @param blocking whether it stopped the registration
     */
    public record Finding(String code, boolean blocking, String message) {
    }

    public BootstrapReport {
        if (!ok) {
            Objects.requireNonNull(reason, "a failed report has a reason");
        }
        agentVersions = agentVersions == null ? AgentVersions.unknown() : agentVersions;
        findings = findings == null ? List.of() : List.copyOf(findings);
        message = message == null ? "" : message;
        outputTail = outputTail == null ? "" : outputTail;
    }

    /**
     * Whether the only thing that stopped the host is an existing registration (then the ids are that registration's,
     * which may be this node's own from an earlier, interrupted run).
     */
    public boolean alreadyRegistered() {
        List<Finding> blocking = findings.stream().filter(Finding::blocking).toList();
        return !ok && !blocking.isEmpty() && blocking.stream().allMatch(f -> ALREADY_REGISTERED.equals(f.code()));
    }

    /**
     * Whether the existing registration is an interrupted installation: SSM registered the host (the managed
     * instance id is set) and no ECS agent answers, so a bootstrap told that id completes the installation.
     */
    public boolean interruptedInstallation() {
        return alreadyRegistered() && managedInstanceId != null && !managedInstanceId.isEmpty()
                && findings.stream().anyMatch(f -> INTERRUPTED_INSTALLATION.equals(f.code()));
    }
}
