package dev.ecsa.core.fleet;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.NodeState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Nodes of the inventory a rollout selects: all conditions set must hold (an unset one does not apply).
 *
 * @param states          the node's recorded state is one of these (empty: any)
 * @param cluster         the node's cluster, or {@code null}
 * @param attributes      every entry is one of the node's ECS attributes with that value
 * @param ecsAgentVersion the ECS agent version the inventory recorded, or {@code null}
 * @param ssmAgentVersion the SSM agent version the inventory recorded, or {@code null}
 */
public record TargetSelector(Set<NodeState> states, String cluster, Map<String, String> attributes,
                             String ecsAgentVersion, String ssmAgentVersion) {

    public TargetSelector {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Whether {@code node} is selected. */
    public boolean matches(NodeRecord node) {
        Objects.requireNonNull(node, "node");
        if (!states.isEmpty() && !states.contains(node.state())) {
            return false;
        }
        if (cluster != null && !cluster.equals(node.cluster())) {
            return false;
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!e.getValue().equals(node.attributes().get(e.getKey()))) {
                return false;
            }
        }
        if (ecsAgentVersion != null && !ecsAgentVersion.equals(node.agentVersions().ecsAgent())) {
            return false;
        }
        return ssmAgentVersion == null || ssmAgentVersion.equals(node.agentVersions().ssmAgent());
    }
}
