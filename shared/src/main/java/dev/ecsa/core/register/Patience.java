package dev.ecsa.core.register;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Waits out AWS throttling inside a delivery, so that a fleet arriving at once spends time, not deliveries: the SQS
 * queue gives a request a few deliveries only (its {@code maxReceiveCount}), and a burst of registrations that AWS
 * throttles on every delivery would otherwise fail for nothing but the rate.
 *
 * <p>A call that still fails with {@link Reason#THROTTLED} after the SDK's own (adaptive) retries is tried again
 * after a jittered, doubling wait (uniform between half and all of 1, 2, 4, 8, 16, 16... seconds), for at most a
 * quarter of the time the delivery had left when the call began; then the throttling goes up as before, and the
 * delivery is retried by the queue. Other failures go up at once.
 */
final class Patience {

    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(16);

    private final Sleeper sleeper;
    private final Delivery delivery;

    Patience(Sleeper sleeper, Delivery delivery) {
        this.sleeper = sleeper;
        this.delivery = delivery;
    }

    <T> T call(Supplier<T> work) {
        Duration allowance = delivery.remaining().dividedBy(4);
        Duration waited = Duration.ZERO;
        Duration ceiling = FIRST_WAIT;
        while (true) {
            try {
                return work.get();
            } catch (RetryableException e) {
                if (e.reason() != Reason.THROTTLED) {
                    throw e;
                }
                long half = ceiling.toMillis() / 2;
                Duration wait = Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
                if (waited.plus(wait).compareTo(allowance) > 0) {
                    throw e;
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waited = waited.plus(wait);
                ceiling = ceiling.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : ceiling.multipliedBy(2);
            }
        }
    }

    void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
