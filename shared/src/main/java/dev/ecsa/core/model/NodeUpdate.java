package dev.ecsa.core.model;

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
        boolean clearLastError) {

    public NodeUpdate {
        if (clearLastError && lastError != null) {
            throw new IllegalArgumentException("either set or clear lastError, not both");
        }
    }

    /** An update that changes nothing. */
    public static NodeUpdate none() {
        return new NodeUpdate(null, null, null, null, null, null, null, null, null, null, false);
    }

    public NodeUpdate withCluster(String v) {
        return new NodeUpdate(v, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError);
    }

    public NodeUpdate withManagedInstanceId(String v) {
        return new NodeUpdate(cluster, v, containerInstanceArn, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError);
    }

    public NodeUpdate withContainerInstanceArn(String v) {
        return new NodeUpdate(cluster, managedInstanceId, v, hostKeyFingerprint, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError);
    }

    public NodeUpdate withHostKeyFingerprint(String v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, v, address, port, sshUser,
                agentVersions, lastRequestId, lastError, clearLastError);
    }

    /** SSH coordinates from a later registration request. */
    public NodeUpdate withSsh(String newAddress, int newPort, String newUser) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, newAddress,
                newPort, newUser, agentVersions, lastRequestId, lastError, clearLastError);
    }

    public NodeUpdate withAgentVersions(AgentVersions v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, v, lastRequestId, lastError, clearLastError);
    }

    public NodeUpdate withLastRequestId(String v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, v, lastError, clearLastError);
    }

    public NodeUpdate withLastError(Failure v) {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, v, false);
    }

    public NodeUpdate clearingLastError() {
        return new NodeUpdate(cluster, managedInstanceId, containerInstanceArn, hostKeyFingerprint, address, port,
                sshUser, agentVersions, lastRequestId, null, true);
    }
}
