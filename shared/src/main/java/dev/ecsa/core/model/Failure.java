package dev.ecsa.core.model;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import java.util.Objects;

/** A recorded failure: the reason and a message a person can act on (never a secret). */
public record Failure(Reason reason, String message) {

    public Failure {
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
    }

    /** The failure an exception describes. */
    public static Failure of(NodeOperationException e) {
        return new Failure(e.reason(), e.detail());
    }
}
