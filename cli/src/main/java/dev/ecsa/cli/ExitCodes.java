package dev.ecsa.cli;

/**
 * The CLI's exit codes (also in {@code ecsa --help} and docs/cli.md). A user error never prints a stack trace.
 */
public final class ExitCodes {

    /** Done; for {@code watch}, the request ended with a successful outcome. */
    public static final int OK = 0;
    /** {@code watch}: the request ended with an outcome that is not a success (REJECTED, FAILED, DRAIN_TIMED_OUT...). */
    public static final int REQUEST_FAILED = 1;
    /** Bad usage or input: unknown option, missing argument, a field the request schema refuses. */
    public static final int USAGE = 2;
    /** The node, request or stack does not exist. */
    public static final int NOT_FOUND = 3;
    /** No backend: no local mode running and no stack named, or an endpoint that does not answer. */
    public static final int UNREACHABLE = 4;
    /** The backend answered with an error (access denied, a missing table or queue, throttling that persisted). */
    public static final int BACKEND_ERROR = 5;
    /** {@code watch} gave up before the request ended (its {@code --timeout}). */
    public static final int WATCH_TIMED_OUT = 6;

    private ExitCodes() {
    }
}
