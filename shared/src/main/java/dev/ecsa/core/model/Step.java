package dev.ecsa.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a request, for the audit trail ("activation", "bootstrap", "check-drain"...).
 *
 * @param endedAt    {@code null} while the step runs
 * @param detail     a short human note; never a secret, and never read back by the service
 * @param resourceId the AWS resource the step created or removed (an activation id), for the code that reads the
 *                   trail back (the registration's activation journal); {@code null} for most steps
 */
public record Step(String name, Instant startedAt, Instant endedAt, StepResult result, String detail,
                   String resourceId) {

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
    }

    /** A step about no particular resource. */
    public Step(String name, Instant startedAt, Instant endedAt, StepResult result, String detail) {
        this(name, startedAt, endedAt, result, detail, null);
    }

    /** A step that has begun. */
    public static Step started(String name, Instant at) {
        return new Step(name, at, null, StepResult.STARTED, "");
    }

    /** This step ended with {@code result}. */
    public Step end(Instant at, StepResult result, String detail) {
        return new Step(name, startedAt, at, result, detail, resourceId);
    }
}
