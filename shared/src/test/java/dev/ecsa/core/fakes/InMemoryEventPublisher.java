package dev.ecsa.core.fakes;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import java.util.ArrayList;
import java.util.List;

/** Collects published events, in order (duplicates kept: delivery is at least once). */
public final class InMemoryEventPublisher implements EventPublisher {

    private final List<NodeEvent> events = new ArrayList<>();

    @Override
    public synchronized void publish(NodeEvent event) {
        events.add(event);
    }

    /** Every event published so far. */
    public synchronized List<NodeEvent> events() {
        return List.copyOf(events);
    }

    /** The events of one type. */
    public synchronized <E extends NodeEvent> List<E> eventsOf(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
