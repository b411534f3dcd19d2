package dev.ecsa.local.mode;

import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.validation.FieldRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the local mode runs. The drain settings are the stack's context values ({@code ecsa:drainPollSeconds},
 * {@code ecsa:drainTimeoutSeconds}), within the same bounds; the defaults are their lowest values so a demo takes
 * seconds rather than minutes: the drain is checked every 5 s (the stack's default: 15 s) and gives up after 60 s
 * (the stack's default: 10 minutes).
 *
 * @param hosts             simulated hosts {@code node-1..node-N}, 0..250
 * @param drainPoll         WaitForDrain's interval, whole seconds, 5..300
 * @param drainTimeout      the default drain deadline of a deregistration that names none, 60..3600 s
 * @param reconcileInterval how often the reconcile schedule fires (the stack: an EventBridge rate)
 * @param visibilityTimeout the node-request queue's visibility timeout (the stack: the function's timeout × 6)
 * @param retryDelay        how soon a message the function failed comes back (Lambda has no such knob; SQS's
 *                          visibility timeout decides there, which would make a local retry take minutes)
 * @param stateFile         where the endpoints are written for the CLI ({@code .ecsa/local.json} under the repo)
 * @param repoRoot          the repository (node tools, the synthesized drain workflow)
 */
public record LocalModeSettings(int hosts, Duration drainPoll, Duration drainTimeout, Duration reconcileInterval,
                                Duration visibilityTimeout, Duration retryDelay, Path stateFile, Path repoRoot) {

    /** The file, relative to the repository root, that tells the CLI where a running local mode listens. */
    public static final String STATE_FILE = ".ecsa/local.json";

    public LocalModeSettings {
        Objects.requireNonNull(drainPoll, "drainPoll");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(repoRoot, "repoRoot");
        if (hosts < 0 || hosts > 250) {
            throw new IllegalArgumentException("hosts must be 0..250, was " + hosts);
        }
        if (drainPoll.toMillis() % 1000 != 0 || drainPoll.toSeconds() < FunctionBudgets.MIN_DRAIN_POLL_SECONDS
                || drainPoll.toSeconds() > FunctionBudgets.MAX_DRAIN_POLL_SECONDS) {
            throw new IllegalArgumentException("the drain poll must be whole seconds, "
                    + FunctionBudgets.MIN_DRAIN_POLL_SECONDS + "-" + FunctionBudgets.MAX_DRAIN_POLL_SECONDS
                    + " (the stack's bounds for ecsa:drainPollSeconds)");
        }
        if (drainTimeout.toMillis() % 1000 != 0 || drainTimeout.toSeconds() < FieldRules.MIN_DRAIN_TIMEOUT_SECONDS
                || drainTimeout.toSeconds() > FieldRules.MAX_DRAIN_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("the drain timeout must be whole seconds, "
                    + FieldRules.MIN_DRAIN_TIMEOUT_SECONDS + "-" + FieldRules.MAX_DRAIN_TIMEOUT_SECONDS
                    + " (the stack's bounds for ecsa:drainTimeoutSeconds)");
        }
        if (reconcileInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("reconcileInterval must be at least 1 s");
        }
    }

    /** 3 hosts, poll 5 s, drain deadline 60 s, reconcile every 5 minutes, the state file under {@code repoRoot}. */
    public static LocalModeSettings defaults(Path repoRoot) {
        return new LocalModeSettings(3, Duration.ofSeconds(FunctionBudgets.MIN_DRAIN_POLL_SECONDS),
                Duration.ofSeconds(FieldRules.MIN_DRAIN_TIMEOUT_SECONDS), Duration.ofMinutes(5),
                Duration.ofSeconds(60), Duration.ofSeconds(2), repoRoot.resolve(STATE_FILE), repoRoot);
    }

    public LocalModeSettings withHosts(int count) {
        return new LocalModeSettings(count, drainPoll, drainTimeout, reconcileInterval, visibilityTimeout, retryDelay,
                stateFile, repoRoot);
    }

    public LocalModeSettings withDrainTimeout(Duration timeout) {
        return new LocalModeSettings(hosts, drainPoll, timeout, reconcileInterval, visibilityTimeout, retryDelay,
                stateFile, repoRoot);
    }

    public LocalModeSettings withDrainPoll(Duration poll) {
        return new LocalModeSettings(hosts, poll, drainTimeout, reconcileInterval, visibilityTimeout, retryDelay,
                stateFile, repoRoot);
    }

    public LocalModeSettings withReconcileInterval(Duration interval) {
        return new LocalModeSettings(hosts, drainPoll, drainTimeout, interval, visibilityTimeout, retryDelay,
                stateFile, repoRoot);
    }

    public LocalModeSettings withStateFile(Path file) {
        return new LocalModeSettings(hosts, drainPoll, drainTimeout, reconcileInterval, visibilityTimeout, retryDelay,
                file, repoRoot);
    }
}
