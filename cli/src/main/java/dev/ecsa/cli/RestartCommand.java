package dev.ecsa.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa restart NODE}: sends a restart request (the node's agents restarted over SSH, its identity kept). */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Send a restart request: the service restarts NODE's ECS and SSM agents over SSH (nothing "
                + "installed, nothing registered) and checks that both report connected again under the same managed "
                + "instance and container instance.")
final class RestartCommand extends BackendCommand implements Callable<Integer> {

    @Mixin
    SendOptions send;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String nodeId;

    @Option(names = "--host-key-fingerprint", paramLabel = "SHA256:...",
            description = "The host's new key, when it was reinstalled since it registered: the session expects it "
                    + "instead of the pinned one.")
    String hostKeyFingerprint;

    @Override
    public Integer call() throws Exception {
        RegisterCommand.checkNodeId(nodeId);
        try (Connections connections = root.connect(backend)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", "restart");
            body.put("nodeId", nodeId);
            RegisterCommand.putIfPresent(body, "hostKeyFingerprint", hostKeyFingerprint);
            send.fill(body, root.env);
            RequestSender.validate(body);
            Sending.requireKnownNode(connections, nodeId, send, "ecsa status lists the nodes");
            return Sending.send(root, connections, body, send, output);
        }
    }
}
