package dev.ecsa.local.mode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.functions.sqs.SqsBatchResponse;
import dev.ecsa.functions.sqs.SqsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The SQS messages become the event the handler reads, and the batch response becomes the ids to retry. */
class SqsLambdaBridgeTest {

    private static Message message(String id) {
        return Message.builder().messageId(id).receiptHandle("rh-" + id).body("{\"n\":\"" + id + "\"}")
                .md5OfBody("md5").attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "3",
                        MessageSystemAttributeName.MESSAGE_GROUP_ID, "node-1"))
                .build();
    }

    @Test
    void eachMessageBecomesARecordWithItsIdBodyAndAttributes() {
        List<SqsEvent> seen = new ArrayList<>();
        SqsLambdaBridge bridge = new SqsLambdaBridge((event, context) -> {
            seen.add(event);
            assertThat(context.getRemainingTimeInMillis()).isPositive();
            return new SqsBatchResponse(List.of());
        }, "fn", Duration.ofMinutes(15));

        assertThat(bridge.handle(List.of(message("m-1")))).isEmpty();

        SqsEvent.Message r = seen.get(0).records().get(0);
        assertThat(r.messageId()).isEqualTo("m-1");
        assertThat(r.body()).isEqualTo("{\"n\":\"m-1\"}");
        assertThat(r.attributes()).containsEntry("ApproximateReceiveCount", "3")
                .containsEntry("MessageGroupId", "node-1");
    }

    @Test
    void batchItemFailuresAreTheIdsToRetry() {
        SqsLambdaBridge bridge = new SqsLambdaBridge((event, context) -> new SqsBatchResponse(
                List.of(new SqsBatchResponse.ItemFailure("m-2"))), "fn", Duration.ofMinutes(1));

        assertThat(bridge.handle(List.of(message("m-1"), message("m-2")))).containsExactly("m-2");
    }
}
