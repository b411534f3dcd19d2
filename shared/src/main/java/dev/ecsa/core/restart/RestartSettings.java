package dev.ecsa.core.restart;

import java.time.Duration;
import java.util.Objects;

/**
 * How a restart runs.
 *
 * @param sshKeySecretId the SSH private key's secret
 * @param connectTimeout SSH connect, key exchange and authentication limit
 * @param commandTimeout how long the restart script may run
 * @param verifyTimeout  how long both agents get to report connected again after the restart
 * @param pollInterval   the wait between two looks at SSM and ECS while verifying
 */
public record RestartSettings(String sshKeySecretId, Duration connectTimeout, Duration commandTimeout,
                              Duration verifyTimeout, Duration pollInterval) {

    public RestartSettings {
        Objects.requireNonNull(sshKeySecretId, "sshKeySecretId");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(verifyTimeout, "verifyTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive");
        }
    }

    /**
     * The stack defaults: 30 s to connect, 2 minutes for the script, 3 minutes for both agents to reconnect (the ECS
     * agent reconnects within seconds; SSM marks an instance Online at its next ping, every few minutes at most),
     * polling every 5 s.
     */
    public static RestartSettings defaults(String sshKeySecretId) {
        return new RestartSettings(sshKeySecretId, Duration.ofSeconds(30), Duration.ofMinutes(2),
                Duration.ofMinutes(3), Duration.ofSeconds(5));
    }
}
