package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a rollout, as the plan sees it.
 *
 * @param cluster              the node's cluster (for a registration: the one it joins)
 * @param attributes           the node's ECS attributes (the canary's spread and the selectors read them)
 * @param managedInstanceId    the recorded SSM id, or {@code null} (a registration)
 * @param containerInstanceArn the recorded container instance, or {@code null}
 */
public record RolloutTarget(String nodeId, String cluster, Map<String, String> attributes, String managedInstanceId,
                            String containerInstanceArn) {

    public RolloutTarget {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(cluster, "cluster");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** This node's container instance in {@code load}, by ARN or else by managed instance id. */
    java.util.Optional<ClusterLoad.Instance> instanceIn(ClusterLoad load) {
        return load.byArn(containerInstanceArn).or(() -> load.byManagedInstance(managedInstanceId));
    }
}
