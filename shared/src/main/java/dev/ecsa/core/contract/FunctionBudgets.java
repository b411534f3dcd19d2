package dev.ecsa.core.contract;

import dev.ecsa.core.deregister.UpgradeAgents;
import dev.ecsa.core.deregister.DrainSettings;
import java.time.Duration;

/**
 * Every function's timeout, derived from the budgets of the work it must hold, in one place: the stack sets the
 * timeouts from here and the functions size their own limits from the same figures, so a slow step ends on the
 * function's own terms (a recorded, retryable failure) and never in Lambda's {@code Sandbox.Timedout}, which no
 * Retry of the drain workflow matches.
 */
public final class FunctionBudgets {

    /** Lambda's hard limit on a function's timeout. */
    public static final int LAMBDA_MAX_TIMEOUT_SECONDS = 900;
    /** One AWS SDK call including its retries (AwsClients). */
    public static final Duration AWS_CALL_TIMEOUT = Duration.ofSeconds(60);
    /** One HTTP attempt of an AWS SDK call. */
    public static final Duration AWS_ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    /** TCP connect to an AWS endpoint. */
    public static final Duration AWS_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * AWS calls a drain step makes around its SSH work, at most, each bounded by {@link #AWS_CALL_TIMEOUT}: CleanHost
     * reads the secret and the node, and writes the outcome.
     */
    public static final int DRAIN_STEP_AWS_CALLS = 3;
    /** Time the node-request function keeps after the registration budget to record the outcome and clean up. */
    public static final int RECORDING_MARGIN_SECONDS = 60;
    /** Bounds of the drain workflow's poll interval ({@code ecsa:drainPollSeconds}). */
    public static final int MIN_DRAIN_POLL_SECONDS = 5;
    public static final int MAX_DRAIN_POLL_SECONDS = 300;
    /** The reconciler may use all of Lambda's time; its runs are bounded by page counts, not by a budget. */
    public static final int RECONCILE_TIMEOUT_SECONDS = LAMBDA_MAX_TIMEOUT_SECONDS;

    private FunctionBudgets() {
    }

    /** The node-request function: the registration budget plus the recording margin, within Lambda's limit. */
    public static int nodeRequestTimeoutSeconds(int registrationBudgetSeconds) {
        return Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, registrationBudgetSeconds + RECORDING_MARGIN_SECONDS);
    }

    /** The queue's visibility timeout: one whole invocation of its consumer plus a minute. */
    public static int queueVisibilitySeconds(int nodeRequestTimeoutSeconds) {
        return nodeRequestTimeoutSeconds + 60;
    }

    /**
     * AWS calls UpgradeAgents makes around its SSH work and its confirmation, at most, each bounded by
     * {@link #AWS_CALL_TIMEOUT}: the request, the node, the secret, the instance's status, the node's move.
     */
    public static final int UPGRADE_STEP_AWS_CALLS = 5;

    /**
     * The drain function: its longest step is CleanHost (an SSH connect plus the cleanup script, with its AWS calls
     * around them) or UpgradeAgents (the same SSH limits, then up to the upgrade's confirmation time), whichever is
     * longer.
     */
    public static int drainStepTimeoutSeconds(DrainSettings drain, UpgradeAgents.UpgradeSettings upgrade) {
        long ssh = drain.connectTimeout().toSeconds() + drain.commandTimeout().toSeconds();
        long cleanHost = ssh + DRAIN_STEP_AWS_CALLS * AWS_CALL_TIMEOUT.toSeconds();
        long upgradeAgents = ssh + upgrade.verifyTimeout().toSeconds()
                + UPGRADE_STEP_AWS_CALLS * AWS_CALL_TIMEOUT.toSeconds();
        long seconds = Math.max(cleanHost, upgradeAgents);
        if (seconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("the drain step's budgets add up to " + seconds
                    + " s, over Lambda's " + LAMBDA_MAX_TIMEOUT_SECONDS + " s");
        }
        return Math.toIntExact(seconds);
    }
}
