package dev.ecsa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides which deployment a command talks to, in this order: {@code --stack} (or {@code ECSA_STACK}): the stack's
 * outputs; otherwise, unless {@code --queue-url}/{@code --table}/{@code --endpoint} name everything needed, the running
 * local mode's state file. Options that name a part directly override what the stack or the local mode says.
 */
final class BackendResolver {

    static final String STATE_FILE = ".ecsa/local.json";

    private final Map<String, String> env;
    private final Path workingDirectory;
    private final Function<Backend, StackOutputs> stacks;
    private final Function<String, Optional<String>> profileRegions;

    /** Reads a deployed stack's outputs (CloudFormation DescribeStacks); a seam only so resolution can be tested. */
    interface StackOutputs {
        Map<String, String> outputs(String stackName);
    }

    /**
     * @param profileRegions the region a named profile configures (the AWS config file), a seam for tests
     */
    BackendResolver(Map<String, String> env, Path workingDirectory, Function<Backend, StackOutputs> stacks,
                    Function<String, Optional<String>> profileRegions) {
        this.env = env;
        this.workingDirectory = workingDirectory;
        this.stacks = stacks;
        this.profileRegions = profileRegions;
    }

    Backend resolve(BackendOptions o) {
        String stack = o.stack != null ? o.stack : blankToNull(env.get("ECSA_STACK"));
        Backend base;
        if (stack != null) {
            base = fromStack(stack, o);
        } else if (o.explicit() && o.stateFile == null) {
            base = new Backend("the given options", false, region(o).orElseThrow(() -> CliException.usage(
                    "no region: give --region, set AWS_REGION, or name a profile that has one")), profile(o),
                    Map.of(), null, null, null, null, null, Map.of());
        } else {
            base = fromStateFile(o);
        }
        return override(base, o);
    }

    private Backend fromStack(String stack, BackendOptions o) {
        String region = region(o).orElseThrow(() -> CliException.usage(
                "no region for stack " + stack + ": give --region, set AWS_REGION, or name a profile that has one"));
        Map<String, URI> endpoints = o.endpoint == null ? Map.of() : Map.of("*", o.endpoint);
        String description = "stack " + stack + " (" + region + ")";
        Backend bare = new Backend(description, false, region, profile(o), endpoints, null, null, null, null, null,
                Map.of());
        Map<String, String> outputs = stacks.apply(bare).outputs(stack);
        return new Backend(description, false, region, profile(o), endpoints, outputs.get("QueueUrl"),
                outputs.get("DlqUrl"), outputs.get("TableName"), outputs.get("StateMachineArn"),
                outputs.get("ReconcileFunction"), Map.of());
    }

    private Backend fromStateFile(BackendOptions o) {
        Path file = stateFile(o).orElseThrow(() -> CliException.unreachable(
                "no local mode is running and no stack was named: start the local mode with ./ecsa local, "
                        + "or name a deployed stack with --stack NAME --region REGION"));
        JsonNode state;
        try {
            state = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw CliException.unreachable("cannot read the local mode's state file " + file + ": " + e.getMessage());
        }
        long pid = state.path("pid").asLong(-1);
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (pid > 0 && !alive) {
            throw CliException.unreachable("the local mode that wrote " + file + " (pid " + pid
                    + ") is not running: start it with ./ecsa local");
        }
        JsonNode endpoints = state.path("endpoints");
        Map<String, URI> map = new HashMap<>();
        endpoints.fields().forEachRemaining(e -> map.put(e.getKey(), URI.create(e.getValue().asText())));
        Map<String, Backend.LocalHost> hosts = new LinkedHashMap<>();
        for (JsonNode h : state.path("hosts")) {
            hosts.put(h.path("nodeId").asText(), new Backend.LocalHost(h.path("nodeId").asText(),
                    h.path("address").asText(), h.path("port").asInt(22), h.path("sshUser").asText(),
                    blankToNull(h.path("hostKeyFingerprint").asText(null))));
        }
        return new Backend("local mode (pid " + pid + ")", true, state.path("region").asText("us-east-1"), null, map,
                text(state, "queueUrl"), text(state, "dlqUrl"), text(state, "tableName"),
                text(state, "stateMachineArn"), text(state, "reconcileFunction"), hosts);
    }

    /** The state file to read: --state-file, ECSA_LOCAL_STATE, ECSA_HOME/.ecsa/local.json, or up from the cwd. */
    Optional<Path> stateFile(BackendOptions o) {
        if (o.stateFile != null) {
            if (!Files.isRegularFile(o.stateFile)) {
                throw CliException.unreachable("no local mode state file at " + o.stateFile
                        + ": is the local mode running (./ecsa local)?");
            }
            return Optional.of(o.stateFile);
        }
        String explicit = blankToNull(env.get("ECSA_LOCAL_STATE"));
        if (explicit != null) {
            Path p = Path.of(explicit);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        String home = blankToNull(env.get("ECSA_HOME"));
        if (home != null) {
            Path p = Path.of(home).resolve(STATE_FILE);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(STATE_FILE);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private Backend override(Backend b, BackendOptions o) {
        Map<String, URI> endpoints = new HashMap<>(b.endpoints());
        if (o.endpoint != null) {
            endpoints.clear();
            endpoints.put("*", o.endpoint);
        }
        return new Backend(b.description(), b.local() && o.endpoint == null,
                o.region != null ? o.region : b.region(), b.profile(), endpoints,
                o.queueUrl != null ? o.queueUrl : b.queueUrlOrNull(),
                b.dlqUrlOrNull(),
                o.table != null ? o.table : b.tableOrNull(),
                o.stateMachineArn != null ? o.stateMachineArn : b.stateMachineArnOrNull(),
                b.reconcileFunctionOrNull(), b.hosts());
    }

    /** --region, AWS_REGION, AWS_DEFAULT_REGION, then the region of the profile (named or default). */
    private Optional<String> region(BackendOptions o) {
        if (o.region != null) {
            return Optional.of(o.region);
        }
        return Optional.ofNullable(blankToNull(env.get("AWS_REGION")))
                .or(() -> Optional.ofNullable(blankToNull(env.get("AWS_DEFAULT_REGION"))))
                .or(() -> profileRegions.apply(profile(o) == null ? "default" : profile(o)));
    }

    /** --profile, else AWS_PROFILE, else none (the SDK's default chain). */
    private String profile(BackendOptions o) {
        return o.profile != null ? o.profile : blankToNull(env.get("AWS_PROFILE"));
    }

    private static String text(JsonNode node, String field) {
        return blankToNull(node.path(field).asText(null));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
