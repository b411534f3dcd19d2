package dev.ecsa.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa upgrade NODE ...}: sends an upgrade request (drain, upgrade the agents in place, ACTIVE again). */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Send an upgrade request: the service drains NODE, upgrades its ECS agent and SSM agent in "
                + "place over SSH (verified packages, the previous ones put back if an agent fails), checks that both "
                + "report the new versions under the same managed instance and container instance, and sets it ACTIVE "
                + "again. Without versions, the stack's targets (ecsa:targetEcsAgentVersion, "
                + "ecsa:targetSsmAgentVersion) apply.")
final class UpgradeCommand extends BackendCommand implements Callable<Integer> {

    @Mixin
    SendOptions send;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id.")
    String nodeId;

    @Option(names = "--ecs-agent-version", paramLabel = "VERSION",
            description = "The ECS agent (amazon-ecs-init) version to reach, e.g. 1.90.0.")
    String ecsAgentVersion;

    @Option(names = "--ssm-agent-version", paramLabel = "VERSION",
            description = "The SSM agent version to reach, e.g. 3.3.1957.0.")
    String ssmAgentVersion;

    @Mixin
    DrainOptions drain;

    @Override
    public Integer call() throws Exception {
        RegisterCommand.checkNodeId(nodeId);
        try (Connections connections = root.connect(backend)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", "upgrade");
            body.put("nodeId", nodeId);
            RegisterCommand.putIfPresent(body, "ecsAgentVersion", ecsAgentVersion);
            RegisterCommand.putIfPresent(body, "ssmAgentVersion", ssmAgentVersion);
            drain.fill(body);
            send.fill(body, root.env);
            RequestSender.validate(body);
            Sending.requireKnownNode(connections, nodeId, send, "ecsa status lists the nodes");
            return Sending.send(root, connections, body, send, output);
        }
    }
}
