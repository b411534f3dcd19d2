package dev.ecsa.core.port;

import dev.ecsa.core.event.NodeEvent;

/** Publishes domain events (EventBridge in AWS). */
public interface EventPublisher {

    /**
     * Publishes one event. Delivery is at least once: a retried step may publish the same event again, so events
     * carry the request id for consumers to deduplicate on. Events never carry secrets.
     */
    void publish(NodeEvent event);

    /**
     * Told that {@code event} was given up on: its outcome is recorded, but the bus refused the event on every try
     * (dev.ecsa.core.request.LastDeliveryEvents). Publishers that count (CloudWatch) count it; the default does
     * nothing.
     *
     * @param why the bus's last refusal (never carries a secret: events do not)
     */
    default void unpublished(NodeEvent event, String why) {
    }
}
