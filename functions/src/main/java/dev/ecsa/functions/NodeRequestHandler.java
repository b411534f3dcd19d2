package dev.ecsa.functions;

import dev.ecsa.store.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutIntake;
import dev.ecsa.core.intake.AcceptNodeRequest;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.LastDeliveryEvents;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.sqs.SqsBatchResponse;
import dev.ecsa.functions.sqs.SqsEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node-request queue's consumer (docs/requests.md): every register and deregister request arrives here. Per message
 * it decodes the body and hands it to the one use case, {@link AcceptNodeRequest}, which validates and routes it;
 * invalid input becomes a REJECTED request record, never an exception loop. Rollout and rollout-control messages
 * (docs/rollouts.md) go to the {@link RolloutIntake}, which records each, valid or not.
 *
 * <p>Acknowledgement: a message is acknowledged once its request has a recorded outcome (a rejection, a conflict over
 * its request id recorded under the message's own key, a failure) or a workflow owns it. It is returned as a batch
 * item failure — so SQS redelivers it, and after the last delivery the dead-letter queue keeps it — whenever no
 * outcome could be recorded: a use case throws {@link RetryableException} (the use cases turn retryable conditions
 * into outcomes on the last delivery themselves, so what still escapes there is the store or event bus failing), a
 * {@link PermanentException} escapes (the store refused the record), or an unexpected error. Nothing is acknowledged
 * without a record.
 *
 * <p>Logs carry {@code messageId}, {@code requestId} and {@code nodeId} in the MDC; bodies are never logged.
 */
public final class NodeRequestHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRequestHandler.class);
    /** SQS's message attribute counting deliveries. */
    static final String RECEIVE_COUNT = "ApproximateReceiveCount";
    static final List<String> MDC_KEYS = List.of("messageId", "requestId", "nodeId");

    /** Duplicate keys are refused: with last-wins a second "nodeId" could slip past a reader of the first. */
    private static final ObjectReader EVENT_READER = Json.mapper().readerFor(SqsEvent.class);
    private static final ObjectReader BODY_READER = Json.mapper().readerFor(new TypeReference<Map<String, Object>>() {
    }).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final AcceptNodeRequest requests;
    private final RolloutIntake rollouts;
    private final LastDeliveryEvents lastDelivery;
    private final int maxReceives;
    private final Duration safetyMargin;

    /** For Lambda: the dependencies come from the composition root, once per environment. */
    public NodeRequestHandler() {
        this(CompositionRoot.nodeRequest());
    }

    /** With given dependencies: for tests, and for the local mode, which runs the handler in-process on the bench. */
    public NodeRequestHandler(Intake intake) {
        this(intake, d -> Thread.sleep(d.toMillis()));
    }

    /** With the pause between the last delivery's tries to publish an event made explicit (tests). */
    NodeRequestHandler(Intake intake, LastDeliveryEvents.Pause sleeper) {
        this.lastDelivery = new LastDeliveryEvents(intake.events(), sleeper);
        this.requests = intake.withEvents(lastDelivery).acceptNodeRequest();
        this.rollouts = intake.rollouts();
        this.maxReceives = intake.maxReceives();
        this.safetyMargin = intake.safetyMargin();
    }

    /** Lambda's entry: the SQS event as JSON in, the batch item failures as JSON out. */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsEvent event = EVENT_READER.readValue(input);
        Json.mapper().writeValue(output, handle(event, context));
    }

    /** One batch: each message handled in order; the ones to deliver again come back as batch item failures. */
    public SqsBatchResponse handle(SqsEvent event, Context context) {
        List<SqsBatchResponse.ItemFailure> failures = new ArrayList<>();
        List<SqsEvent.Message> records = event == null ? List.of() : event.records();
        try (InvocationMdc mdc = InvocationMdc.open(context)) {
            for (SqsEvent.Message message : records) {
                if (!handle(message, context)) {
                    failures.add(new SqsBatchResponse.ItemFailure(message.messageId()));
                }
            }
        }
        return new SqsBatchResponse(failures);
    }

    /** Handles one message; {@code true} to acknowledge it. */
    private boolean handle(SqsEvent.Message message, Context context) {
        String messageId = message.messageId();
        MDC.put("messageId", String.valueOf(messageId));
        Attempt attempt = attempt(message, context);
        try (LastDeliveryEvents.Scope events = lastDelivery.open(attempt)) {
            boolean acknowledged = handle(message, messageId, attempt);
            for (LastDeliveryEvents.Held h : events.flush()) {
                LOG.error("{} for request {} was not published: the outcome is recorded, but the bus refused the"
                        + " event through the last delivery: {}", h.event().detailType(), h.event().requestId(),
                        h.why());
            }
            return acknowledged;
        } catch (RetryableException e) {
            LOG.warn("delivery {} of {} {}: {}", attempt.receiveCount(), maxReceives, attempt.isLast()
                    ? "failed without a recorded outcome; the message goes to the dead-letter queue"
                    : "will be retried", e.getMessage());
            return false;
        } catch (PermanentException e) {
            // The use cases record their permanent failures themselves; one that escapes means the outcome could not
            // be recorded (the store refused the write). Acknowledging would lose the message: it is delivered again
            // and, after the queue's last delivery, kept in the dead-letter queue.
            LOG.error("delivery {} of {} failed permanently without a recorded outcome; the message is returned"
                    + " (after the last delivery it goes to the dead-letter queue): {}", attempt.receiveCount(),
                    maxReceives, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure at delivery {} of {}; {}", attempt.receiveCount(), maxReceives,
                    attempt.isLast() ? "the message goes to the dead-letter queue" : "the message will be retried", e);
            return false;
        } finally {
            MDC_KEYS.forEach(MDC::remove);
        }
    }

    /** The message's request, handled; {@code true} once its outcome (or its progress) is recorded. */
    private boolean handle(SqsEvent.Message message, String messageId, Attempt attempt) {
        Map<String, Object> body;
        try {
            body = decode(message.body());
        } catch (JsonProcessingException e) {
            Object where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            // Jackson's own message quotes the input: only the location is kept.
            return report(requests.undecodable("the body is not valid JSON" + where, messageId));
        }
        if (body == null) {
            return report(requests.undecodable("the body is not a JSON object", messageId));
        }
        if (rollouts != null && RolloutIntake.handles(body)) {
            Rollout r = rollouts.accept(body, message.body(), messageId);
            MDC.put("requestId", r.id());
            LOG.info("rollout {}: {}{}", r.id(), r.status(), r.haltReason() == null ? ""
                    : ": " + r.haltReason());
            return true;
        }
        return report(requests.accept(body, messageId, attempt, (requestId, nodeId) -> {
            if (requestId != null) {
                MDC.put("requestId", requestId);
            }
            if (nodeId != null) {
                MDC.put("nodeId", nodeId);
            }
        }));
    }

    private static Map<String, Object> decode(String body) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return BODY_READER.readValue(body);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            return null; // valid JSON, but an array, a string, a number...
        }
    }

    private Attempt attempt(SqsEvent.Message message, Context context) {
        int count = 1;
        Map<String, String> attributes = message.attributes();
        if (attributes.get(RECEIVE_COUNT) != null) {
            try {
                count = Math.max(1, Integer.parseInt(attributes.get(RECEIVE_COUNT)));
            } catch (NumberFormatException e) {
                count = 1;
            }
        }
        Duration left = context == null ? null
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(safetyMargin);
        return new Attempt(count, maxReceives, left);
    }

    private static boolean report(IntakeResult r) {
        if (r.outcome() == null) {
            LOG.info("request {} in progress{}", r.requestId(), r.replay() ? " (redelivery)" : "");
        } else if (r.failure() == null) {
            LOG.info("request {} completed: {}{}", r.requestId(), r.outcome(), r.replay() ? " (redelivery)" : "");
        } else {
            LOG.info("request {} completed: {} {}: {}{}", r.requestId(), r.outcome(), r.failure().reason(),
                    r.failure().message(), r.replay() ? " (redelivery)" : "");
        }
        return true;
    }
}
