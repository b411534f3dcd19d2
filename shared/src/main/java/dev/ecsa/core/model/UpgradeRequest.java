package dev.ecsa.core.model;

import java.util.Objects;

/**
 * Upgrade a registered node's ECS agent and SSM agent in place, keeping its identity: drain it (the node's drain
 * workflow, with a deregistration's timeout and policy), run the upgrade on the host over SSH, confirm in ECS and SSM
 * that both agents report the new versions under the same ids, and set the instance ACTIVE again (docs/upgrade.md).
 *
 * @param ecsAgentVersion     the ECS agent (amazon-ecs-init) version to reach, or {@code null} for the stack's target
 * @param ssmAgentVersion     the SSM agent version to reach, or {@code null} for the stack's target
 * @param drainTimeoutSeconds how long the drain may take, or {@code null} for the stack's default
 * @param onTimeout           what to do at the deadline ({@code force}: upgrade anyway), or {@code null} for the
 *                            stack's default
 * @param hostKeyFingerprint  the host key the session must see instead of the pinned one, or {@code null}
 */
public record UpgradeRequest(String requestId, String nodeId, String ecsAgentVersion, String ssmAgentVersion,
                             Integer drainTimeoutSeconds, TimeoutPolicy onTimeout, String requestedBy, String reason,
                             String hostKeyFingerprint) implements DrainRequest {

    public UpgradeRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        reason = reason == null ? "" : reason;
    }

    @Override
    public Action action() {
        return Action.UPGRADE;
    }

    /** The versions this request names (each {@code null} when it leaves that agent to the stack's target). */
    public TargetVersions targets() {
        return new TargetVersions(ecsAgentVersion, ssmAgentVersion);
    }
}
