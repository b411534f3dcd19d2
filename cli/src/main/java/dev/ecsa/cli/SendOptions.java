package dev.ecsa.cli;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Option;

/** Fields every request carries besides the node: its id, who asks and why. */
public final class SendOptions {

    @Option(names = "--request-id", paramLabel = "ID",
            description = "The request's id (deduplication id, execution name); generated when absent.")
    String requestId;

    @Option(names = "--requested-by", paramLabel = "WHO",
            description = "Who asks, for the audit trail (default: cli:$USER).")
    String requestedBy;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Option(names = "--watch", description = "Follow the request's progress until it ends (as `ecsa watch`).")
    boolean watch;

    @Option(names = "--dry-run", description = "Print the exact message (queue, group id, deduplication id, body) "
            + "and send nothing.")
    boolean dryRun;

    @Option(names = "--confirm-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Durations.Converter.class,
            description = "After sending, wait up to this long for the service to record the request, and say "
                    + "whether it was accepted or rejected (0: do not wait; default ${DEFAULT-VALUE}).")
    Duration confirmTimeout;

    void fill(Map<String, Object> body, Map<String, String> env) {
        body.put("requestId", requestId != null ? requestId : UUID.randomUUID().toString());
        String user = env.getOrDefault("USER", "operator");
        body.put("requestedBy", requestedBy != null ? requestedBy : "cli:" + (user.isBlank() ? "operator" : user));
        if (reason != null) {
            body.put("reason", reason);
        }
    }
}
