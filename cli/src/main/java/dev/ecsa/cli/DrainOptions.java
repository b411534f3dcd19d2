package dev.ecsa.cli;

import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of a request that drains the node first (deregister, upgrade): deadline, policy, host key. */
public final class DrainOptions {

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "How long the drain may take: 1m to 1h, e.g. 15m or 900 (seconds); default: the stack's, "
                    + "10 minutes.")
    Duration drainTimeout;

    @Option(names = "--on-timeout", paramLabel = "POLICY",
            description = "At the deadline: revert (default: back to ACTIVE), force (deregister, or upgrade, anyway) "
                    + "or keep (stay DRAINING).")
    String onTimeout;

    @Option(names = "--host-key-fingerprint", paramLabel = "SHA256:...",
            description = "The host's new key, when it was reinstalled since it registered: the session expects it "
                    + "instead of the pinned one.")
    String hostKeyFingerprint;

    /** Adds the options given to the request body. */
    void fill(Map<String, Object> body) {
        RegisterCommand.putIfPresent(body, "drainTimeoutSeconds",
                drainTimeout == null ? null : drainTimeout.toSeconds());
        RegisterCommand.putIfPresent(body, "onTimeout", onTimeout);
        RegisterCommand.putIfPresent(body, "hostKeyFingerprint", hostKeyFingerprint);
    }
}
