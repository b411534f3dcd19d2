package dev.ecsa.cli;

import dev.ecsa.core.validation.FieldRules;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa register NODE ...}: sends a register request (every field of the request schema is an option). */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Send a register request: the service joins NODE to SSM and ECS over SSH.",
            "Against the local mode, --address, --port, --ssh-user and --host-key-fingerprint default to the "
                + "simulated host named NODE."})
final class RegisterCommand extends BackendCommand implements Callable<Integer> {

    @Mixin
    SendOptions send;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id (SSM instance name, ECS attribute).")
    String nodeId;

    @Option(names = "--address", paramLabel = "HOST", description = "IP address or DNS name for SSH.")
    String address;

    @Option(names = "--port", paramLabel = "PORT", description = "SSH port (default 22).")
    Integer port;

    @Option(names = "--ssh-user", paramLabel = "USER", description = "SSH user with passwordless sudo.")
    String sshUser;

    @Option(names = "--host-key-fingerprint", paramLabel = "SHA256:...",
            description = "Expected host key; without it the key is pinned on first use.")
    String hostKeyFingerprint;

    @Option(names = "--cluster", paramLabel = "NAME", description = "ECS cluster (default: the stack's).")
    String cluster;

    @Option(names = "--attribute", paramLabel = "NAME=VALUE", description = "ECS attribute (repeatable).")
    Map<String, String> attributes;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tag (repeatable).")
    Map<String, String> tags;

    @Override
    public Integer call() throws Exception {
        checkNodeId(nodeId);
        try (Connections connections = root.connect(backend)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", "register");
            body.put("nodeId", nodeId);
            Backend.LocalHost host = connections.backend().hosts().get(nodeId);
            if (address == null && host != null) {
                address = host.address();
                port = port != null ? port : host.port();
                sshUser = sshUser != null ? sshUser : host.sshUser();
                hostKeyFingerprint = hostKeyFingerprint != null ? hostKeyFingerprint : host.hostKeyFingerprint();
            }
            if (address == null) {
                throw CliException.usage("--address is required" + (connections.backend().hosts().isEmpty() ? ""
                        : " (" + nodeId + " is not a host of the local mode: "
                        + String.join(", ", connections.backend().hosts().keySet()) + ")"));
            }
            body.put("address", address);
            putIfPresent(body, "port", port);
            putIfPresent(body, "sshUser", sshUser);
            putIfPresent(body, "hostKeyFingerprint", hostKeyFingerprint);
            putIfPresent(body, "cluster", cluster);
            putIfPresent(body, "attributes", attributes);
            putIfPresent(body, "tags", tags);
            send.fill(body, root.env);
            return Sending.send(root, connections, body, send, output);
        }
    }

    /** NODE is checked before anything else, so a bad one is not reported as a missing --address. */
    static void checkNodeId(String nodeId) {
        String broken = FieldRules.nodeId(nodeId);
        if (broken != null) {
            throw CliException.usage("NODE " + broken + "; nothing was sent");
        }
    }

    static void putIfPresent(Map<String, Object> body, String field, Object value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
