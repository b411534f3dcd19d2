package dev.ecsa.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ecsa deregister NODE ...}: sends a deregister request (drain, deregister from ECS and SSM, clean up). */
@Command(name = "deregister", mixinStandardHelpOptions = true,
        description = "Send a deregister request: the service drains NODE, deregisters it from ECS and SSM, and "
                + "cleans the host.")
final class DeregisterCommand extends BackendCommand implements Callable<Integer> {

    @Mixin
    SendOptions send;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String nodeId;

    @Mixin
    DrainOptions drain;

    @Override
    public Integer call() throws Exception {
        RegisterCommand.checkNodeId(nodeId);
        try (Connections connections = root.connect(backend)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", "deregister");
            body.put("nodeId", nodeId);
            drain.fill(body);
            send.fill(body, root.env);
            RequestSender.validate(body);
            Sending.requireKnownNode(connections, nodeId, send, "ecsa status lists the nodes; a node registered by "
                    + "other means is not the service's to remove: docs/migration.md");
            return Sending.send(root, connections, body, send, output);
        }
    }
}
