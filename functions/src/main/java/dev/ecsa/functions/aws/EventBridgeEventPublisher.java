package dev.ecsa.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.store.AwsErrors;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link EventPublisher} on EventBridge: one PutEvents entry per event, Source {@value #SOURCE}, DetailType
 * {@link NodeEvent#detailType()}, Detail the JSON of {@link NodeEvent#detail()}.
 *
 * <p>PutEvents (the JSON 1.1 protocol, target {@value #TARGET}) is sent as a {@link SignedJsonCall} rather than
 * through the EventBridge SDK module, which would cost the deployment zip 1.5 MB for this one operation. Like the SDK's
 * clients it tries {@value #ATTEMPTS} times in all, with jittered exponential backoff, when no answer comes, the
 * answer is a 5xx or a throttling, or an entry failed for one of those reasons. PutEvents answers HTTP 200 even when an
 * entry failed: a FailedEntryCount above zero is an error here.
 */
public final class EventBridgeEventPublisher implements EventPublisher {

    /** The Source of every event the service publishes; rules match on it. */
    public static final String SOURCE = "ecsa.lifecycle";

    static final String TARGET = "AWSEvents.PutEvents";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    static final int ATTEMPTS = 3;
    private static final long BASE_DELAY_MILLIS = 100;

    /** Entry error codes that a later retry may clear. */
    static final Set<String> RETRYABLE_ENTRY_CODES = Set.of("ThrottlingException", "InternalFailure",
            "InternalException", "ServiceUnavailable", "ServiceUnavailableException");

    private final SignedJsonCall events;
    private final String eventBusName;

    /**
     * @param events       PutEvents calls on the EventBridge endpoint
     * @param eventBusName bus name or ARN ({@code default} for the account's default bus)
     */
    EventBridgeEventPublisher(SignedJsonCall events, String eventBusName) {
        this.events = Objects.requireNonNull(events, "events");
        this.eventBusName = Objects.requireNonNull(eventBusName, "eventBusName");
    }

    @Override
    public void publish(NodeEvent event) {
        String body = body(event);
        for (int attempt = 1; ; attempt++) {
            try {
                once(event, body);
                return;
            } catch (RetryableException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    /** The PutEvents input: one entry. */
    String body(NodeEvent event) {
        String detail;
        try {
            detail = Json.mapper().writeValueAsString(event.detail());
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write " + event.detailType() + " as JSON", e);
        }
        ObjectNode entry = Json.mapper().createObjectNode()
                .put("EventBusName", eventBusName)
                .put("Source", SOURCE)
                .put("DetailType", event.detailType())
                .put("Detail", detail);
        ObjectNode input = Json.mapper().createObjectNode();
        input.putArray("Entries").add(entry);
        return input.toString();
    }

    private void once(NodeEvent event, String body) {
        SignedJsonCall.Answer answer;
        try {
            answer = events.post(TARGET, body);
        } catch (IOException e) {
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "EventBridge PutEvents: "
                    + e.getClass().getSimpleName() + ": " + AwsErrors.oneLine(String.valueOf(e.getMessage())), e);
        }
        if (!answer.ok()) {
            String what = "EventBridge PutEvents: " + answer.status() + " " + answer.errorType();
            if (answer.retryable()) {
                throw new RetryableException(answer.status() >= 500 ? Reason.AWS_UNAVAILABLE : Reason.THROTTLED,
                        what);
            }
            throw new PermanentException(answer.errorType().contains("AccessDenied")
                    || answer.errorType().contains("NotAuthorized") ? Reason.AWS_ACCESS_DENIED : Reason.INTERNAL,
                    what);
        }
        JsonNode result = read(answer.body());
        if (result.path("FailedEntryCount").asInt(0) > 0) {
            JsonNode failed = null;
            for (JsonNode e : result.path("Entries")) {
                if (e.hasNonNull("ErrorCode")) {
                    failed = e;
                    break;
                }
            }
            String code = failed == null ? "unknown" : failed.path("ErrorCode").asText();
            String message = "EventBridge PutEvents rejected " + event.detailType() + ": " + code
                    + (failed == null || !failed.hasNonNull("ErrorMessage") ? ""
                    : " (" + AwsErrors.oneLine(failed.path("ErrorMessage").asText()) + ")");
            if (RETRYABLE_ENTRY_CODES.contains(code) || failed == null) {
                throw new RetryableException("ThrottlingException".equals(code) ? Reason.THROTTLED
                        : Reason.AWS_UNAVAILABLE, message);
            }
            if (code.startsWith("NotAuthorized") || code.startsWith("AccessDenied")) {
                throw new PermanentException(Reason.AWS_ACCESS_DENIED, message);
            }
            throw new PermanentException(Reason.INTERNAL, message);
        }
    }

    private static JsonNode read(String body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            return json == null ? Json.mapper().createObjectNode() : json;
        } catch (JsonProcessingException e) {
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "EventBridge PutEvents: the answer is not JSON");
        }
    }

    /** Full jitter over 100 ms, 200 ms, ...: the SDK's standard backoff, shortened for one small call. */
    private static void pause(int attempt) {
        long bound = BASE_DELAY_MILLIS << (attempt - 1);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "interrupted while retrying PutEvents");
        }
    }
}
