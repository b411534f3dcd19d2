package dev.ecsa.core.register;

import java.time.Duration;
import java.util.Objects;

/**
 * The stack's registration settings.
 *
 * @param stackName          tagged on every activation ({@value #STACK_TAG}) and container instance
 * @param defaultCluster     for requests that name no cluster
 * @param sshKeySecretId     the secret holding the service's SSH private key
 * @param activationExpiry   how long an activation lives; at most {@link #MAX_ACTIVATION_EXPIRY}
 * @param budget             the time limit of one delivery's attempt at the registration (a redelivery starts a
 *                           new one), below the function's timeout (the stack: 12 of 13 min)
 * @param connectTimeout     SSH connect + key exchange + authentication, at most
 * @param minimumHostTime    the bootstrap is not started with less than this left for it (it would only time out)
 * @param verifyReserve      time kept back from the bootstrap for verification, recording and cleanup
 * @param verifyPollInterval between looks at SSM and ECS while they catch up with the host
 * @param agentWait          how long the script waits for the ECS agent, at most (half the command time if less)
 */
public record RegistrationSettings(String stackName, String defaultCluster, String sshKeySecretId,
                                   Duration activationExpiry, Duration budget, Duration connectTimeout,
                                   Duration minimumHostTime, Duration verifyReserve, Duration verifyPollInterval,
                                   Duration agentWait) {

    /** SSM activations are single-use and short-lived: the registration never needs one longer than this. */
    public static final Duration MAX_ACTIVATION_EXPIRY = Duration.ofHours(1);
    /** The tag naming the stack on activations and container instances. */
    public static final String STACK_TAG = "ecsa:stack";
    /** The tags and the ECS attribute naming the node and request (prefixes reserved by the validator). */
    public static final String NODE_TAG = "ecsa:nodeId";
    public static final String REQUEST_TAG = "ecsa:requestId";
    public static final String NODE_ATTRIBUTE = "ecsa.nodeId";

    public RegistrationSettings {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(defaultCluster, "defaultCluster");
        Objects.requireNonNull(sshKeySecretId, "sshKeySecretId");
        for (Duration d : new Duration[] {activationExpiry, budget, connectTimeout, minimumHostTime, verifyReserve,
                verifyPollInterval, agentWait}) {
            Objects.requireNonNull(d, "durations");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("registration durations must be positive");
            }
        }
        if (activationExpiry.compareTo(MAX_ACTIVATION_EXPIRY) > 0) {
            activationExpiry = MAX_ACTIVATION_EXPIRY;
        }
    }

    /** The default {@link #minimumHostTime}: the bootstrap is not started with less left. */
    public static final Duration DEFAULT_MINIMUM_HOST_TIME = Duration.ofMinutes(2);
    /** The default {@link #verifyReserve}. */
    public static final Duration DEFAULT_VERIFY_RESERVE = Duration.ofSeconds(90);
    /**
     * The smallest budget a stack may set (ecsa:registrationBudgetSeconds): the bootstrap's minimum time, the
     * verification's reserve and half a minute for the record, the SSH key and the activation. Below it every
     * registration would end TIMED_OUT before reaching the host (the soak found the stack allowing 120 s).
     */
    public static final Duration MIN_BUDGET = DEFAULT_MINIMUM_HOST_TIME.plus(DEFAULT_VERIFY_RESERVE)
            .plusSeconds(30);

    /** Defaults for a stack: 1 h activations, a 12-minute budget, 30 s to connect, 5 min agent wait. */
    public static RegistrationSettings defaults(String stackName, String defaultCluster, String sshKeySecretId) {
        return new RegistrationSettings(stackName, defaultCluster, sshKeySecretId, MAX_ACTIVATION_EXPIRY,
                Duration.ofMinutes(12), Duration.ofSeconds(30), DEFAULT_MINIMUM_HOST_TIME, DEFAULT_VERIFY_RESERVE,
                Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    /** This configuration with another budget. */
    public RegistrationSettings withBudget(Duration newBudget) {
        return new RegistrationSettings(stackName, defaultCluster, sshKeySecretId, activationExpiry, newBudget,
                connectTimeout, minimumHostTime, verifyReserve, verifyPollInterval, agentWait);
    }
}
