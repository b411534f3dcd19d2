package dev.ecsa.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One function as the synthesized template deploys it: handler, runtime, timeout, memory, log format, role and
 * environment. The environment's values that CloudFormation fills at deploy time ({@code Ref}, {@code Fn::GetAtt},
 * {@code Fn::Join}) are left to the bench, which binds each by variable name ({@link #environment(Map)}).
 *
 * @param logicalId   the template's logical id, e.g. {@code NodeRequest1A2B3C4D}
 * @param role        the logical id of the function's role
 * @param environment the raw {@code Environment.Variables}
 */
public record FunctionSpec(String logicalId, String handler, String runtime, int timeoutSeconds, int memoryMb,
                           String logFormat, String role, Map<String, JsonNode> environment) {

    public FunctionSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(handler, "handler");
        environment = Map.copyOf(environment);
    }

    /** Every {@code AWS::Lambda::Function} of a template. */
    public static List<FunctionSpec> fromTemplate(JsonNode template) {
        List<FunctionSpec> specs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : template.path("Resources").properties()) {
            JsonNode r = e.getValue();
            if (!r.path("Type").asText().equals("AWS::Lambda::Function")) {
                continue;
            }
            JsonNode p = r.path("Properties");
            Map<String, JsonNode> env = new LinkedHashMap<>();
            p.path("Environment").path("Variables").properties().forEach(v -> env.put(v.getKey(), v.getValue()));
            specs.add(new FunctionSpec(e.getKey(), p.path("Handler").asText(), p.path("Runtime").asText(),
                    p.path("Timeout").asInt(3), p.path("MemorySize").asInt(128),
                    p.path("LoggingConfig").path("LogFormat").asText("Text"),
                    p.path("Role").path("Fn::GetAtt").path(0).asText(), env));
        }
        return specs;
    }

    /** The function of a template whose logical id starts with {@code prefix} (NodeRequest, DrainStep, Reconcile). */
    public static FunctionSpec named(JsonNode template, String prefix) {
        return fromTemplate(template).stream().filter(s -> s.logicalId().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the template has no function " + prefix + "*"));
    }

    /** The short name: the logical id without CDK's hash suffix. */
    public String name() {
        return logicalId.replaceAll("[0-9A-F]{8}$", "");
    }

    /**
     * The environment with every deploy-time value bound: a literal is kept as the template has it; a
     * CloudFormation reference takes {@code bindings}' value for that variable.
     *
     * @throws IllegalStateException naming a reference the bench gave no value for
     */
    public Map<String, String> environment(Map<String, String> bindings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : environment.entrySet()) {
            if (e.getValue().isValueNode()) {
                out.put(e.getKey(), e.getValue().asText());
            } else if (bindings.containsKey(e.getKey())) {
                out.put(e.getKey(), bindings.get(e.getKey()));
            } else {
                throw new IllegalStateException(logicalId + "'s variable " + e.getKey() + " is " + e.getValue()
                        + " in the template: the bench needs a value for it");
            }
        }
        return out;
    }

    /**
     * This function as a deployment with other CDK context would have it: each named variable, which the stack sets
     * from a context key (e.g. {@code ecsa:installScriptUrl} to {@code ECSA_INSTALL_SCRIPT_URL}), takes the given
     * value. Only variables the template has can be given.
     */
    public FunctionSpec withContextValues(Map<String, String> values) {
        Map<String, JsonNode> env = new LinkedHashMap<>(environment);
        values.forEach((name, value) -> {
            if (!env.containsKey(name)) {
                throw new IllegalArgumentException(logicalId + " has no variable " + name + " in the template");
            }
            env.put(name, com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
        });
        return new FunctionSpec(logicalId, handler, runtime, timeoutSeconds, memoryMb, logFormat, role, env);
    }

    /** This function with another timeout (a test of the runtime's enforcement; the template's is the rule). */
    public FunctionSpec withTimeoutSeconds(int seconds) {
        return new FunctionSpec(logicalId, handler, runtime, seconds, memoryMb, logFormat, role, environment);
    }
}
