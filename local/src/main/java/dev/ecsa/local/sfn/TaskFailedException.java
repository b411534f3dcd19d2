package dev.ecsa.local.sfn;

import java.util.Objects;

/**
 * Fails a Task state with an explicit error name and cause, for a {@link TaskHandler} that wants to report an
 * error the way another integration would (e.g. {@code States.TaskFailed}), not as a Java exception class name.
 */
public final class TaskFailedException extends RuntimeException {

    private final String error;

    public TaskFailedException(String error, String cause) {
        super(cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The error name Retry and Catch match. */
    public String error() {
        return error;
    }

    /** The cause text the state machine sees (in {@code $.error.Cause} after a Catch). */
    public String cause() {
        return getMessage();
    }
}
