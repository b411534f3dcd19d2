package dev.ecsa.core.register;

import java.time.Duration;

/** Waits between polls; tests pass one that moves a test clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    /** Waits for {@code d}. */
    void sleep(Duration d) throws InterruptedException;

    /** The real thing. */
    static Sleeper threadSleep() {
        return d -> Thread.sleep(d.toMillis());
    }
}
