package dev.ecsa.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated request about one node, as sent by a provisioning system or an operator. Only
 * {@link dev.ecsa.core.validation.RequestValidator} should build these from outside input; the constructors
 * check presence, not content.
 */
public sealed interface NodeRequest permits RegisterRequest, DrainRequest, RestartRequest {

    /** What is asked. */
    Action action();

    /** The producer's id for this request: SQS deduplication id, Step Functions execution name, record key. */
    String requestId();

    /** The producer's name for the node (SSM DefaultInstanceName, tag and ECS attribute value). */
    String nodeId();

    /** Who asked (a system or a person), for the audit trail. */
    String requestedBy();

    /** Why, for the audit trail; may be empty. */
    String reason();

    /** An unmodifiable, order-keeping copy ({@code null} becomes empty). */
    static Map<String, String> copyOf(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
