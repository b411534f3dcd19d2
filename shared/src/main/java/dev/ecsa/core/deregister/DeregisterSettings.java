package dev.ecsa.core.deregister;

import dev.ecsa.core.model.TimeoutPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The stack's deregistration settings for the intake: the default drain deadline and policy, and the bounds a
 * request's own timeout is held to. (The drain workflow's own settings are {@code dev.ecsa.core.deregister}'s.)
 *
 * @param defaultTimeout used when the request names none (10 minutes in the stack's defaults)
 * @param minTimeout     a request asking for less gets this
 * @param maxTimeout     a request asking for more gets this
 * @param defaultPolicy  used when the request names none
 */
public record DeregisterSettings(Duration defaultTimeout, Duration minTimeout, Duration maxTimeout,
                                 TimeoutPolicy defaultPolicy) {

    public DeregisterSettings {
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(minTimeout, "minTimeout");
        Objects.requireNonNull(maxTimeout, "maxTimeout");
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        if (minTimeout.isNegative() || minTimeout.compareTo(maxTimeout) > 0) {
            throw new IllegalArgumentException("drain timeout bounds must satisfy 0 <= min <= max");
        }
        if (defaultTimeout.compareTo(minTimeout) < 0 || defaultTimeout.compareTo(maxTimeout) > 0) {
            throw new IllegalArgumentException("the default drain timeout must lie within its bounds");
        }
    }

    /** The design's defaults: 10 minutes, requests may ask for 1 to 60 minutes, policy revert. */
    public static DeregisterSettings defaults() {
        return new DeregisterSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1),
                TimeoutPolicy.defaultPolicy());
    }

    /** The timeout for a request that asked for {@code requested} (or nothing): held within the bounds. */
    public Duration timeoutFor(Duration requested) {
        if (requested == null) {
            return defaultTimeout;
        }
        if (requested.compareTo(minTimeout) < 0) {
            return minTimeout;
        }
        return requested.compareTo(maxTimeout) > 0 ? maxTimeout : requested;
    }
}
