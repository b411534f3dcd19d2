package dev.ecsa.core.request;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LastDeliveryEventsTest {

    final InMemoryEventPublisher bus = new InMemoryEventPublisher();
    final List<Duration> pauses = new ArrayList<>();
    final LastDeliveryEvents events = new LastDeliveryEvents(bus, pauses::add);

    static NodeEvent rejected(String requestId) {
        return new NodeEvent.NodeRequestRejected("node-1", requestId, "register", "NODE_BUSY: busy");
    }

    static RetryableException throttled() {
        return new RetryableException(Reason.THROTTLED, "PutEvents: ThrottlingException");
    }

    @Test
    void beforeTheLastDeliveryARefusedEventFailsTheDeliveryAsBefore() {
        bus.refuse(1, throttled());
        try (LastDeliveryEvents.Scope scope = events.open(new Attempt(4, 5, null))) {
            assertThatThrownBy(() -> events.publish(rejected("req-1"))).isInstanceOf(RetryableException.class);
            assertThat(scope.flush()).isEmpty();
        }
        assertThat(bus.events()).isEmpty();
        assertThat(bus.unpublished()).isEmpty();
    }

    @Test
    void outsideAnyScopeARefusedEventIsThrown() {
        bus.refuse(1, new PermanentException(Reason.AWS_ACCESS_DENIED, "PutEvents: AccessDenied"));
        assertThatThrownBy(() -> events.publish(rejected("req-1"))).isInstanceOf(PermanentException.class);
    }

    @Test
    void onTheLastDeliveryARefusedEventIsHeldAndPublishedByTheFlush() {
        bus.refuse(1, throttled());
        try (LastDeliveryEvents.Scope scope = events.open(new Attempt(5, 5, null))) {
            events.publish(rejected("req-1"));
            assertThat(bus.events()).as("held, not thrown").isEmpty();
            events.publish(rejected("req-2"));

            assertThat(scope.flush()).isEmpty();
        }
        assertThat(bus.events()).extracting(NodeEvent::requestId).containsExactlyInAnyOrder("req-1", "req-2");
        assertThat(pauses).isEmpty();
    }

    @Test
    void anEventTheBusNeverTakesIsGivenUpOnAfterThreeRoundsWithDoublingPauses() {
        bus.refuse(Integer.MAX_VALUE, new PermanentException(Reason.AWS_ACCESS_DENIED, "PutEvents: AccessDenied"));
        try (LastDeliveryEvents.Scope scope = events.open(new Attempt(5, 5, null))) {
            events.publish(rejected("req-1"));

            assertThat(scope.flush()).singleElement().satisfies(h -> {
                assertThat(h.event().requestId()).isEqualTo("req-1");
                assertThat(h.why()).contains("AccessDenied");
            });
        }
        assertThat(bus.unpublished()).extracting(NodeEvent::requestId).containsExactly("req-1");
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void theFlushPausesOnlyWithinTheDeliverysTimeLeft() {
        bus.refuse(Integer.MAX_VALUE, throttled());
        try (LastDeliveryEvents.Scope scope = events.open(new Attempt(5, 5, Duration.ofMillis(1500)))) {
            events.publish(rejected("req-1"));
            assertThat(scope.flush()).hasSize(1);
        }
        assertThat(pauses).as("1 s fits in 1.5 s, 1 s + 2 s does not").containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void closingWithoutAFlushDropsWhatWasHeldAndTheThreadPublishesDirectlyAgain() {
        bus.refuse(1, throttled());
        try (LastDeliveryEvents.Scope ignored = events.open(new Attempt(5, 5, null))) {
            events.publish(rejected("req-1"));
        }
        bus.refuse(1, throttled());
        assertThatThrownBy(() -> events.publish(rejected("req-2"))).isInstanceOf(RetryableException.class);
        assertThat(bus.events()).isEmpty();
        assertThat(bus.unpublished()).isEmpty();
    }
}
