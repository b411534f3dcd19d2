package dev.ecsa.local.sim;

/**
 * A node created by {@link ControlPlaneSimulator#seedNodes}: a managed instance registered through its own
 * (since deleted) activation and, if a cluster was given, its container instance.
 */
public record SeededNode(String nodeId, String managedInstanceId, String activationId, String containerInstanceArn) {
}
