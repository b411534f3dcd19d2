package dev.ecsa.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What runs on the host, as far as the service knows it; any field may be {@code null} when unknown. The registration
 * records what the host reported; the reconciler records what SSM and ECS report afterwards (the agents' versions,
 * Docker's, the platform), keeping what they cannot report (ecs-init's version).
 *
 * @param ssmAgent        amazon-ssm-agent version
 * @param ecsAgent        ECS container agent version
 * @param ecsInit         ecs-init / amazon-ecs-init package version (only the host reports it)
 * @param docker          Docker's version as the ECS agent reports it (ECS {@code versionInfo.dockerVersion})
 * @param platformName    the operating system as SSM reports it (e.g. {@code Ubuntu})
 * @param platformVersion its version (e.g. {@code 22.04})
 * @param observedAt      when these were recorded: the registration, or the reconcile run that saw them change
 */
public record AgentVersions(String ssmAgent, String ecsAgent, String ecsInit, String docker, String platformName,
                            String platformVersion, Instant observedAt) {

    /** The agents' versions as a host reports them at registration. */
    public AgentVersions(String ssmAgent, String ecsAgent, String ecsInit) {
        this(ssmAgent, ecsAgent, ecsInit, null, null, null, null);
    }

    /** Nothing known. */
    public static AgentVersions unknown() {
        return new AgentVersions(null, null, null);
    }

    /** Whether the software named here is the same as in {@code other} ({@link #observedAt} aside). */
    public boolean sameSoftware(AgentVersions other) {
        return other != null && Objects.equals(ssmAgent, other.ssmAgent) && Objects.equals(ecsAgent, other.ecsAgent)
                && Objects.equals(ecsInit, other.ecsInit) && Objects.equals(docker, other.docker)
                && Objects.equals(platformName, other.platformName)
                && Objects.equals(platformVersion, other.platformVersion);
    }

    public AgentVersions observedAt(Instant at) {
        return new AgentVersions(ssmAgent, ecsAgent, ecsInit, docker, platformName, platformVersion, at);
    }
}
