package dev.ecsa.core.reconcile;

import java.time.Instant;
import java.util.Objects;

/**
 * The stack-wide switch that stops all repair (quarantine, release, restart) while it is set; reporting goes on. Set and
 * cleared by a person ({@code ecsa repair pause|resume}), read by every reconcile run.
 *
 * @param by     who paused (the caller's identity as the CLI knows it)
 * @param reason why, in their words
 * @param at     when
 */
public record RepairPause(String by, String reason, Instant at) {

    public RepairPause {
        Objects.requireNonNull(at, "at");
        by = by == null || by.isBlank() ? "unknown" : by;
        reason = reason == null ? "" : reason;
    }

    /** One line for findings and the CLI. */
    public String describe() {
        return "repair is paused (by " + by + " at " + at + (reason.isEmpty() ? "" : ": " + reason) + ")";
    }
}
