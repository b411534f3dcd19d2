package dev.ecsa.core.intake;


import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class RequestRejectionsTest {

    private static final String MESSAGE_ID = "059f36b4-87a3-44ab-83d2-661975830a7d";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final RequestRejections rejections = new RequestRejections(store, events, clock);

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void anInvalidRequestIsRecordedUnderItsOwnIdWithTheSentence() {
        ValidationResult v = RequestValidator.validate(body("action", "register", "requestId", "req-1",
                "nodeId", "node-1", "requestedBy", "ops", "address", "10.0.0.1", "sshUser", "root;reboot"));

        IntakeResult result = rejections.invalid(v, "ops", MESSAGE_ID);

        RequestRecord record = store.getRequest("req-1").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.nodeId()).isEqualTo("node-1");
        assertThat(record.action()).isEqualTo(Action.REGISTER);
        assertThat(record.requestedBy()).isEqualTo("ops");
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(record.failure().message()).startsWith(v.sentence()).contains("sshUser")
                .endsWith("Send the corrected request with a new requestId: req-1 stays rejected.");
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(events.eventsOf(NodeEvent.NodeRequestRejected.class)).singleElement().satisfies(e -> {
            assertThat(e.requestId()).isEqualTo("req-1");
            assertThat(e.action()).isEqualTo("register");
        });
    }

    @Test
    void anUnusableRequestIdFallsBackToTheMessageIdWithAMarker() {
        ValidationResult v = RequestValidator.validate(body("action", "deregister", "requestId", "$(reboot)",
                "nodeId", "node 1", "requestedBy", "ops"));

        rejections.invalid(v, null, MESSAGE_ID);

        RequestRecord record = store.getRequest("sqs-" + MESSAGE_ID).orElseThrow();
        assertThat(record.nodeId()).isEqualTo(RequestRejections.UNKNOWN_NODE);
        assertThat(record.action()).isEqualTo(Action.DEREGISTER);
        assertThat(record.failure().message()).contains("requestId").contains("Recorded under sqs-" + MESSAGE_ID)
                .doesNotContain("$(reboot)");
    }

    @Test
    void anUndecodableBodyIsRecordedUnderTheMessageId() {
        IntakeResult result = rejections.undecodable("the body is not valid JSON", MESSAGE_ID);

        assertThat(result.requestId()).isEqualTo("sqs-" + MESSAGE_ID);
        RequestRecord record = store.getRequest("sqs-" + MESSAGE_ID).orElseThrow();
        assertThat(record.failure().message()).startsWith("Invalid request: the body is not valid JSON.");
        assertThat(events.eventsOf(NodeEvent.NodeRequestRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo("unknown"));
    }

    @Test
    void aRedeliveredRejectionIsRecordedOnceAndPublishedAgain() {
        rejections.undecodable("the body is not valid JSON", MESSAGE_ID);
        int writes = store.writeCount();

        IntakeResult again = rejections.undecodable("the body is not valid JSON", MESSAGE_ID);

        assertThat(again.replay()).isTrue();
        assertThat(store.writeCount()).isEqualTo(writes);
        assertThat(events.events()).hasSize(2);
    }

    @Test
    void anInvalidCopyOfAnExistingRequestsIdLeavesThatRecordAloneAndIsRecordedAsAConflict() {
        store.putRequestIfAbsent(RequestRecord.received(
                new DeregisterRequest("req-1", "node-1", null, null, "ops", ""), clock.instant()));
        ValidationResult v = RequestValidator.validate(body("action", "deregister", "requestId", "req-1",
                "nodeId", "node-1", "requestedBy", "ops", "onTimeout", "explode"));

        rejections.invalid(v, "ops", MESSAGE_ID);

        assertThat(store.getRequest("req-1").orElseThrow().completed()).isFalse();
        String key = RequestRejections.fallbackId(MESSAGE_ID);
        assertThat(store.getRequest(key).orElseThrow().failure().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(events.eventsOf(NodeEvent.NodeRequestRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("already recorded", key));
    }

    @Test
    void fallbackIdsAreValidRequestIds() {
        assertThat(RequestRejections.fallbackId(MESSAGE_ID)).matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
        assertThat(RequestRejections.fallbackId("a b;c".repeat(30))).matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
        assertThat(RequestRejections.fallbackId(null)).isEqualTo("sqs-unknown");
    }
}
