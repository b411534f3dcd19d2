package dev.ecsa.core.model;

import java.util.Objects;

/**
 * Restart a registered node's ECS and SSM agents over SSH, keeping its identity (the same managed instance and
 * container instance): the repair's step after a quarantine, or an operator's ({@code ecsa restart NODE}).
 *
 * @param hostKeyFingerprint the host key the session must see instead of the pinned one, or {@code null} to expect the
 *                           pinned key
 */
public record RestartRequest(String requestId, String nodeId, String requestedBy, String reason,
                             String hostKeyFingerprint) implements NodeRequest {

    public RestartRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        reason = reason == null ? "" : reason;
    }

    @Override
    public Action action() {
        return Action.RESTART;
    }
}
