package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Failure;

/**
 * The error a Catch put at {@code $.error}: Step Functions' {@code Error} (for a Lambda, the exception's class name,
 * or a {@code States.*} / {@code Lambda.*} name) and the error message taken from its {@code Cause}.
 *
 * @param error   the error name
 * @param message the message; for this project's exceptions {@code "<REASON>: <detail>"}
 */
public record CaughtError(String error, String message) {

    /** Longest message kept in a record (a stray stack trace or HTML error page must not bloat the item). */
    static final int MAX_MESSAGE = 500;

    public CaughtError {
        error = error == null || error.isBlank() ? "Unknown" : error;
        message = message == null ? "" : message;
    }

    /**
     * The failure to record. The project's two exception types carry their {@link Reason} as the message's prefix;
     * a Step Functions timeout is TIMED_OUT; a Lambda service error is AWS_UNAVAILABLE; anything else is INTERNAL
     * and names the error so a person can find it in the logs.
     */
    public Failure toFailure() {
        if (error.equals(RetryableException.class.getName()) || error.equals(PermanentException.class.getName())) {
            int colon = message.indexOf(": ");
            if (colon > 0) {
                try {
                    Reason reason = Reason.valueOf(message.substring(0, colon));
                    return new Failure(reason, bounded(message.substring(colon + 2)));
                } catch (IllegalArgumentException notAReason) {
                    // Fall through: the message is not ours after all.
                }
            }
        }
        if (error.equals("States.Timeout") || error.equals("States.HeartbeatTimeout")) {
            return new Failure(Reason.TIMED_OUT, bounded(error + (message.isEmpty() ? "" : ": " + message)));
        }
        if (error.startsWith("Lambda.")) {
            return new Failure(Reason.AWS_UNAVAILABLE, bounded(error + (message.isEmpty() ? "" : ": " + message)));
        }
        return new Failure(Reason.INTERNAL, bounded(error + (message.isEmpty() ? "" : ": " + message)));
    }

    private static String bounded(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
    }

    /** The message is already free of secrets (the project's exceptions never carry one) but may be long. */
    @Override
    public String toString() {
        return "CaughtError[error=" + error + ", message=" + bounded(message) + "]";
    }

    static String truncate(String text) {
        return bounded(text);
    }
}
