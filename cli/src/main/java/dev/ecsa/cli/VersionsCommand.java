package dev.ecsa.cli;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.state.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ecsa versions}: how many registered nodes run each version of each component. */
@Command(name = "versions", mixinStandardHelpOptions = true,
        description = {"Count the registered nodes per version of each component (ECS agent, ecs-init, SSM agent, "
                + "Docker, platform), as the last registration or reconcile run recorded them, and the nodes the "
                + "last reconcile run found behind the stack's target versions (ecsa:targetEcsAgentVersion, "
                + "ecsa:targetSsmAgentVersion).",
            "Per node: ecsa status -o wide."})
final class VersionsCommand extends BackendCommand implements Callable<Integer> {

    @Option(names = "--cluster", paramLabel = "NAME", description = "Only nodes of this ECS cluster.")
    String cluster;

    @Override
    public Integer call() {
        Printer printer = root.printer(output);
        try (Connections connections = root.connect(backend)) {
            List<NodeState> registered = List.of(NodeState.REGISTERED, NodeState.DRAIN_KEPT);
            List<NodeRecord> nodes = new ArrayList<>(connections.parallel(registered.stream().map(state ->
                    (Supplier<List<NodeRecord>>) () -> connections.call("Query " + state,
                            () -> connections.store().listNodesByState(state))).toList())
                    .stream().flatMap(List::stream).toList());
            if (cluster != null) {
                nodes.removeIf(n -> !cluster.equals(n.cluster()));
            }
            Optional<ReconcileRun> run = connections.call("Query reconcile runs",
                    () -> connections.store().lastReconcileRun());
            List<Finding> behind = run.map(r -> r.findings().stream()
                    .filter(f -> f.type() == FindingType.AGENT_OUTDATED)
                    .filter(f -> cluster == null || cluster.equals(f.cluster())).toList()).orElse(List.of());
            Views.FleetVersions fleet = Views.FleetVersions.of(nodes, run.orElse(null), behind);
            if (printer.structured()) {
                printer.document(Views.versionsJson(fleet));
            } else {
                printer.text(Views.versionsText(fleet, root.clock.instant(), printer));
            }
            return ExitCodes.OK;
        }
    }
}
