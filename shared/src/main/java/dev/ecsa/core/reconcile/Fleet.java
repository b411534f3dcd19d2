package dev.ecsa.core.reconcile;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.DrainExecution;
import dev.ecsa.core.port.ListedManagedInstance;
import java.util.List;
import java.util.Map;

/**
 * The three views a run compares, read once at its start: the inventory's node items, this stack's managed instances
 * and activations in SSM, the container instances of the configured clusters, and the drain executions of the nodes
 * that are DRAINING or DEREGISTERING (by request id; a request with no execution has no entry).
 */
record Fleet(List<NodeRecord> nodes, List<ListedManagedInstance> managedInstances,
             List<ContainerInstance> containerInstances, List<ActivationInfo> activations,
             Map<String, DrainExecution> executions) {
}
