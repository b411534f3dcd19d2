package dev.ecsa.core.fakes;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import java.util.ArrayList;
import java.util.List;

/** Collects published events, in order (duplicates kept: delivery is at least once). */
public final class InMemoryEventPublisher implements EventPublisher {

    private final List<NodeEvent> events = new ArrayList<>();
    private final List<NodeEvent> unpublished = new ArrayList<>();
    private int refusals;
    private Class<? extends NodeEvent> refused = NodeEvent.class;
    private RuntimeException refusal;
    private Runnable whileRefusing = () -> { };

    @Override
    public synchronized void publish(NodeEvent event) {
        if (refusals > 0 && refused.isInstance(event)) {
            refusals--;
            whileRefusing.run();
            throw refusal;
        }
        events.add(event);
    }

    @Override
    public synchronized void unpublished(NodeEvent event, String why) {
        unpublished.add(event);
    }

    /** The next {@code times} publishes throw {@code e} (as a throttled or failing bus does), then they go through. */
    public synchronized InMemoryEventPublisher refuse(int times, RuntimeException e) {
        this.refusals = times;
        this.refusal = e;
        return this;
    }

    /** The next {@code times} publishes of a {@code type} event throw {@code e}; other events go through. */
    public synchronized InMemoryEventPublisher refuse(int times, Class<? extends NodeEvent> type, RuntimeException e) {
        refuse(times, e);
        this.refused = type;
        return this;
    }

    /** Runs {@code r} at each refusal, before it is thrown: what happens elsewhere while the publisher waits. */
    public synchronized InMemoryEventPublisher whileRefusing(Runnable r) {
        this.whileRefusing = r;
        return this;
    }

    /** The events given up on ({@link EventPublisher#unpublished}). */
    public synchronized List<NodeEvent> unpublished() {
        return List.copyOf(unpublished);
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
