package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.store.Json;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@link EventPublisher} on EventBridge: one PutEvents entry per event, Source {@value #SOURCE}, DetailType
 * {@link NodeEvent#detailType()}, Detail the JSON of {@link NodeEvent#detail()}.
 *
 * <p>PutEvents answers HTTP 200 even when an entry failed; a FailedEntryCount above zero is an error here.
 */
public final class EventBridgeEventPublisher implements EventPublisher {

    /** The Source of every event the service publishes; rules match on it. */
    public static final String SOURCE = "ecsa.lifecycle";

    /** Entry error codes that a later retry may clear. */
    static final Set<String> RETRYABLE_ENTRY_CODES = Set.of("ThrottlingException", "InternalFailure",
            "InternalException", "ServiceUnavailable", "ServiceUnavailableException");

    private final EventBridgeClient events;
    private final String eventBusName;

    /**
     * @param events       the EventBridge client
     * @param eventBusName bus name or ARN ({@code default} for the account's default bus)
     */
    public EventBridgeEventPublisher(EventBridgeClient events, String eventBusName) {
        this.events = Objects.requireNonNull(events, "events");
        this.eventBusName = Objects.requireNonNull(eventBusName, "eventBusName");
    }

    @Override
    public void publish(NodeEvent event) {
        String detail;
        try {
            detail = Json.mapper().writeValueAsString(event.detail());
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write " + event.detailType() + " as JSON", e);
        }
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(eventBusName)
                .source(SOURCE)
                .detailType(event.detailType())
                .detail(detail)
                .build();
        PutEventsResponse response;
        try {
            response = events.putEvents(r -> r.entries(entry));
        } catch (SdkException e) {
            throw AwsErrors.translate("EventBridge PutEvents", e);
        }
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry failed = response.entries().stream()
                    .filter(r -> r.errorCode() != null).findFirst().orElse(null);
            String code = failed == null ? "unknown" : failed.errorCode();
            String message = "EventBridge PutEvents rejected " + event.detailType() + ": " + code
                    + (failed == null || failed.errorMessage() == null ? ""
                    : " (" + AwsErrors.oneLine(failed.errorMessage()) + ")");
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
}
