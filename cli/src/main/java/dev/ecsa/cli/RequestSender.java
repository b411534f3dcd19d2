package dev.ecsa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import dev.ecsa.store.Json;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends one request to the node-request FIFO queue as a provisioning system would: the body is the documented JSON
 * (docs/requests.md), MessageGroupId = nodeId (per-node order) and MessageDeduplicationId = requestId (a resend within
 * SQS's 5-minute window is dropped). The body is checked with the service's own {@link RequestValidator} first, so a
 * request the service would reject is refused here, in the CLI's words ({@link Terms}), and nothing is sent.
 */
final class RequestSender {

    /** The exact SQS message a request becomes ({@code --dry-run} prints it). */
    record Message(String queueUrl, String groupId, String deduplicationId, String action, String body) {

        JsonNode json() {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("queueUrl", queueUrl);
            o.put("messageGroupId", groupId);
            o.put("messageDeduplicationId", deduplicationId);
            try {
                o.set("messageBody", Json.mapper().readTree(body));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the body was written by the same mapper", e);
            }
            return o;
        }
    }

    /** What was sent. */
    record Sent(String requestId, String nodeId, String action, String messageId, String sequenceNumber) {
    }

    private RequestSender() {
    }

    /** Refuses a body the service would reject, in the CLI's words. */
    static void validate(Map<String, Object> body) {
        ValidationResult validation = RequestValidator.validate(body);
        if (!validation.isValid()) {
            throw CliException.usage("the request is invalid, nothing was sent: " + Terms.sentence(validation));
        }
    }

    /** Validates the body and builds the message; nothing is sent. */
    static Message prepare(Connections connections, Map<String, Object> body) {
        validate(body);
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
        return new Message(connections.backend().queueUrl(), (String) body.get("nodeId"),
                (String) body.get("requestId"), (String) body.get("action"), json);
    }

    static Sent send(Connections connections, Message m) {
        SendMessageResponse r = connections.call("SendMessage", () -> connections.sqs().sendMessage(b -> b
                .queueUrl(m.queueUrl())
                .messageBody(m.body())
                .messageGroupId(m.groupId())
                .messageDeduplicationId(m.deduplicationId())));
        return new Sent(m.deduplicationId(), m.groupId(), m.action(), r.messageId(), r.sequenceNumber());
    }
}
