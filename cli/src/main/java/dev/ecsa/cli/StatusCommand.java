package dev.ecsa.cli;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.DynamoDbNodeStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ecsa status [NODE]}: the nodes as the inventory records them. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every node (or one): state, cluster, managed instance, container instance, last outcome "
                + "and how long it has been in its state.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    EcsaCli root;

    @Mixin
    BackendOptions backend;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE", description = "Only this node.")
    String nodeId;

    @Override
    public Integer call() {
        try (Connections connections = root.connect(backend)) {
            DynamoDbNodeStore store = connections.store();
            List<NodeRecord> nodes = new ArrayList<>();
            if (nodeId != null) {
                nodes.add(connections.call("GetItem " + nodeId, () -> store.getNode(nodeId)).orElseThrow(
                        () -> CliException.notFound("no node " + nodeId + " is recorded in "
                                + connections.backend().description())));
            } else {
                // One Query per state on the byState index: the table is never scanned.
                for (NodeState state : NodeState.values()) {
                    nodes.addAll(connections.call("Query " + state, () -> store.listNodesByState(state)));
                }
                nodes.sort(Comparator.comparing(NodeRecord::nodeId));
            }
            List<Views.NodeView> views = new ArrayList<>();
            for (NodeRecord n : nodes) {
                Optional<RequestRecord> last = n.lastRequestId() == null ? Optional.empty()
                        : connections.call("GetItem " + n.lastRequestId(), () -> store.getRequest(n.lastRequestId()));
                views.add(new Views.NodeView(n, last));
            }
            PrintWriter out = root.spec.commandLine().getOut();
            Instant now = root.clock.instant();
            if (output.json) {
                out.println(Views.write(nodeId != null ? Views.nodeJson(views.get(0), now)
                        : Views.statusJson(views, now), true));
            } else if (views.isEmpty()) {
                out.println("no nodes recorded in " + connections.backend().description());
            } else {
                out.print(Views.statusTable(views, now));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
