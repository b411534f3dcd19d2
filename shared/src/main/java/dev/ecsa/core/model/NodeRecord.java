package dev.ecsa.core.model;

import dev.ecsa.core.state.NodeState;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stored item for one node: its state (guarded by {@code version}) and what the service knows about it.
 * Nullable fields are {@code null} until known.
 *
 * @param version            number of state transitions so far plus one (a new item is at 1)
 * @param hostKeyFingerprint the host key pinned at first contact or given by a request ({@code SHA256:…})
 * @param lastRequestId      the request that last moved the node
 * @param lastError          why the last operation failed, or {@code null}
 * @param stateChangedAt     when the node entered its current state
 * @param attributes         the custom ECS attributes the last successful registration set (besides
 *                           {@code ecsa.nodeId}), so nodes can be selected by them without asking ECS
 * @param health             the agents' health over time and what the reconciler's repair did ({@link NodeHealth})
 * @param tags               the custom tags the last successful registration set (besides the service's own), so a
 *                           re-registration can set them again
 */
public record NodeRecord(
        String nodeId,
        NodeState state,
        long version,
        String cluster,
        String managedInstanceId,
        String containerInstanceArn,
        String hostKeyFingerprint,
        String address,
        int port,
        String sshUser,
        AgentVersions agentVersions,
        String lastRequestId,
        Failure lastError,
        Instant createdAt,
        Instant updatedAt,
        Instant stateChangedAt,
        Map<String, String> attributes,
        NodeHealth health,
        Map<String, String> tags) {

    public NodeRecord {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(stateChangedAt, "stateChangedAt");
        agentVersions = agentVersions == null ? AgentVersions.unknown() : agentVersions;
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(attributes));
        health = health == null ? NodeHealth.none() : health;
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1");
        }
    }

    /** A node with no registration tags recorded. */
    public NodeRecord(String nodeId, NodeState state, long version, String cluster, String managedInstanceId,
                      String containerInstanceArn, String hostKeyFingerprint, String address, int port, String sshUser,
                      AgentVersions agentVersions, String lastRequestId, Failure lastError, Instant createdAt,
                      Instant updatedAt, Instant stateChangedAt, Map<String, String> attributes, NodeHealth health) {
        this(nodeId, state, version, cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address,
                port, sshUser, agentVersions, lastRequestId, lastError, createdAt, updatedAt, stateChangedAt, attributes,
                health, Map.of());
    }

    /** A node with nothing known of its health. */
    public NodeRecord(String nodeId, NodeState state, long version, String cluster, String managedInstanceId,
                      String containerInstanceArn, String hostKeyFingerprint, String address, int port, String sshUser,
                      AgentVersions agentVersions, String lastRequestId, Failure lastError, Instant createdAt,
                      Instant updatedAt, Instant stateChangedAt, Map<String, String> attributes) {
        this(nodeId, state, version, cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address,
                port, sshUser, agentVersions, lastRequestId, lastError, createdAt, updatedAt, stateChangedAt, attributes,
                NodeHealth.none());
    }

    /** A node with no ECS attributes recorded. */
    public NodeRecord(String nodeId, NodeState state, long version, String cluster, String managedInstanceId,
                      String containerInstanceArn, String hostKeyFingerprint, String address, int port, String sshUser,
                      AgentVersions agentVersions, String lastRequestId, Failure lastError, Instant createdAt,
                      Instant updatedAt, Instant stateChangedAt) {
        this(nodeId, state, version, cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address,
                port, sshUser, agentVersions, lastRequestId, lastError, createdAt, updatedAt, stateChangedAt, Map.of());
    }

    /** The item a registration creates for a never-seen node (state {@link NodeState#initial()}, version 1). */
    public static NodeRecord newRegistration(RegisterRequest request, String cluster, Instant now) {
        return new NodeRecord(request.nodeId(), NodeState.initial(), 1, cluster, null, null,
                request.hostKeyFingerprint(), request.address(), request.port(), request.sshUser(),
                AgentVersions.unknown(), request.requestId(), null, now, now, now);
    }

    /** This record with {@code update}'s non-null fields applied and {@code updatedAt} set. */
    public NodeRecord with(NodeUpdate update, Instant now) {
        return new NodeRecord(nodeId, state, version,
                pick(update.cluster(), cluster),
                pick(update.managedInstanceId(), managedInstanceId),
                pick(update.containerInstanceArn(), containerInstanceArn),
                pick(update.hostKeyFingerprint(), hostKeyFingerprint),
                pick(update.address(), address),
                update.port() != null ? update.port() : port,
                pick(update.sshUser(), sshUser),
                pick(update.agentVersions(), agentVersions),
                pick(update.lastRequestId(), lastRequestId),
                update.clearLastError() ? null : pick(update.lastError(), lastError),
                createdAt, now, stateChangedAt, update.attributes() != null ? update.attributes() : attributes,
                pick(update.health(), health), update.tags() != null ? update.tags() : tags);
    }

    /** This record moved to {@code to} at {@code version}. */
    public NodeRecord movedTo(NodeState to, long newVersion, Instant now) {
        return new NodeRecord(nodeId, to, newVersion, cluster, managedInstanceId, containerInstanceArn,
                hostKeyFingerprint, address, port, sshUser, agentVersions, lastRequestId, lastError,
                createdAt, now, now, attributes, health, tags);
    }

    /** The last error, if any. */
    public Optional<Failure> error() {
        return Optional.ofNullable(lastError);
    }

    private static <T> T pick(T wanted, T current) {
        return wanted != null ? wanted : current;
    }
}
