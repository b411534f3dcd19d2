package dev.ecsa.local.mode;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives every node of the local fleet work once it is registered: one RUNNING task of the service {@value #SERVICE}
 * per new container instance, placed through the simulator's admin API (as ECS's scheduler would), so a drain has
 * something to move. Each container instance gets its task once, so a drain that is reverted does not add another.
 */
final class TaskSeeder {

    /** The service whose tasks the seeder places. */
    static final String SERVICE = "web";

    private final ControlPlaneSimulator simulator;
    private final NodeStore store;
    private final List<String> nodeIds;
    private final Set<String> seeded = ConcurrentHashMap.newKeySet();

    TaskSeeder(ControlPlaneSimulator simulator, NodeStore store, List<String> nodeIds) {
        this.simulator = simulator;
        this.store = store;
        this.nodeIds = List.copyOf(nodeIds);
    }

    /** One pass: a task for every REGISTERED node whose container instance has none from the seeder yet. */
    void seedOnce() {
        for (String nodeId : nodeIds) {
            NodeRecord node = store.getNode(nodeId).orElse(null);
            if (node == null || node.state() != NodeState.REGISTERED || node.containerInstanceArn() == null) {
                continue;
            }
            String arn = node.containerInstanceArn();
            if (seeded.add(arn)) {
                simulator.runServiceTask(node.cluster(), arn, SERVICE);
            }
        }
    }

    /** Whether the container instance got its task. */
    boolean seeded(String containerInstanceArn) {
        return seeded.contains(containerInstanceArn);
    }
}
