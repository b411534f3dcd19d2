package dev.ecsa.core.deregister;

import java.time.Duration;
import java.util.Objects;

/**
 * The drain workflow's settings, per stack.
 *
 * @param pollInterval     WaitForDrain's interval (the stack default is 15 s)
 * @param sshKeySecretId   the secret holding the SSH private key used for the host cleanup
 * @param connectTimeout   SSH connect, key exchange and authentication limit for the cleanup
 * @param commandTimeout   how long the cleanup script may run
 * @param cleanupAttempts  how many CleanHost attempts may find the host unreachable before the node is recorded as
 *                         deregistered but not cleaned. The state machine retries CleanHost 5 times (6 attempts), so
 *                         this must be at most 6, or the last failure would be caught as a workflow failure instead
 */
public record DrainSettings(Duration pollInterval, String sshKeySecretId, Duration connectTimeout,
                            Duration commandTimeout, int cleanupAttempts) {

    /** Attempts the state machine makes of one Task: the first plus its Retry's maxAttempts (5). */
    public static final int STATE_MACHINE_ATTEMPTS = 6;

    public DrainSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(sshKeySecretId, "sshKeySecretId");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (pollInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("the poll interval is at least one second");
        }
        if (cleanupAttempts < 1 || cleanupAttempts > STATE_MACHINE_ATTEMPTS) {
            throw new IllegalArgumentException("cleanupAttempts must be 1.." + STATE_MACHINE_ATTEMPTS);
        }
    }

    /** The stack defaults: poll every 15 s, 30 s to connect, 5 minutes for the script, give up after 4 attempts. */
    public static DrainSettings defaults(String sshKeySecretId) {
        return new DrainSettings(Duration.ofSeconds(15), sshKeySecretId, Duration.ofSeconds(30),
                Duration.ofMinutes(5), 4);
    }

    /** The poll interval in whole seconds, as the Wait state takes it. */
    public int pollSeconds() {
        return Math.toIntExact(pollInterval.toSeconds());
    }
}
