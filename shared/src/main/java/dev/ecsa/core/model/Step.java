package dev.ecsa.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a request, for the audit trail ("create-activation", "bootstrap", "drain-check"...).
 *
 * @param endedAt {@code null} while the step runs
 * @param detail  a short human note; never a secret
 */
public record Step(String name, Instant startedAt, Instant endedAt, StepResult result, String detail) {

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
    }

    /** A step that has begun. */
    public static Step started(String name, Instant at) {
        return new Step(name, at, null, StepResult.STARTED, "");
    }

    /** This step ended with {@code result}. */
    public Step end(Instant at, StepResult result, String detail) {
        return new Step(name, startedAt, at, result, detail);
    }
}
