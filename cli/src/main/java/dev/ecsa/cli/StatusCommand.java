package dev.ecsa.cli;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.DynamoDbNodeStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa status [NODE]}: the nodes as the inventory records them. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show every node (a table), or one node in full (every field, its last request and last "
                + "error).",
            "Filters: --state (repeatable), --cluster, --attribute (repeatable). -o wide adds the address, agent "
                + "versions, attributes and last error."})
final class StatusCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE", description = "Only this node, in full.")
    String nodeId;

    @Option(names = "--state", paramLabel = "STATE", split = ",",
            description = "Only nodes in these states (repeatable or comma-separated): ${COMPLETION-CANDIDATES}.")
    Set<NodeState> states;

    @Option(names = "--cluster", paramLabel = "NAME", description = "Only nodes of this ECS cluster.")
    String cluster;

    @Option(names = "--attribute", paramLabel = "NAME=VALUE",
            description = "Only nodes whose last registration set this ECS attribute (repeatable: all must match).")
    Map<String, String> attributes;

    @Override
    public Integer call() {
        Printer printer = root.printer(output);
        try (Connections connections = root.connect(backend)) {
            DynamoDbNodeStore store = connections.store();
            List<NodeRecord> nodes = new ArrayList<>();
            if (nodeId != null) {
                nodes.add(connections.call("GetItem " + nodeId, () -> store.getNode(nodeId)).orElseThrow(
                        () -> CliException.notFound("no node " + nodeId + " is recorded in "
                                + connections.backend().description() + " (ecsa status lists the nodes)")));
            } else {
                // One Query per state on the byState index, at once: the table is never scanned.
                Set<NodeState> wanted = states == null || states.isEmpty() ? EnumSet.allOf(NodeState.class) : states;
                nodes.addAll(connections.parallel(wanted.stream().map(state -> (Supplier<List<NodeRecord>>)
                        () -> connections.call("Query " + state, () -> store.listNodesByState(state))).toList())
                        .stream().flatMap(List::stream).toList());
                if (cluster != null) {
                    nodes.removeIf(n -> !cluster.equals(n.cluster()));
                }
                if (attributes != null) {
                    nodes.removeIf(n -> !n.attributes().entrySet().containsAll(attributes.entrySet()));
                }
                nodes.sort(Comparator.comparing(NodeRecord::nodeId));
            }
            List<Optional<RequestRecord>> lasts = connections.parallel(nodes.stream().map(n ->
                    (Supplier<Optional<RequestRecord>>) () -> n.lastRequestId() == null ? Optional.empty()
                            : connections.call("GetItem " + n.lastRequestId(), () -> store.getRequest(n.lastRequestId())))
                    .toList());
            List<Views.NodeView> views = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                views.add(new Views.NodeView(nodes.get(i), lasts.get(i)));
            }
            Instant now = root.clock.instant();
            if (printer.structured()) {
                printer.document(Views.statusJson(views, now));
            } else if (nodeId != null) {
                printer.text(Views.nodeDetail(views.get(0), now, printer));
            } else if (views.isEmpty()) {
                printer.text("no nodes" + (states != null || cluster != null || attributes != null ? " match"
                        : " recorded") + " in "
                        + connections.backend().description() + "\n");
            } else {
                printer.text(Views.statusTable(views, now, printer));
            }
            return ExitCodes.OK;
        }
    }
}
