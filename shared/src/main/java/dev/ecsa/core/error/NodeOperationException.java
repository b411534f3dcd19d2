package dev.ecsa.core.error;

import java.util.Objects;

/**
 * The only failure type the domain and its adapters throw. Step Functions and SQS handling branch on the two
 * subclasses' names, so their names are part of the deployed contract.
 *
 * <p>Messages are shown to operators and written to logs and the request record: they must never contain a
 * secret (activation code, private key, script text).
 */
public abstract sealed class NodeOperationException extends RuntimeException
        permits RetryableException, PermanentException {

    private final Reason reason;

    protected NodeOperationException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** The message without the reason prefix. */
    public String detail() {
        String m = getMessage();
        return m.substring(reason.name().length() + 2);
    }

    /** Whether this failure may clear up on a retry. */
    public abstract boolean retryable();

    /** An exception of the class the reason calls for by default. */
    public static NodeOperationException of(Reason reason, String message) {
        return of(reason, message, null);
    }

    /** An exception of the class the reason calls for by default, with a cause. */
    public static NodeOperationException of(Reason reason, String message, Throwable cause) {
        return reason.retryable()
                ? new RetryableException(reason, message, cause)
                : new PermanentException(reason, message, cause);
    }
}
