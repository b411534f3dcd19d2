package dev.ecsa.local.mode;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The SQS messages become the event Lambda delivers, and the batch response becomes the ids to retry. */
class SqsLambdaBridgeTest {

    private static final String ARN = "arn:aws:sqs:us-east-1:000000000000:node-requests.fifo";

    private static Message message(String id) {
        return Message.builder().messageId(id).receiptHandle("rh-" + id).body("{\"n\":\"" + id + "\"}")
                .md5OfBody("md5").attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "3",
                        MessageSystemAttributeName.MESSAGE_GROUP_ID, "node-1"))
                .messageAttributes(Map.of("trace", MessageAttributeValue.builder().dataType("String")
                        .stringValue("t-1").build()))
                .build();
    }

    @Test
    void eachMessageBecomesARecordWithItsAttributesSourceAndRegion() {
        List<SQSEvent> seen = new ArrayList<>();
        SqsLambdaBridge bridge = new SqsLambdaBridge((event, context) -> {
            seen.add(event);
            assertThat(context.getRemainingTimeInMillis()).isPositive();
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        }, ARN, "us-east-1", "fn", Duration.ofMinutes(15));

        assertThat(bridge.handle(List.of(message("m-1")))).isEmpty();

        SQSEvent.SQSMessage r = seen.get(0).getRecords().get(0);
        assertThat(r.getMessageId()).isEqualTo("m-1");
        assertThat(r.getReceiptHandle()).isEqualTo("rh-m-1");
        assertThat(r.getBody()).isEqualTo("{\"n\":\"m-1\"}");
        assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "3")
                .containsEntry("MessageGroupId", "node-1");
        assertThat(r.getMessageAttributes().get("trace").getStringValue()).isEqualTo("t-1");
        assertThat(r.getEventSource()).isEqualTo("aws:sqs");
        assertThat(r.getEventSourceArn()).isEqualTo(ARN);
        assertThat(r.getAwsRegion()).isEqualTo("us-east-1");
    }

    @Test
    void batchItemFailuresAreTheIdsToRetry() {
        SqsLambdaBridge bridge = new SqsLambdaBridge((event, context) -> SQSBatchResponse.builder()
                .withBatchItemFailures(List.of(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier("m-2").build())).build(), ARN, "us-east-1", "fn", Duration.ofMinutes(1));

        assertThat(bridge.handle(List.of(message("m-1"), message("m-2")))).containsExactly("m-2");
    }
}
