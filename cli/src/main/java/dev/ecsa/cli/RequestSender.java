package dev.ecsa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import dev.ecsa.store.Json;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends one request to the node-request FIFO queue as a provisioning system would: the body is the documented JSON
 * (docs/requests.md), MessageGroupId = nodeId (per-node order) and MessageDeduplicationId = requestId (a resend within
 * SQS's 5-minute window is dropped). The body is checked with the service's own {@link RequestValidator} first, so a
 * request the service would reject is refused here, with the same words, and nothing is sent.
 */
final class RequestSender {

    /** What was sent. */
    record Sent(String requestId, String nodeId, String action, String messageId, String sequenceNumber) {
    }

    private RequestSender() {
    }

    static Sent send(Connections connections, Map<String, Object> body) {
        ValidationResult validation = RequestValidator.validate(body);
        if (!validation.isValid()) {
            throw CliException.usage("the request is invalid, nothing was sent: " + validation.sentence());
        }
        String requestId = (String) body.get("requestId");
        String nodeId = (String) body.get("nodeId");
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
        String queueUrl = connections.backend().queueUrl();
        SendMessageResponse r = connections.call("SendMessage", () -> connections.sqs().sendMessage(b -> b
                .queueUrl(queueUrl)
                .messageBody(json)
                .messageGroupId(nodeId)
                .messageDeduplicationId(requestId)));
        return new Sent(requestId, nodeId, (String) body.get("action"), r.messageId(), r.sequenceNumber());
    }
}
