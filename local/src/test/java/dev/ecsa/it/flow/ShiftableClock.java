package dev.ecsa.it.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset a test can change: the simulator runs on one so a test can age an activation past its
 * expiry, the service on another so a crash can be followed by the queue's visibility timeout passing, while time
 * still flows (a frozen clock would stop the simulator's timed transitions and the service's deadlines).
 */
public final class ShiftableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    /** Moves this clock {@code by} ahead of the system clock (replacing any earlier shift). */
    public void shift(Duration by) {
        offset = by;
    }

    /** Moves this clock {@code by} further ahead. */
    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Back to the system clock. */
    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulator's clock is UTC");
    }
}
