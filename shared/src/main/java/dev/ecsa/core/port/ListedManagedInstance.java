package dev.ecsa.core.port;

import java.time.Instant;
import java.util.Objects;

/**
 * A managed instance from a listing, with the time of its agent's last ping (for "disconnected since when").
 *
 * @param lastPingAt SSM's LastPingDateTime, or {@code null} if SSM did not say
 */
public record ListedManagedInstance(ManagedInstance instance, Instant lastPingAt) {

    public ListedManagedInstance {
        Objects.requireNonNull(instance, "instance");
    }
}
