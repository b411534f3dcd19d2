package dev.ecsa.core.request;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome events of a queued request's last delivery.
 *
 * <p>The use cases publish a request's outcome event before they record the outcome. On any delivery but the last,
 * an event the bus refuses fails the delivery, the queue delivers the message again, and that delivery publishes the
 * event again: events are at least once. The last delivery has no next one: a refused event there would send the
 * message to the dead-letter queue with the outcome never recorded (the soak found exactly that: a NODE_BUSY rejection
 * whose event EventBridge throttled, docs/soak.md). So inside {@link #lastDelivery} a publish that fails is held
 * instead of thrown, the use case records its outcome, and {@link Scope#flush} publishes the held events again. An
 * event still refused after that is handed to {@link EventPublisher#unpublished} (counted, alarmed) and never thrown:
 * a recorded outcome outranks its event. Outside a scope, and on earlier deliveries, publishing is unchanged.
 *
 * <p>The scope belongs to the thread that handles the delivery, as each message is handled on one thread.
 */
public final class LastDeliveryEvents implements EventPublisher {

    /** How many more times a held event is offered to the bus (each offer is the publisher's own retries). */
    public static final int FLUSH_ROUNDS = 3;
    /** The pause before the second round; it doubles before each further round. */
    public static final Duration FLUSH_PAUSE = Duration.ofSeconds(1);

    private final EventPublisher events;
    private final Pause sleeper;
    private final ThreadLocal<List<Held>> held = new ThreadLocal<>();

    /** How the flush waits between rounds ({@code Thread::sleep} in milliseconds for real). */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    public LastDeliveryEvents(EventPublisher events, Pause sleeper) {
        this.events = Objects.requireNonNull(events, "events");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** An event held back, and why the bus refused it the last time. */
    public record Held(NodeEvent event, String why) {
    }

    /** Opens the scope of one delivery: a holding one for the last delivery, a pass-through one otherwise. */
    public Scope open(Attempt attempt) {
        if (!attempt.isLast()) {
            return new Scope(false, null);
        }
        held.set(new ArrayList<>());
        return new Scope(true, attempt.timeLeft());
    }

    @Override
    public void publish(NodeEvent event) {
        List<Held> holding = held.get();
        if (holding == null) {
            events.publish(event);
            return;
        }
        try {
            events.publish(event);
        } catch (RetryableException | PermanentException e) {
            holding.add(new Held(event, e.getMessage()));
        }
    }

    @Override
    public void unpublished(NodeEvent event, String why) {
        events.unpublished(event, why);
    }

    /** One delivery's scope; {@link #close} it on every path. */
    public final class Scope implements AutoCloseable {
        private final boolean holding;
        private final Duration timeLeft;

        private Scope(boolean holding, Duration timeLeft) {
            this.holding = holding;
            this.timeLeft = timeLeft;
        }

        /**
         * After the outcome is recorded: publishes the held events again, up to {@value #FLUSH_ROUNDS} rounds with
         * doubling pauses that fit in the delivery's time left. Each event still refused goes to
         * {@link EventPublisher#unpublished}.
         *
         * @return the events that stayed unpublished (empty when all went out, or nothing was held)
         */
        public List<Held> flush() {
            List<Held> pending = holding ? new ArrayList<>(held.get()) : new ArrayList<>();
            held.remove();
            Duration paused = Duration.ZERO;
            Duration pause = FLUSH_PAUSE;
            for (int round = 1; round <= FLUSH_ROUNDS && !pending.isEmpty(); round++) {
                if (round > 1) {
                    if (timeLeft != null && paused.plus(pause).compareTo(timeLeft) > 0) {
                        break;
                    }
                    try {
                        sleeper.pause(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    paused = paused.plus(pause);
                    pause = pause.multipliedBy(2);
                }
                List<Held> refused = new ArrayList<>();
                for (Held h : pending) {
                    try {
                        events.publish(h.event());
                    } catch (RetryableException | PermanentException e) {
                        refused.add(new Held(h.event(), e.getMessage()));
                    }
                }
                pending = refused;
            }
            pending.forEach(h -> events.unpublished(h.event(), h.why()));
            return List.copyOf(pending);
        }

        /** Ends the scope; events still held (the outcome was not recorded: the message goes back) are dropped. */
        @Override
        public void close() {
            held.remove();
        }
    }
}
