package dev.ecsa.core.model;

import java.util.Objects;

/**
 * Drain a node and remove it from ECS and SSM.
 *
 * @param drainTimeoutSeconds how long the drain may take, or {@code null} for the stack's default
 * @param onTimeout           what to do at the deadline, or {@code null} for the stack's default
 * @param hostKeyFingerprint  the host key the cleanup must see, replacing the pinned one (the host was reinstalled
 *                            since it registered), or {@code null} to expect the pinned key
 */
public record DeregisterRequest(
        String requestId,
        String nodeId,
        Integer drainTimeoutSeconds,
        TimeoutPolicy onTimeout,
        String requestedBy,
        String reason,
        String hostKeyFingerprint) implements DrainRequest {

    /** A deregistration that expects the host key pinned at registration. */
    public DeregisterRequest(String requestId, String nodeId, Integer drainTimeoutSeconds, TimeoutPolicy onTimeout,
                             String requestedBy, String reason) {
        this(requestId, nodeId, drainTimeoutSeconds, onTimeout, requestedBy, reason, null);
    }

    public DeregisterRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        reason = reason == null ? "" : reason;
    }

    @Override
    public Action action() {
        return Action.DEREGISTER;
    }
}
