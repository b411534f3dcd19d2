package dev.ecsa.core.model;

/**
 * Versions of the agents found on the host; any may be {@code null} when unknown.
 *
 * @param ssmAgent    amazon-ssm-agent version
 * @param ecsAgent    ECS container agent version
 * @param ecsInit     ecs-init / amazon-ecs-init package version
 */
public record AgentVersions(String ssmAgent, String ecsAgent, String ecsInit) {

    /** Nothing known. */
    public static AgentVersions unknown() {
        return new AgentVersions(null, null, null);
    }
}
