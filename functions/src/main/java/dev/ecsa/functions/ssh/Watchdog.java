package dev.ecsa.functions.ssh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-shot deadline: unless disarmed in time, runs an action (closing the SSH connection) that makes every
 * blocked read and write of the call fail. SSHJ's own timeouts are per operation (or, for the socket read timeout,
 * would also kill a healthy but quiet session), so a whole phase is bounded this way instead.
 *
 * <p>Uses {@link CompletableFuture#delayedExecutor}: no thread to own or shut down, which suits a Lambda adapter.
 */
final class Watchdog {

    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int FIRED = 2;

    private final AtomicInteger state = new AtomicInteger(ARMED);
    private CompletableFuture<Void> timer;

    private Watchdog() {
    }

    static Watchdog start(Duration after, Runnable onExpiry) {
        Watchdog w = new Watchdog();
        w.timer = CompletableFuture.runAsync(() -> {
            if (w.state.compareAndSet(ARMED, FIRED)) {
                onExpiry.run();
            }
        }, CompletableFuture.delayedExecutor(SshjRemoteHost.millis(after), TimeUnit.MILLISECONDS));
        return w;
    }

    /** Stops the deadline; returns false if it had already expired (its action has run or is running). */
    boolean disarm() {
        state.compareAndSet(ARMED, DISARMED);
        timer.cancel(false);
        return state.get() == DISARMED;
    }

    /** Whether the deadline expired. */
    boolean fired() {
        return state.get() == FIRED;
    }
}
