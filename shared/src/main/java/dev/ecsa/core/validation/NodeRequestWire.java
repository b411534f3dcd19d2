package dev.ecsa.core.validation;

import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.UpgradeRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request as the queue carries it: the JSON object (as a map) that {@link RequestValidator} turns back into the same
 * request. For the service's own senders (the reconciler's repair); fields left at their default are left out.
 */
public final class NodeRequestWire {

    private NodeRequestWire() {
    }

    /** The message body of {@code request}, in the validator's field names and order of the docs. */
    public static Map<String, Object> body(NodeRequest request) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", request.action().wireName());
        b.put("requestId", request.requestId());
        b.put("nodeId", request.nodeId());
        if (request instanceof RegisterRequest r) {
            b.put("address", r.address());
            if (r.port() != RegisterRequest.DEFAULT_PORT) {
                b.put("port", r.port());
            }
            b.put("sshUser", r.sshUser());
            putIfPresent(b, "cluster", r.cluster());
            if (!r.attributes().isEmpty()) {
                b.put("attributes", new LinkedHashMap<>(r.attributes()));
            }
            if (!r.tags().isEmpty()) {
                b.put("tags", new LinkedHashMap<>(r.tags()));
            }
            putIfPresent(b, "hostKeyFingerprint", r.hostKeyFingerprint());
        } else if (request instanceof DeregisterRequest d) {
            putIfPresent(b, "drainTimeoutSeconds", d.drainTimeoutSeconds());
            putIfPresent(b, "onTimeout", d.onTimeout() == null ? null : d.onTimeout().wireName());
            putIfPresent(b, "hostKeyFingerprint", d.hostKeyFingerprint());
        } else if (request instanceof UpgradeRequest u) {
            putIfPresent(b, "ecsAgentVersion", u.ecsAgentVersion());
            putIfPresent(b, "ssmAgentVersion", u.ssmAgentVersion());
            putIfPresent(b, "drainTimeoutSeconds", u.drainTimeoutSeconds());
            putIfPresent(b, "onTimeout", u.onTimeout() == null ? null : u.onTimeout().wireName());
            putIfPresent(b, "hostKeyFingerprint", u.hostKeyFingerprint());
        } else if (request instanceof RestartRequest r) {
            putIfPresent(b, "hostKeyFingerprint", r.hostKeyFingerprint());
        }
        b.put("requestedBy", request.requestedBy());
        if (!request.reason().isEmpty()) {
            b.put("reason", request.reason());
        }
        return b;
    }

    private static void putIfPresent(Map<String, Object> b, String field, Object value) {
        if (value != null) {
            b.put(field, value);
        }
    }
}
