package dev.ecsa.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.reconcile.RepairPause;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.Json;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ecsa repair [status|pause|resume]}: the reconciler's health-gated repair as it stands (paused or not, the
 * nodes it holds in quarantine, the unhealthy nodes and suspended clusters of the last run), and the stack-wide switch
 * that stops it.
 */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Show the reconciler's repair (the stack-wide pause, the nodes it quarantined, the unhealthy "
                + "nodes and suspended clusters of its last run), or pause or resume it. While paused, the "
                + "reconciler still reports unhealthy nodes but neither quarantines nor releases any.",
            "What repair does is configured at deploy time: ecsa:repairQuarantine, ecsa:repairUnhealthyAfterSeconds, "
                + "ecsa:repairMaxUnhealthyPercent (docs/reconcile.md)."})
final class RepairCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "status",
            description = "status (default), pause or resume.")
    String action;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why repair is paused (shown in every finding it "
            + "holds back).")
    String reason;

    @Option(names = "--by", paramLabel = "WHO", description = "Who pauses (default: cli:$USER).")
    String by;

    @Override
    public Integer call() {
        if (!List.of("status", "pause", "resume").contains(action)) {
            throw CliException.usage("unknown repair action '" + action + "': use status, pause or resume");
        }
        if (reason != null && !action.equals("pause")) {
            throw CliException.usage("--reason goes with pause");
        }
        Printer printer = root.printer(output);
        try (Connections connections = root.connect(backend)) {
            switch (action) {
                case "pause" -> {
                    String who = by != null ? by : "cli:" + root.env.getOrDefault("USER", "operator");
                    RepairPause pause = new RepairPause(who, reason, root.clock.instant());
                    connections.call("PutItem (repair pause)", () -> {
                        connections.store().pauseRepair(pause);
                        return null;
                    });
                }
                case "resume" -> connections.call("DeleteItem (repair pause)", () -> {
                    connections.store().resumeRepair();
                    return null;
                });
                default -> {
                }
            }
            Optional<RepairPause> pause = connections.call("GetItem (repair pause)",
                    () -> connections.store().repairPause());
            List<NodeRecord> quarantined = connections.call("Query DRAIN_KEPT",
                    () -> connections.store().listNodesByState(NodeState.DRAIN_KEPT)).stream()
                    .filter(n -> n.health().quarantined()).toList();
            Optional<ReconcileRun> run = connections.call("Query reconcile runs",
                    () -> connections.store().lastReconcileRun());
            List<Finding> findings = run.map(r -> r.findings().stream().filter(f -> f.type()
                    == FindingType.NODE_UNHEALTHY || f.type() == FindingType.REPAIR_SUSPENDED).toList())
                    .orElse(List.of());
            if (printer.structured()) {
                printer.document(json(pause, quarantined, run.orElse(null), findings));
            } else {
                printer.text(text(pause, quarantined, run.orElse(null), findings));
            }
            return ExitCodes.OK;
        }
    }

    private static ObjectNode json(Optional<RepairPause> pause, List<NodeRecord> quarantined, ReconcileRun run,
                                   List<Finding> findings) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("paused", pause.isPresent());
        pause.ifPresent(p -> o.putObject("pause").put("by", p.by()).put("reason", p.reason())
                .put("at", p.at().toString()));
        ArrayNode q = o.putArray("quarantined");
        for (NodeRecord n : quarantined) {
            q.addObject().put("nodeId", n.nodeId()).put("cluster", n.cluster())
                    .put("quarantinedAt", n.health().quarantinedAt().toString())
                    .put("problem", n.health().problem())
                    .put("healthySince", n.health().healthySince() == null ? null
                            : n.health().healthySince().toString());
        }
        if (run != null) {
            o.put("lastRunAt", run.startedAt().toString());
        }
        o.set("findings", Json.mapper().valueToTree(findings));
        return o;
    }

    private static String text(Optional<RepairPause> pause, List<NodeRecord> quarantined, ReconcileRun run,
                               List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        out.append("repair: ").append(pause.map(p -> "PAUSED by " + p.by() + " at " + p.at()
                + (p.reason().isEmpty() ? "" : " (" + p.reason() + ")") + "; resume with: ecsa repair resume")
                .orElse("not paused")).append('\n');
        out.append("quarantined by the repair: ").append(quarantined.isEmpty() ? "none" : quarantined.size())
                .append('\n');
        for (NodeRecord n : quarantined) {
            out.append("  ").append(n.nodeId()).append("  since ").append(n.health().quarantinedAt())
                    .append(n.health().healthySince() == null ? "  still unhealthy"
                            : "  healthy since " + n.health().healthySince()).append('\n');
        }
        if (run == null) {
            out.append("no reconcile run is recorded yet (ecsa reconcile --now runs one)\n");
            return out.toString();
        }
        out.append("last reconcile run ").append(Durations.instant(run.startedAt())).append(": ")
                .append(findings.isEmpty() ? "no unhealthy node" : findings.size() + " finding(s)").append('\n');
        for (Finding f : findings) {
            out.append("  ").append(f.type()).append("  ").append(f.subject()).append("  ").append(f.action())
                    .append(f.actionDetail().isEmpty() ? "" : ": " + f.actionDetail()).append('\n');
        }
        return out.toString();
    }
}
