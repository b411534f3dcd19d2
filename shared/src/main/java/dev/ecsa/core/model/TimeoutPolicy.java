package dev.ecsa.core.model;

import java.util.Locale;
import java.util.Optional;

/** What a drain does when its deadline passes with tasks still on the instance (docs/drain-workflow.md, "Decisions"). */
public enum TimeoutPolicy {
    /** Put the instance back to ACTIVE, but only if this workflow set it DRAINING. The default, as in the original recipe. */
    REVERT,
    /** Deregister anyway; remaining tasks are orphaned (ECS starts service tasks elsewhere). */
    FORCE,
    /** Leave the instance DRAINING and alert a person. */
    KEEP;

    /** The policy used when neither the request nor the stack names one. */
    public static TimeoutPolicy defaultPolicy() {
        return REVERT;
    }

    /** The wire name ({@code revert}, {@code force}, {@code keep}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy with this exact wire name, if any. */
    public static Optional<TimeoutPolicy> fromWireName(String value) {
        for (TimeoutPolicy p : values()) {
            if (p.wireName().equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
