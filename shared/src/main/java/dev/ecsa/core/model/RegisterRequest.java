package dev.ecsa.core.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Join a node to SSM and ECS.
 *
 * @param address            IP address or DNS name used for SSH only (identity is {@code nodeId})
 * @param port               SSH port, {@value #DEFAULT_PORT} unless given
 * @param hostKeyFingerprint expected host key {@code SHA256:…}, or {@code null} to pin on first use
 * @param cluster            ECS cluster, or {@code null} for the stack's default
 * @param attributes         custom ECS attributes for the container instance (the service adds its own)
 * @param tags               tags for the activation, managed instance and container instance (the service adds its own)
 */
public record RegisterRequest(
        String requestId,
        String nodeId,
        String address,
        int port,
        String sshUser,
        String hostKeyFingerprint,
        String cluster,
        Map<String, String> attributes,
        Map<String, String> tags,
        String requestedBy,
        String reason) implements NodeRequest {

    /** The SSH port used when a request names none. */
    public static final int DEFAULT_PORT = 22;

    public RegisterRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(sshUser, "sshUser");
        Objects.requireNonNull(requestedBy, "requestedBy");
        attributes = NodeRequest.copyOf(attributes);
        tags = NodeRequest.copyOf(tags);
        reason = reason == null ? "" : reason;
    }

    @Override
    public Action action() {
        return Action.REGISTER;
    }

    /** The expected host key fingerprint, if the request gave one. */
    public Optional<String> expectedHostKey() {
        return Optional.ofNullable(hostKeyFingerprint);
    }

    /** The cluster the request named, if any. */
    public Optional<String> requestedCluster() {
        return Optional.ofNullable(cluster);
    }
}
