package dev.ecsa.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The rollout message's fields as options ({@code ecsa rollout start}, {@code ecsa plan}): the targets, the controls
 * and the drain's; every one maps to the field of the same meaning in docs/rollouts.md, and unset ones keep the
 * service's safe defaults. {@code --file} starts from a JSON body (registrations need one, each with its address,
 * except against the local mode, whose hosts the CLI knows; there {@code --cluster} and {@code --attribute} are set
 * on each registration).
 */
public final class RolloutOptions {

    @Option(names = "--file", paramLabel = "FILE",
            description = "A rollout message as JSON (docs/rollouts.md); options given as well override its fields.")
    Path file;

    @Option(names = "--cluster", paramLabel = "CLUSTER",
            description = "Select the nodes of this cluster (register: the cluster to join).")
    String cluster;

    @Option(names = "--state", paramLabel = "STATE", split = ",",
            description = "Select nodes in these states (REGISTERED, DRAIN_KEPT, ...).")
    List<String> states;

    @Option(names = "--attribute", paramLabel = "NAME=VALUE",
            description = "Select nodes with this ECS attribute (register: set it on each node).")
    Map<String, String> attributes;

    @Option(names = "--ecs-agent", paramLabel = "VERSION", description = "Select nodes running this ECS agent.")
    String selectEcsAgent;

    @Option(names = "--batch-size", paramLabel = "N", description = "Nodes per batch after the canary (default 1).")
    Integer batchSize;

    @Option(names = "--max-concurrency", paramLabel = "N",
            description = "Nodes in flight at once within a batch (default: the batch size).")
    Integer maxConcurrency;

    @Option(names = "--max-failures", paramLabel = "K",
            description = "Halt after more than K failures (default 0: at the first).")
    Integer maxFailures;

    @Option(names = "--max-failure-percent", paramLabel = "P", description = "Halt after more than P% of the nodes failed.")
    Integer maxFailurePercent;

    @Option(names = "--soak", paramLabel = "DURATION", description = "Wait after each batch, e.g. 5m (default 60s).")
    String soak;

    @Option(names = "--max-unavailable", paramLabel = "N",
            description = "At most N container instances of a cluster unavailable at once (default 1).")
    Integer maxUnavailable;

    @Option(names = "--max-unavailable-percent", paramLabel = "P",
            description = "At most P% of a cluster's container instances unavailable at once.")
    Integer maxUnavailablePercent;

    @Option(names = "--no-capacity-check", negatable = false,
            description = "Drain without checking that the other instances can hold the service tasks.")
    boolean noCapacityCheck;

    @Option(names = "--window", paramLabel = "DAYS HH:MM-HH:MM ZONE",
            description = "A maintenance window, e.g. 'mon-fri 22:00-04:00 Europe/Berlin' (repeatable).")
    List<String> windows;

    @Option(names = "--change-calendar", paramLabel = "NAME", description = "An SSM Change Calendar that must be OPEN.")
    String changeCalendar;

    @Option(names = "--canary", paramLabel = "N", description = "Nodes in the first batch (default 1; 0: none).")
    Integer canary;

    @Option(names = "--spread-by", paramLabel = "ATTRIBUTE",
            description = "Alternate between this ECS attribute's values (one node per rack first).")
    String spreadBy;

    @Option(names = "--approval", description = "Wait for `ecsa rollout approve` before the first batch.")
    boolean approval;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", description = "Each node's drain deadline.")
    String drainTimeout;

    @Option(names = "--on-timeout", paramLabel = "revert|force", description = "At a node's drain deadline.")
    String onTimeout;

    @Option(names = "--ecs-agent-version", paramLabel = "VERSION", description = "Upgrade: the ECS agent's target.")
    String ecsAgentVersion;

    @Option(names = "--ssm-agent-version", paramLabel = "VERSION", description = "Upgrade: the SSM agent's target.")
    String ssmAgentVersion;

    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    /** The message body: the file's, then the action and nodes, then every option given. */
    Map<String, Object> body(String action, List<String> nodes) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (file != null) {
            try {
                b.putAll(Json.mapper().readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {
                }));
            } catch (IOException e) {
                throw CliException.usage("cannot read " + file + " as a JSON object: " + e.getMessage());
            }
        }
        b.put("action", "rollout");
        if (action != null) {
            b.put("nodeAction", action);
        }
        if (nodes != null && !nodes.isEmpty()) {
            b.put("nodes", nodes);
        }
        Map<String, Object> selector = new LinkedHashMap<>();
        putIfSet(selector, "cluster", cluster);
        if (states != null) {
            selector.put("states", states.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList());
        }
        if (attributes != null) {
            selector.put("attributes", attributes);
        }
        putIfSet(selector, "ecsAgentVersion", selectEcsAgent);
        if (!selector.isEmpty()) {
            b.put("selector", selector);
        }
        putIfSet(b, "batchSize", batchSize);
        putIfSet(b, "maxConcurrency", maxConcurrency);
        putIfSet(b, "maxFailures", maxFailures);
        putIfSet(b, "maxFailurePercent", maxFailurePercent);
        if (soak != null) {
            b.put("soakSeconds", Durations.parse(soak, "--soak").toSeconds());
        }
        putIfSet(b, "maxUnavailable", maxUnavailable);
        putIfSet(b, "maxUnavailablePercent", maxUnavailablePercent);
        if (noCapacityCheck) {
            b.put("capacityCheck", false);
        }
        if (windows != null) {
            List<Object> parsed = new ArrayList<>();
            windows.forEach(w -> parsed.add(window(w)));
            b.put("windows", parsed);
        }
        putIfSet(b, "changeCalendar", changeCalendar);
        putIfSet(b, "canary", canary);
        putIfSet(b, "spreadBy", spreadBy);
        if (approval) {
            b.put("approval", true);
        }
        if (drainTimeout != null) {
            b.put("drainTimeoutSeconds", Durations.parse(drainTimeout, "--drain-timeout").toSeconds());
        }
        putIfSet(b, "onTimeout", onTimeout);
        putIfSet(b, "ecsAgentVersion", ecsAgentVersion);
        putIfSet(b, "ssmAgentVersion", ssmAgentVersion);
        return b;
    }

    /** {@code mon-fri 22:00-04:00 Europe/Berlin} or {@code sat,sun 00:00-00:00 UTC} as the message's window. */
    static Map<String, Object> window(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 3 || !parts[1].matches("\\d{2}:\\d{2}-\\d{2}:\\d{2}")) {
            throw CliException.usage("--window must look like 'mon-fri 22:00-04:00 Europe/Berlin', not '" + text + "'");
        }
        List<String> days = new ArrayList<>();
        for (String part : parts[0].toLowerCase(Locale.ROOT).split(",")) {
            String[] range = part.split("-");
            int from = DAYS.indexOf(range[0]);
            int to = DAYS.indexOf(range[range.length - 1]);
            if (from < 0 || to < 0 || range.length > 2) {
                throw CliException.usage("--window days are mon..sun, as a list (sat,sun) or a range (mon-fri)");
            }
            for (int d = from; ; d = (d + 1) % 7) {
                days.add(DAYS.get(d));
                if (d == to) {
                    break;
                }
            }
        }
        String[] hours = parts[1].split("-");
        return Map.of("days", days, "start", hours[0], "end", hours[1], "timeZone", parts[2]);
    }

    private static void putIfSet(Map<String, Object> b, String key, Object value) {
        if (value != null) {
            b.put(key, value);
        }
    }
}
