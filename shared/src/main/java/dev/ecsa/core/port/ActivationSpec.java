package dev.ecsa.core.port;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a registration asks SSM for: a single-use activation named after the node.
 *
 * @param nodeId    becomes DefaultInstanceName, so the managed instance carries the node's name
 * @param requestId tagged on the activation so a leftover can be traced to its request
 * @param expiresAt a short expiry: the activation is only needed for the minutes the bootstrap takes
 * @param tags      applied by SSM to the managed instance registered with the activation
 */
public record ActivationSpec(String nodeId, String requestId, Instant expiresAt, Map<String, String> tags) {

    public ActivationSpec {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
