package dev.ecsa.core.register;

import dev.ecsa.core.model.Activation;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The request-specific values of one bootstrap run (the stack-wide ones — region, install script URL and pin — belong
 * to the {@link BootstrapScripts} implementation). Every string has passed {@link dev.ecsa.core.validation.FieldRules}.
 *
 * @param attributes ECS_INSTANCE_ATTRIBUTES written to ecs.config: the request's plus the service's own
 * @param tags       ECS_CONTAINER_INSTANCE_TAGS written to ecs.config: the request's plus the service's own
 * @param agentWait  how long the script waits for the ECS agent after the install
 * @param resumeManagedInstanceId the managed instance id of this node's own interrupted installation, which SSM
 *                   confirmed under the node's name: the bootstrap completes it instead of stopping at the pre-flight;
 *                   {@code null} for a registration from scratch
 */
public record BootstrapInput(String nodeId, String cluster, Activation activation, Map<String, String> attributes,
                             Map<String, String> tags, Duration agentWait,
                             String resumeManagedInstanceId) {

    public BootstrapInput {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(agentWait, "agentWait");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    @Override
    public String toString() {
        // Activation's own toString redacts the code; spelled out here so no later edit can leak it.
        return "BootstrapInput[nodeId=" + nodeId + ", cluster=" + cluster + ", activationId="
                + activation.activationId() + ", code=<redacted>, attributes=" + attributes + ", tags=" + tags
                + ", agentWait=" + agentWait + ", resumeManagedInstanceId=" + resumeManagedInstanceId + "]";
    }
}
