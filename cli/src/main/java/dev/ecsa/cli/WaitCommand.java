package dev.ecsa.cli;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ecsa wait NODE --for state=REGISTERED [--timeout 10m]}: blocks until the node is in a state, as kubectl wait. */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {"Wait until NODE is in one of the given states (kubectl wait style), for scripts.",
            "Exits 0 when it is, 1 when the node settles in another state after the wait began (REGISTRATION_FAILED "
                + "while waiting for REGISTERED: no point waiting on), 6 at --timeout. A node not recorded yet is "
                + "waited for (its register request may still be queued)."})
final class WaitCommand implements Callable<Integer> {

    @ParentCommand
    EcsaCli root;

    @Mixin
    BackendOptions backend;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String nodeId;

    @Option(names = "--for", paramLabel = "state=STATE[,STATE...]", required = true,
            description = "The states to wait for, e.g. state=REGISTERED or state=DEREGISTERED,DRAIN_KEPT.")
    String condition;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Give up after this long: 90s, 10m, 1h, or seconds (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000", hidden = true,
            description = "Poll interval in milliseconds.")
    long intervalMillis;

    @Override
    public Integer call() throws InterruptedException {
        Set<NodeState> wanted = parseCondition(condition);
        Duration limit = Durations.parse(timeout, "--timeout");
        if (intervalMillis < 50) {
            throw CliException.usage("--interval must be at least 50 ms");
        }
        RegisterCommand.checkNodeId(nodeId);
        Printer printer = root.printer(null);
        try (Connections connections = root.connect(backend)) {
            Instant start = root.clock.instant();
            while (true) {
                Optional<NodeRecord> node = connections.call("GetItem " + nodeId,
                        () -> connections.store().getNode(nodeId));
                Instant now = root.clock.instant();
                if (node.isPresent()) {
                    NodeRecord n = node.get();
                    if (wanted.contains(n.state())) {
                        printer.text(n.nodeId() + " is " + printer.state(n.state().name()) + " (waited "
                                + Durations.precise(Duration.between(start, now)) + ")\n");
                        return ExitCodes.OK;
                    }
                    if (!n.state().isBusy() && n.updatedAt().isAfter(start)) {
                        String error = n.lastError() == null ? "" : ": " + n.lastError().reason() + ": "
                                + n.lastError().message();
                        printer.text(n.nodeId() + " settled in " + printer.state(n.state().name()) + ", not "
                                + names(wanted) + error + "\n");
                        return ExitCodes.REQUEST_FAILED;
                    }
                }
                if (Duration.between(start, now).compareTo(limit) >= 0) {
                    throw new CliException(ExitCodes.WATCH_TIMED_OUT, nodeId + " is "
                            + node.map(n -> n.state().name()).orElse("not recorded") + ", not " + names(wanted)
                            + ", after " + Durations.precise(limit));
                }
                Thread.sleep(intervalMillis);
            }
        }
    }

    /** {@code state=REGISTERED} or {@code state=DEREGISTERED,DRAIN_KEPT} (any case). */
    static Set<NodeState> parseCondition(String condition) {
        String prefix = "state=";
        if (!condition.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            throw CliException.usage("--for takes state=STATE (for example state=REGISTERED), not '" + condition + "'");
        }
        Set<NodeState> states = EnumSet.noneOf(NodeState.class);
        for (String name : condition.substring(prefix.length()).split(",")) {
            try {
                states.add(NodeState.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--for: no state " + name.trim() + "; the states are "
                        + names(EnumSet.allOf(NodeState.class)));
            }
        }
        return states;
    }

    private static String names(Set<NodeState> states) {
        return String.join("|", states.stream().map(Enum::name).toList());
    }
}
