package dev.ecsa.core.intake;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.core.validation.ValidationResult;
import java.time.Clock;
import java.util.Objects;

/**
 * Records requests that never became a valid {@link dev.ecsa.core.model.NodeRequest} (undecodable body, broken
 * rules) as REJECTED and publishes {@link NodeEvent.NodeRequestRejected}. Nothing is sent to any host or AWS API.
 *
 * <p>A rejected request is recorded under its own request id when that id passed its rule. Otherwise it cannot be:
 * the id is missing, or is not a safe key. It is then recorded under {@link #fallbackId} of the queue's message id
 * ({@value #FALLBACK_PREFIX} + message id), and the failure message says so. Likewise a node id that broke its rule
 * is recorded as {@value #UNKNOWN_NODE}, and an action that could not be read as {@code register} (the record requires
 * an action; the failure message names the broken {@code action} field).
 */
public final class RequestRejections {

    /** Prefix of the record key used when the request's own id is unusable. */
    public static final String FALLBACK_PREFIX = "sqs-";
    /** The node id recorded when the request's node id is unusable. */
    public static final String UNKNOWN_NODE = "-";

    private final NodeStore store;
    private final EventPublisher events;
    private final Clock clock;

    public RequestRejections(NodeStore store, EventPublisher events, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The record key for a request whose id is unusable, derived from the queue message id. SQS message ids are
     * UUIDs; anything else is reduced to the request-id alphabet so the key stays a valid id.
     */
    public static String fallbackId(String messageId) {
        String cleaned = messageId == null ? "" : messageId.replaceAll("[^A-Za-z0-9_-]", "");
        String id = FALLBACK_PREFIX + (cleaned.isEmpty() ? "unknown" : cleaned);
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    /**
     * Rejects a request that failed validation.
     *
     * @param requestedBy the raw {@code requestedBy} if it was a string that passed its rule, else {@code null}
     * @param messageId   the queue message id, for the fallback key
     */
    public IntakeResult invalid(ValidationResult validation, String requestedBy, String messageId) {
        if (validation.isValid()) {
            throw new IllegalArgumentException("a valid request is not rejected for its content");
        }
        String sentence = validation.sentence();
        if (validation.requestId().isPresent()) {
            sentence += " Send the corrected request with a new requestId: " + validation.requestId().get()
                    + " stays rejected.";
        }
        return reject(validation.requestId().orElse(null), validation.nodeId().orElse(null),
                validation.action().orElse(null), requestedBy, sentence, messageId);
    }

    /**
     * Rejects a message whose request id already belongs to another request (another node or action, another body
     * rejected earlier, or a rejected request resent corrected). That request's record is left alone; this one is
     * recorded under {@link #fallbackId} of the message id with reason CONFLICT, and NodeRequestRejected is published
     * under the id the producer sent, so the producer learns it.
     *
     * @param why what the id is already used for
     */
    public IntakeResult conflict(String requestId, String nodeId, Action action, String requestedBy, String why,
                                 String messageId) {
        String key = fallbackId(messageId);
        String message = "Request id " + requestId + " cannot be used: " + why + ". Recorded under " + key + ".";
        String node = nodeId == null ? UNKNOWN_NODE : nodeId;
        Failure failure = new Failure(Reason.CONFLICT, message);
        RequestRecord record = RequestRecord.rejected(key, node, action == null ? Action.REGISTER : action,
                safeRequestedBy(requestedBy), failure, clock.instant());
        boolean stored = store.putRequestIfAbsent(record);
        events.publish(new NodeEvent.NodeRequestRejected(node, requestId,
                action == null ? "unknown" : action.wireName(), message));
        return IntakeResult.of(stored ? record : store.getRequest(key).orElse(record), !stored);
    }

    private static String safeRequestedBy(String requestedBy) {
        return requestedBy != null && FieldRules.requestedBy(requestedBy) == null ? requestedBy : "";
    }

    /** Rejects a message whose body is not a JSON object at all ({@code why} must not quote the body). */
    public IntakeResult undecodable(String why, String messageId) {
        return reject(null, null, null, null, "Invalid request: " + why + ".", messageId);
    }

    private IntakeResult reject(String requestId, String nodeId, Action action, String requestedBy, String sentence,
                                String messageId) {
        String key = requestId;
        String message = sentence;
        if (key == null) {
            key = fallbackId(messageId);
            message = sentence + " (Recorded under " + key + " because the request id is missing or invalid.)";
        }
        String node = nodeId == null ? UNKNOWN_NODE : nodeId;
        Action recordedAction = action == null ? Action.REGISTER : action;
        String by = safeRequestedBy(requestedBy);
        Failure failure = new Failure(Reason.INVALID_REQUEST, message);
        RequestRecord record = RequestRecord.rejected(key, node, recordedAction, by, failure, clock.instant());
        boolean stored = store.putRequestIfAbsent(record);
        RequestRecord existing = stored ? record : store.getRequest(key).orElse(record);
        boolean sameRejection = existing.outcome() == Outcome.REJECTED && failure.equals(existing.failure());
        if (!stored && !sameRejection) {
            // A different request already owns the key (a reused id, or the same id with another invalid body).
            return conflict(key, nodeId, action, requestedBy, "it is already recorded for a "
                    + existing.action().wireName() + " request for node " + existing.nodeId()
                    + (existing.outcome() == null ? "" : " (" + existing.outcome() + ")"), messageId);
        }
        // Published after the record, and again on a redelivery of the same message: at least once.
        events.publish(new NodeEvent.NodeRequestRejected(node, key,
                action == null ? "unknown" : action.wireName(), message));
        return IntakeResult.of(existing, !stored);
    }
}
