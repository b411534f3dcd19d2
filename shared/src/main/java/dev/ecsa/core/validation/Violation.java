package dev.ecsa.core.validation;

import java.util.Objects;

/**
 * One broken rule: the field (a JSON path such as {@code nodeId} or {@code tags.team}) and the rule it breaks,
 * phrased to complete "field …" ({@code must be 1 to 63 letters, digits, ...}). The offending value is deliberately
 * not included: it may be long, contain control characters, or be something that should not be logged.
 */
public record Violation(String field, String rule) {

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
