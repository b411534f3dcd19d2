package dev.ecsa.local.hosts;

/** Outcome of a command run in a host's sandbox: exit status and the captured output (UTF-8). */
public record ExecResult(int exitCode, String stdout, String stderr) {
    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
