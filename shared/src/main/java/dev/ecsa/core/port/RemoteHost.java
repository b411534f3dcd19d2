package dev.ecsa.core.port;

/** Runs scripts on on-prem hosts over SSH with verified host keys (README, "Security": host trust). */
public interface RemoteHost {

    /**
     * Connects, verifies the host key per {@link ScriptRun#hostKeyPolicy()}, authenticates with the key, pipes the
     * script to the command's stdin and waits for it to exit.
     *
     * <p>Idempotency: the port runs the script once per call; the project's scripts are written so a second run
     * finds the work done (each step checks before it acts), which is what makes retries safe.
     *
     * @return the exit code (non-zero is a result, not an exception), output tails and the observed host key
     * @throws dev.ecsa.core.error.RetryableException HOST_UNREACHABLE, TIMED_OUT
     * @throws dev.ecsa.core.error.PermanentException HOST_KEY_CHANGED, SSH_AUTH_FAILED
     */
    ScriptResult run(ScriptRun run);
}
