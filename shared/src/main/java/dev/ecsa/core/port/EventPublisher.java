package dev.ecsa.core.port;

import dev.ecsa.core.event.NodeEvent;

/** Publishes domain events (EventBridge in AWS). */
public interface EventPublisher {

    /**
     * Publishes one event. Delivery is at least once: a retried step may publish the same event again, so events
     * carry the request id for consumers to deduplicate on. Events never carry secrets.
     */
    void publish(NodeEvent event);
}
