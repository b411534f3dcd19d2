package dev.ecsa.functions.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.store.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host behaviour for the in-memory SSH fake that reads the real rendered bootstrap script (its single-quoted
 * assignments), registers through the SSM and ECS fakes the way the install script would, and answers with a real
 * {@code ECSA_RESULT} line. The script's shell logic itself is tested by the host-script tests and the bench ITs.
 */
public final class ScriptedHost implements Function<ScriptRun, InMemoryRemoteHost.Reply> {

    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([A-Z_]+)='([^']*)'\\s*$", Pattern.MULTILINE);

    private final InMemoryHybridActivations activations;
    private final InMemoryContainerInstances containers;
    private final List<String> scripts = new ArrayList<>();

    /** Fail the install, printing the code back everywhere (a host that does not scrub). */
    public boolean failInstallAndLeak;

    public ScriptedHost(InMemoryHybridActivations activations, InMemoryContainerInstances containers) {
        this.activations = activations;
        this.containers = containers;
    }

    /** The rendered values of a script: every {@code NAME='value'} line. */
    public static Map<String, String> values(String script) {
        Map<String, String> v = new LinkedHashMap<>();
        Matcher m = ASSIGNMENT.matcher(script);
        while (m.find()) {
            v.putIfAbsent(m.group(1), m.group(2));
        }
        return v;
    }

    @Override
    public synchronized InMemoryRemoteHost.Reply apply(ScriptRun run) {
        scripts.add(run.script());
        Map<String, String> v = values(run.script());
        String code = v.get("ACTIVATION_CODE");
        Map<String, Object> result = new LinkedHashMap<>();
        if (failInstallAndLeak) {
            result.put("ok", false);
            result.put("step", "install");
            result.put("reason", "INSTALL_FAILED");
            result.put("message", "ecs-anywhere-install.sh exited with status 1 (code " + code + ")");
            result.put("nodeId", v.get("NODE_ID"));
            result.put("findings", List.of());
            result.put("outputTail", "amazon-ssm-agent -register -code " + code + " -id " + v.get("ACTIVATION_ID"));
            return new InMemoryRemoteHost.Reply(3, line(result), "install log with " + code);
        }
        ManagedInstance mi = activations.registerHost(v.get("ACTIVATION_ID"), code, run.target().address());
        ContainerInstance ci = containers.register(v.get("CLUSTER"), mi.instanceId(), Map.of());
        result.put("ok", true);
        result.put("nodeId", v.get("NODE_ID"));
        result.put("managedInstanceId", mi.instanceId());
        result.put("containerInstanceArn", ci.arn());
        result.put("cluster", v.get("CLUSTER"));
        result.put("ecsAgentVersion", "1.90.0");
        result.put("ssmAgentVersion", "3.3.0.0");
        result.put("findings", List.of());
        return new InMemoryRemoteHost.Reply(0, line(result), "ecsa-bootstrap: done");
    }

    /** Every script this host received. */
    public synchronized List<String> scripts() {
        return List.copyOf(scripts);
    }

    private static String line(Map<String, Object> result) {
        try {
            return "Welcome to the host\nECSA_RESULT " + Json.mapper().writeValueAsString(result) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
