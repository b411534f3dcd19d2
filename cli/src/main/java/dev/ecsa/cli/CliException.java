package dev.ecsa.cli;

/**
 * A failure the user can act on: printed as {@code ecsa: <message>} and turned into {@link #exitCode()}, without a
 * stack trace.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    static CliException notFound(String message) {
        return new CliException(ExitCodes.NOT_FOUND, message);
    }

    static CliException unreachable(String message) {
        return new CliException(ExitCodes.UNREACHABLE, message);
    }
}
