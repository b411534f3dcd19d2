package dev.ecsa.functions.sqs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The part of the event Lambda's SQS event source mapping delivers that the service reads: each record's message
 * id, body and system attributes ({@code ApproximateReceiveCount}). Everything else in the event is ignored.
 *
 * <p>The service's own type instead of {@code aws-lambda-java-events}, whose jar and its Joda-Time dependency were
 * 1.15 MB of the deployment zip for two classes.
 *
 * @param records the batch, in delivery order ({@code "Records"} on the wire)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SqsEvent(@JsonProperty("Records") List<Message> records) {

    public SqsEvent {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /**
     * One message of the batch.
     *
     * @param messageId  SQS's id, what a batch item failure names
     * @param body       the message body as sent
     * @param attributes SQS's system attributes (may be empty)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String messageId, String body, Map<String, String> attributes) {

        public Message {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }
}
