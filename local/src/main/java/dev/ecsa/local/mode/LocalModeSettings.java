package dev.ecsa.local.mode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the local mode runs. The defaults shorten the stack's waits so a demo takes seconds: the drain is checked every
 * second (the stack: 15 s) and gives up after 20 s (the stack: 10 minutes).
 *
 * @param hosts             simulated hosts {@code node-1..node-N}, 0..20
 * @param drainPoll         WaitForDrain's interval, whole seconds, at least 1
 * @param drainTimeout      the default drain deadline of a deregistration that names none
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
        if (hosts < 0 || hosts > 20) {
            throw new IllegalArgumentException("hosts must be 0..20, was " + hosts);
        }
        if (drainPoll.toSeconds() < 1 || drainPoll.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("drainPoll must be whole seconds, at least 1");
        }
        if (drainTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("drainTimeout must be at least 1 s");
        }
        if (reconcileInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("reconcileInterval must be at least 1 s");
        }
    }

    /** 3 hosts, poll 1 s, drain deadline 20 s, reconcile every 5 minutes, the state file under {@code repoRoot}. */
    public static LocalModeSettings defaults(Path repoRoot) {
        return new LocalModeSettings(3, Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(5),
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
