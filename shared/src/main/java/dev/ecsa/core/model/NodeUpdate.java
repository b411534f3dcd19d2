package dev.ecsa.core.model;

import java.util.Map;

/**
 * Fields to set on a node item; {@code null} leaves a field as it is. {@code clearLastError} removes the last error
 * (a successful operation does so). Built with {@link #none()} and the {@code with…} methods.
 */
public record NodeUpdate(
        String cluster,
        String managedInstanceId,
        String containerInstanceArn,
        String hostKeyFingerprint,
        String address,
        Integer port,
        String sshUser,
        AgentVersions agentVersions,
        String lastRequestId,
        Failure lastError,
        boolean clearLastError,
        Map<String, String> attributes,
        NodeHealth health,
        Map<String, String> tags) {

    public NodeUpdate {
        if (clearLastError && lastError != null) {
            throw new IllegalArgumentException("either set or clear lastError, not both");
        }
        attributes = attributes == null ? null : Map.copyOf(attributes);
        tags = tags == null ? null : Map.copyOf(tags);
    }

    /** An update that leaves the node's ECS attributes as they are. */
    public NodeUpdate(String cluster, String managedInstanceId, String containerInstanceArn, String hostKeyFingerprint,
                      String address, Integer port, String sshUser, AgentVersions agentVersions, String lastRequestId,
                      Failure lastError, boolean clearLastError) {
        this(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError, null, null, null);
    }

    /** An update that changes nothing. */
    public static NodeUpdate none() {
        return new NodeUpdate(null, null, null, null, null, null, null, null, null, null, false);
    }

    public NodeUpdate withCluster(String v) {
        return new NodeUpdate(v, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withManagedInstanceId(String v) {
        return new NodeUpdate(cluster, v, containerInstanceArn, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withContainerInstanceArn(String v) {
        return new NodeUpdate(cluster, managedInstanceId, v, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withHostKeyFingerprint(String v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, v, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    /** SSH coordinates from a later registration request. */
    public NodeUpdate withSsh(String newAddress, int newPort, String newUser) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, newAddress,
                newPort, newUser, agentVersions, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withAgentVersions(AgentVersions v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, v, lastRequestId, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withLastRequestId(String v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, v, lastError, clearLastError, attributes, health, tags);
    }

    public NodeUpdate withLastError(Failure v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, v, false, attributes, health, tags);
    }

    /** The ECS attributes the service set on the node's container instance at its registration. */
    public NodeUpdate withAttributes(Map<String, String> v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, lastError, clearLastError, v, health, tags);
    }

    /** The node's health as the reconciler saw it ({@link NodeHealth#none()} removes what was stored). */
    public NodeUpdate withHealth(NodeHealth v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, lastError, clearLastError, attributes, v, tags);
    }

    /** The custom tags a registration set on the activation, managed instance and container instance. */
    public NodeUpdate withTags(Map<String, String> v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, lastError, clearLastError, attributes, health, v);
    }

    public NodeUpdate clearingLastError() {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, null, true, attributes, health, tags);
    }
}
