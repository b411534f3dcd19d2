package dev.ecsa.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.store.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

class EventBridgeEventPublisherTest {

    private final Script script = new Script();
    private final EventBridgeEventPublisher publisher = new EventBridgeEventPublisher(new EventBridgeClient() {
        @Override
        public PutEventsResponse putEvents(PutEventsRequest r) {
            return script.answer(r);
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {
        }
    }, "ecsa-bus");

    private static final NodeEvent EVENT = new NodeEvent.NodeDrainTimedOut("node-1", "req-1", "revert", "reverted",
            List.of("arn:task/1"));

    private static PutEventsResponse failed(String code) {
        return PutEventsResponse.builder().failedEntryCount(1)
                .entries(PutEventsResultEntry.builder().errorCode(code).errorMessage("m").build()).build();
    }

    @Test
    void publishesOneEntryWithSourceDetailTypeDetailAndBus() throws Exception {
        script.thenReturn(PutEventsResponse.builder().failedEntryCount(0)
                .entries(PutEventsResultEntry.builder().eventId("e-1").build()).build());

        publisher.publish(EVENT);

        PutEventsRequestEntry entry = script.requestsOf(PutEventsRequest.class).get(0).entries().get(0);
        assertThat(entry.source()).isEqualTo("ecsa.lifecycle");
        assertThat(entry.detailType()).isEqualTo("NodeDrainTimedOut");
        assertThat(entry.eventBusName()).isEqualTo("ecsa-bus");
        JsonNode detail = Json.mapper().readTree(entry.detail());
        assertThat(detail.get("nodeId").asText()).isEqualTo("node-1");
        assertThat(detail.get("requestId").asText()).isEqualTo("req-1");
        assertThat(detail.get("blockingTasks").get(0).asText()).isEqualTo("arn:task/1");
    }

    @Test
    void aThrottledEntryIsRetryable() {
        script.thenReturn(failed("ThrottlingException"));

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
    }

    @Test
    void anInternalFailureEntryIsRetryable() {
        script.thenReturn(failed("InternalFailure"));

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE));
    }

    @Test
    void aMalformedEntryIsPermanent() {
        script.thenReturn(failed("MalformedDetail"));

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(PermanentException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.detail()).contains("MalformedDetail").contains("NodeDrainTimedOut");
        });
    }

    @Test
    void aDeniedEntryIsAccessDenied() {
        script.thenReturn(failed("NotAuthorizedForSourceException"));

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(NodeOperationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_ACCESS_DENIED));
    }
}
