package dev.ecsa.cli;

import dev.ecsa.core.model.RequestRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa history NODE}: the node's requests, newest first, with their steps and timings. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show a node's requests, newest first, each with its steps: offset from receipt, result, "
                + "duration and detail.")
final class HistoryCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String nodeId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "At most N requests (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw CliException.usage("--limit must be at least 1");
        }
        try (Connections connections = root.connect(backend)) {
            List<RequestRecord> requests = connections.call("Query history of " + nodeId,
                    () -> connections.store().history(nodeId, limit));
            if (requests.isEmpty() && connections.call("GetItem " + nodeId,
                    () -> connections.store().getNode(nodeId)).isEmpty()) {
                throw CliException.notFound("no node " + nodeId + " is recorded in "
                        + connections.backend().description());
            }
            Printer printer = root.printer(output);
            if (printer.structured()) {
                printer.document(Views.historyJson(nodeId, requests));
            } else {
                printer.text(Views.historyText(nodeId, requests));
            }
            return ExitCodes.OK;
        }
    }
}
