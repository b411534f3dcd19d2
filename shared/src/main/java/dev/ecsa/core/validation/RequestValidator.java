package dev.ecsa.core.validation;

import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.UpgradeRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Turns a decoded but untyped request (the JSON object as a {@code Map}, as any JSON library produces it) into a
 * {@link NodeRequest}, or lists every rule it breaks. It never throws on bad input and never stops at the first
 * problem: a producer learns everything wrong with a message from one rejection.
 *
 * <p>Unknown fields are violations, so a misspelt optional field ({@code hostkeyFingerprint}) is not silently
 * ignored; fields that only make sense for registration are refused on a deregistration for the same reason.
 */
public final class RequestValidator {

    /** Fields common to every action (a restart has only these). */
    public static final Set<String> COMMON_FIELDS =
            Set.of("action", "requestId", "nodeId", "requestedBy", "reason", "hostKeyFingerprint");
    /** Fields only a registration may carry. */
    public static final Set<String> REGISTER_FIELDS =
            Set.of("address", "port", "sshUser", "cluster", "attributes", "tags");
    /** Fields only a deregistration (or an upgrade, which drains too) may carry. */
    public static final Set<String> DEREGISTER_FIELDS = Set.of("drainTimeoutSeconds", "onTimeout");
    /** Fields only an upgrade may carry (besides the drain's). */
    public static final Set<String> UPGRADE_FIELDS = Set.of("ecsAgentVersion", "ssmAgentVersion");

    /** Field names echoed in violations must themselves be harmless in logs. */
    private static final Pattern PRINTABLE_KEY = Pattern.compile("^[A-Za-z0-9_.:/=+@-]{1,128}$");

    private RequestValidator() {
    }

    /** Validates {@code raw} with no restriction on the cluster; {@code null} is treated as an empty object. */
    public static ValidationResult validate(Map<String, ?> raw) {
        return validate(raw, Set.of());
    }

    /**
     * Validates {@code raw}; a register request may name only one of {@code managedClusters} (empty: any). The
     * stack's IAM grants and the reconciler cover exactly those clusters: a host sent elsewhere would join, fail
     * verification with AccessDenied, and spend its activation.
     */
    public static ValidationResult validate(Map<String, ?> raw, Set<String> managedClusters) {
        Map<String, ?> in = raw == null ? Map.of() : raw;
        List<Violation> out = new ArrayList<>();

        Action action = null;
        Object rawAction = in.get("action");
        if (rawAction == null) {
            out.add(new Violation("action", FieldRules.REQUIRED));
        } else if (!(rawAction instanceof String s) || Action.fromWireName(s).isEmpty()) {
            out.add(new Violation("action", "must be one of register, deregister, restart, upgrade"));
        } else {
            action = Action.fromWireName(s).orElseThrow();
        }

        String requestId = requiredText(in, "requestId", FieldRules::requestId, out);
        String nodeId = requiredText(in, "nodeId", FieldRules::nodeId, out);
        String requestedBy = requiredText(in, "requestedBy", FieldRules::requestedBy, out);
        String reason = optionalText(in, "reason", FieldRules::reason, out);
        String fingerprint = optionalText(in, "hostKeyFingerprint", FieldRules::hostKeyFingerprint, out);

        checkUnknownFields(in, action, out);

        NodeRequest request = null;
        if (action == Action.REGISTER) {
            String address = requiredText(in, "address", FieldRules::address, out);
            Long port = optionalInteger(in, "port", FieldRules::port, out);
            String sshUser = requiredText(in, "sshUser", FieldRules::sshUser, out);
            String cluster = optionalText(in, "cluster", FieldRules::cluster, out);
            if (cluster != null && !managedClusters.isEmpty() && !managedClusters.contains(cluster)) {
                out.add(new Violation("cluster", "must be a cluster this stack manages ("
                        + String.join(", ", new java.util.TreeSet<>(managedClusters)) + ")"));
            }
            Map<String, String> attributes = stringMap(in, "attributes", FieldRules.MAX_ATTRIBUTES,
                    FieldRules::attributeName, FieldRules::attributeValue, out);
            Map<String, String> tags = stringMap(in, "tags", FieldRules.MAX_TAGS,
                    FieldRules::tagKey, FieldRules::tagValue, out);
            if (out.isEmpty()) {
                request = new RegisterRequest(requestId, nodeId, address,
                        port == null ? RegisterRequest.DEFAULT_PORT : port.intValue(), sshUser, fingerprint, cluster,
                        attributes, tags, requestedBy, reason);
            }
        } else if (action == Action.DEREGISTER || action == Action.UPGRADE) {
            Long timeout = optionalInteger(in, "drainTimeoutSeconds", FieldRules::drainTimeoutSeconds, out);
            TimeoutPolicy policy = null;
            Object rawPolicy = in.get("onTimeout");
            if (rawPolicy != null) {
                if (rawPolicy instanceof String s && TimeoutPolicy.fromWireName(s).isPresent()) {
                    policy = TimeoutPolicy.fromWireName(s).orElseThrow();
                } else {
                    out.add(new Violation("onTimeout", "must be one of revert, force, keep"));
                }
            }
            Integer seconds = timeout == null ? null : timeout.intValue();
            if (action == Action.DEREGISTER && out.isEmpty()) {
                request = new DeregisterRequest(requestId, nodeId, seconds, policy, requestedBy, reason, fingerprint);
            } else if (action == Action.UPGRADE) {
                String ecs = optionalText(in, "ecsAgentVersion", FieldRules::agentVersion, out);
                String ssm = optionalText(in, "ssmAgentVersion", FieldRules::agentVersion, out);
                if (out.isEmpty()) {
                    request = new UpgradeRequest(requestId, nodeId, ecs, ssm, seconds, policy, requestedBy, reason,
                            fingerprint);
                }
            }
        } else if (action == Action.RESTART && out.isEmpty()) {
            request = new RestartRequest(requestId, nodeId, requestedBy, reason, fingerprint);
        }
        return request != null ? ValidationResult.valid(request)
                : ValidationResult.invalid(out, requestId, nodeId, action);
    }

    private static void checkUnknownFields(Map<String, ?> in, Action action, List<Violation> out) {
        int index = 0;
        for (String key : in.keySet()) {
            index++;
            if (COMMON_FIELDS.contains(key)) {
                continue;
            }
            boolean register = REGISTER_FIELDS.contains(key);
            boolean deregister = DEREGISTER_FIELDS.contains(key);
            boolean upgrade = UPGRADE_FIELDS.contains(key);
            if (!register && !deregister && !upgrade) {
                out.add(new Violation(safeName(key, "field #" + index), "is not a known field"));
            } else if (action != null && action != Action.DEREGISTER && action != Action.UPGRADE && deregister) {
                out.add(new Violation(key, "is only allowed when action is deregister or upgrade"));
            } else if (action != null && action != Action.UPGRADE && upgrade) {
                out.add(new Violation(key, "is only allowed when action is upgrade"));
            } else if (action != null && action != Action.REGISTER && register) {
                out.add(new Violation(key, "is only allowed when action is register"));
            }
        }
    }

    /** A required string field checked by {@code rule}; its violation, if any, goes to {@code out}. */
    public static String requiredText(Map<String, ?> in, String field, UnaryOperator<String> rule,
                                      List<Violation> out) {
        if (in.get(field) == null) {
            out.add(new Violation(field, FieldRules.REQUIRED));
            return null;
        }
        return optionalText(in, field, rule, out);
    }

    /** An optional string field checked by {@code rule}; absent is {@code null}, a violation goes to {@code out}. */
    public static String optionalText(Map<String, ?> in, String field, UnaryOperator<String> rule,
                                      List<Violation> out) {
        Object v = in.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            out.add(new Violation(field, "must be a string"));
            return null;
        }
        String broken = rule.apply(s);
        if (broken != null) {
            out.add(new Violation(field, broken));
            return null;
        }
        return s;
    }

    /** A JSON integer (any integral number type) or a string of decimal digits. */
    private static Long optionalInteger(Map<String, ?> in, String field, LongFunction<String> rule,
                                        List<Violation> out) {
        Object v = in.get(field);
        if (v == null) {
            return null;
        }
        Long n = asLong(v);
        // Not an integer at all: report the range rule, which already says "must be an integer from … to …".
        String broken = rule.apply(n == null ? Long.MIN_VALUE : n);
        if (broken != null) {
            out.add(new Violation(field, broken));
            return null;
        }
        return n;
    }

    private static Long asLong(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
            }
            if (v instanceof String s && s.matches("[0-9]{1,9}")) {
                return Long.parseLong(s);
            }
        } catch (ArithmeticException e) {
            return null; // out of range or fractional: reported as the field's rule
        }
        return null;
    }

    private static Map<String, String> stringMap(Map<String, ?> in, String field, int maxEntries,
                                                 UnaryOperator<String> keyRule, UnaryOperator<String> valueRule,
                                                 List<Violation> out) {
        Object v = in.get(field);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            out.add(new Violation(field, "must be an object of string values"));
            return Map.of();
        }
        if (map.size() > maxEntries) {
            out.add(new Violation(field, "must have at most " + maxEntries + " entries"));
        }
        Map<String, String> result = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            index++;
            String fallback = field + "[#" + index + "]";
            if (!(e.getKey() instanceof String key)) {
                out.add(new Violation(fallback, "key must be a string"));
                continue;
            }
            String keyBroken = keyRule.apply(key);
            String name = keyBroken == null ? field + "." + key : safeName(key, fallback, field + ".");
            if (keyBroken != null) {
                out.add(new Violation(name, "name " + keyBroken));
            }
            if (!(e.getValue() instanceof String value)) {
                out.add(new Violation(name, "value must be a string"));
                continue;
            }
            String valueBroken = valueRule.apply(value);
            if (valueBroken != null) {
                out.add(new Violation(name, "value " + valueBroken));
            }
            if (keyBroken == null && valueBroken == null) {
                result.put(key, value);
            }
        }
        return result;
    }

    private static String safeName(String key, String fallback) {
        return safeName(key, fallback, "");
    }

    /** The key itself when it is harmless to print, else a positional name: violations end up in logs. */
    private static String safeName(String key, String fallback, String prefix) {
        return PRINTABLE_KEY.matcher(key).matches() ? prefix + key : fallback;
    }
}
