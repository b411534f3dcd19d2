package dev.ecsa.local.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure to inject into simulated operations.
 *
 * @param kind    what goes wrong
 * @param latency the added delay, for {@link Kind#LATENCY} (the call then proceeds normally)
 */
public record Fault(Kind kind, Duration latency) {

    public enum Kind {
        /** HTTP 400 with the service's throttling error ({@code ThrottlingException}); the SDK retries it. */
        THROTTLING,
        /** HTTP 500 with the service's internal error shape ({@code InternalServerError}, {@code ServerException}, ...). */
        SERVER_ERROR,
        /** Real wall-clock delay before the call is handled. */
        LATENCY
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        latency = latency == null ? Duration.ZERO : latency;
    }

    public static Fault throttling() {
        return new Fault(Kind.THROTTLING, Duration.ZERO);
    }

    public static Fault serverError() {
        return new Fault(Kind.SERVER_ERROR, Duration.ZERO);
    }

    public static Fault latency(Duration delay) {
        return new Fault(Kind.LATENCY, delay);
    }
}
