package dev.ecsa.core.validation;

import dev.ecsa.core.model.TargetVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The node request's JSON Schema (2020-12), generated from the validator's own rules ({@link FieldRules},
 * {@link HostAddress}, {@link RequestValidator}'s field sets), so the published schema and the service cannot drift:
 * {@code docs/node-request.schema.json} is this class's output, and a test fails when the file differs.
 *
 * <p>Every pattern uses only the regular-expression syntax that ECMA-262 (which JSON Schema names), Python's
 * {@code re} and Java share: character classes, {@code \\uXXXX} escapes of the Basic Multilingual Plane, bounded
 * repetition and lookahead; no {@code \\p{...}} classes and no astral escapes. What the schema therefore cannot say is
 * listed in its description.
 *
 * <p>Regenerate after changing a rule: {@code ./mvnw -q -pl shared compile && java -cp shared/target/classes
 * dev.ecsa.core.validation.RequestSchema docs/node-request.schema.json}.
 */
public final class RequestSchema {

    private static final String HEX = "[0-9A-Fa-f]{1,4}";
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final String IPV4 = "(" + OCTET + "\\.){3}" + OCTET;

    private RequestSchema() {
    }

    /** Writes the schema to the file named by {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RequestSchema OUTPUT_FILE");
            System.exit(2);
        }
        Files.writeString(Path.of(args[0]), json(), StandardCharsets.UTF_8);
    }

    /** The schema as the JSON text published in docs/node-request.schema.json (two-space indent, final newline). */
    public static String json() {
        StringBuilder out = new StringBuilder();
        write(schema(), 0, out);
        return out.append('\n').toString();
    }

    /** The schema as nested maps and lists. */
    public static Map<String, Object> schema() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://ecsa.dev/schemas/node-request.schema.json");
        root.put("title", "Node request");
        root.put("description", "A message on the node-request FIFO queue (MessageGroupId = nodeId,"
                + " MessageDeduplicationId = requestId). Generated from dev.ecsa.core.validation.FieldRules and"
                + " RequestValidator (RequestSchema), which are authoritative: a message this schema accepts is"
                + " accepted by the service, except for integer strings out of range, requestedBy or reason text"
                + " with unassigned code points, lone surrogates, or private-use or format characters outside the"
                + " Basic Multilingual Plane (the service refuses them; these patterns stay portable), and a cluster the"
                + " stack does not manage (the stack's ecsa:clusters). Unknown fields, and fields of another action,"
                + " are refused. A request rejected as invalid keeps its requestId: send the corrected request with a"
                + " new one.");
        root.put("type", "object");
        root.put("required", List.of("action", "requestId", "nodeId", "requestedBy"));
        root.put("oneOf", List.of(Map.of("$ref", "#/$defs/register"), Map.of("$ref", "#/$defs/deregister"),
                Map.of("$ref", "#/$defs/restart"), Map.of("$ref", "#/$defs/upgrade")));
        Map<String, Object> defs = new LinkedHashMap<>();
        defs.put("register", register());
        defs.put("deregister", deregister());
        defs.put("restart", action("Restart a registered node's ECS and SSM agents over SSH, keeping its identity",
                "restart", common("restart"), List.of()));
        defs.put("upgrade", upgrade());
        defs.put("requestId", text("The producer's id for the request: the SQS deduplication id, the record key and"
                + " the drain workflow's execution name.", FieldRules.REQUEST_ID.pattern()));
        defs.put("nodeId", text("The producer's name for the node: SSM DefaultInstanceName, tag and ECS attribute"
                + " value.", FieldRules.NODE_ID.pattern()));
        defs.put("requestedBy", text("Who asked, for the audit trail: 1-" + FieldRules.MAX_REQUESTED_BY
                + " characters, no control, format, separator or private-use characters.",
                printable(1, FieldRules.MAX_REQUESTED_BY)));
        defs.put("reason", text("Why, for the audit trail: up to " + FieldRules.MAX_REASON + " characters, no"
                + " control, format, separator or private-use characters.", printable(0, FieldRules.MAX_REASON)));
        defs.put("hostKeyFingerprint", text("The host key the service must see, as `ssh-keygen -l -E sha256`"
                + " prints it. On a registration: when absent the key pinned on the node is expected, or the first"
                + " key seen is pinned. On a deregistration, a restart or an upgrade: the key the session expects instead"
                + " of the"
                + " pinned one (the host was reinstalled).", FieldRules.HOST_KEY_FINGERPRINT.pattern()));
        root.put("$defs", defs);
        return root;
    }

    private static Map<String, Object> register() {
        Map<String, Object> p = common("register");
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("description", "Used for SSH only (identity is nodeId): an IPv4 address (no leading zeros), an"
                + " IPv6 address without zone id (no brackets), or a DNS name of at most "
                + HostAddress.MAX_DNS_LENGTH + " characters whose labels are 1-63 letters, digits or '-', not"
                + " starting or ending with '-', without a trailing dot, and whose last label is not all digits.");
        address.put("type", "string");
        address.put("anyOf", List.of(Map.of("pattern", "^" + IPV4 + "$"), Map.of("pattern", ipv6()),
                Map.of("pattern", dnsName())));
        p.put("address", address);
        p.put("port", integerOrDigits("SSH port, 22 when absent. A JSON integer or a string of digits.",
                FieldRules.MIN_PORT, FieldRules.MAX_PORT, 22, 1, 5));
        p.put("sshUser", text("The SSH user; it needs passwordless sudo (the bootstrap runs as `sudo -n bash -s`).",
                FieldRules.SSH_USER.pattern()));
        p.put("cluster", text("The ECS cluster; the stack's default when absent. No leading '-'.",
                FieldRules.CLUSTER.pattern()));
        p.put("attributes", stringMap("Custom ECS attributes for the container instance (written to"
                        + " ECS_INSTANCE_ATTRIBUTES). The service adds ecsa.nodeId itself.", FieldRules.MAX_ATTRIBUTES,
                notStartingWith(FieldRules.RESERVED_ATTRIBUTE_PREFIX, false)
                        + notStartingWith(FieldRules.SERVICE_ATTRIBUTE_PREFIX, false)
                        + unanchored(FieldRules.ATTRIBUTE_NAME.pattern()),
                FieldRules.ATTRIBUTE_VALUE.pattern()));
        p.put("tags", stringMap("Tags for the activation, managed instance and container instance. The service adds"
                        + " ecsa:nodeId, ecsa:requestId and ecsa:stack itself.", FieldRules.MAX_TAGS,
                notStartingWith(FieldRules.RESERVED_TAG_PREFIX, true)
                        + notStartingWith(FieldRules.SERVICE_TAG_PREFIX, true)
                        + unanchored(FieldRules.TAG_KEY.pattern()),
                FieldRules.TAG_VALUE.pattern()));
        return action("Register a node", "register", p, List.of("address", "sshUser"));
    }

    private static Map<String, Object> deregister() {
        return action("Drain and deregister a node", "deregister", drain("deregister", "force (deregister anyway)"),
                List.of());
    }

    private static Map<String, Object> upgrade() {
        Map<String, Object> p = drain("upgrade", "force (upgrade anyway: restarting an agent does not stop tasks)");
        String version = "two to four dot-separated numbers";
        p.put("ecsAgentVersion", text("The ECS agent (amazon-ecs-init) version to reach; the stack's"
                + " ecsa:targetEcsAgentVersion when absent: " + version + ".", "^" + TargetVersions.FORMAT.pattern()
                + "$"));
        p.put("ssmAgentVersion", text("The SSM agent version to reach; the stack's ecsa:targetSsmAgentVersion when"
                + " absent: " + version + ".", "^" + TargetVersions.FORMAT.pattern() + "$"));
        return action("Drain a node, upgrade its ECS and SSM agents in place keeping its identity, and set it ACTIVE"
                + " again", "upgrade", p, List.of());
    }

    /** The properties of an action that drains the node first: the common ones, the drain timeout and policy. */
    private static Map<String, Object> drain(String action, String force) {
        Map<String, Object> p = common(action);
        p.put("drainTimeoutSeconds", integerOrDigits("How long the drain may take before onTimeout decides; the"
                        + " stack's default (600) when absent. A JSON integer or a string of digits.",
                FieldRules.MIN_DRAIN_TIMEOUT_SECONDS, FieldRules.MAX_DRAIN_TIMEOUT_SECONDS, null,
                String.valueOf(FieldRules.MIN_DRAIN_TIMEOUT_SECONDS).length(),
                String.valueOf(FieldRules.MAX_DRAIN_TIMEOUT_SECONDS).length()));
        Map<String, Object> onTimeout = new LinkedHashMap<>();
        onTimeout.put("description", "What happens at the deadline with tasks left: revert (back to ACTIVE, only if"
                + " this drain set DRAINING), " + force + ", keep (stay DRAINING and alert). The stack's"
                + " default (revert) when absent.");
        onTimeout.put("enum", List.of("revert", "force", "keep"));
        p.put("onTimeout", onTimeout);
        return p;
    }

    /** The properties both actions have, in the validator's order. */
    private static Map<String, Object> common(String action) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", Map.of("const", action));
        for (String field : List.of("requestId", "nodeId", "requestedBy", "reason", "hostKeyFingerprint")) {
            p.put(field, Map.of("$ref", "#/$defs/" + field));
        }
        if (!new TreeSet<>(RequestValidator.COMMON_FIELDS).equals(new TreeSet<>(List.of("action", "requestId",
                "nodeId", "requestedBy", "reason", "hostKeyFingerprint")))) {
            throw new IllegalStateException("RequestValidator.COMMON_FIELDS changed: update RequestSchema");
        }
        return p;
    }

    private static Map<String, Object> action(String title, String action, Map<String, Object> properties,
                                              List<String> moreRequired) {
        List<String> required = new ArrayList<>(List.of("action", "requestId", "nodeId", "requestedBy"));
        required.addAll(moreRequired);
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("title", title);
        def.put("type", "object");
        def.put("required", required);
        def.put("additionalProperties", false);
        def.put("properties", properties);
        var own = new TreeSet<>(properties.keySet());
        var expected = new TreeSet<>(RequestValidator.COMMON_FIELDS);
        expected.addAll(switch (action) {
            case "register" -> RequestValidator.REGISTER_FIELDS;
            case "deregister" -> RequestValidator.DEREGISTER_FIELDS;
            case "upgrade" -> java.util.stream.Stream.concat(RequestValidator.DEREGISTER_FIELDS.stream(),
                    RequestValidator.UPGRADE_FIELDS.stream()).collect(java.util.stream.Collectors.toSet());
            default -> java.util.Set.<String>of();
        });
        if (!own.equals(expected)) {
            throw new IllegalStateException("the " + action + " fields changed: update RequestSchema (" + own
                    + " vs " + expected + ")");
        }
        return def;
    }

    private static Map<String, Object> text(String description, String pattern) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", description);
        m.put("type", "string");
        m.put("pattern", pattern);
        return m;
    }

    private static Map<String, Object> integerOrDigits(String description, int min, int max, Integer dflt,
                                                       int minDigits, int maxDigits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", description);
        if (dflt != null) {
            m.put("default", dflt);
        }
        Map<String, Object> integer = new LinkedHashMap<>();
        integer.put("type", "integer");
        integer.put("minimum", min);
        integer.put("maximum", max);
        Map<String, Object> digits = new LinkedHashMap<>();
        digits.put("type", "string");
        digits.put("pattern", "^[0-9]{" + minDigits + "," + maxDigits + "}$");
        m.put("oneOf", List.of(integer, digits));
        return m;
    }

    private static Map<String, Object> stringMap(String description, int max, String keyPattern,
                                                 String valuePattern) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", description);
        m.put("type", "object");
        m.put("maxProperties", max);
        m.put("propertyNames", Map.of("pattern", "^" + keyPattern + "$"));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", "string");
        value.put("pattern", valuePattern);
        m.put("additionalProperties", value);
        return m;
    }

    private static String unanchored(String pattern) {
        return pattern.substring(pattern.startsWith("^") ? 1 : 0,
                pattern.length() - (pattern.endsWith("$") ? 1 : 0));
    }

    /** A lookahead refusing {@code prefix}, in any letter case when {@code anyCase}. */
    private static String notStartingWith(String prefix, boolean anyCase) {
        StringBuilder s = new StringBuilder("(?!");
        for (char c : prefix.toCharArray()) {
            if (anyCase && Character.isLetter(c)) {
                s.append('[').append(Character.toUpperCase(c)).append(Character.toLowerCase(c)).append(']');
            } else if (c == '.') {
                s.append("\\.");
            } else {
                s.append(c);
            }
        }
        return s.append(')').toString();
    }

    /** RFC 4291 text forms as {@link HostAddress#isIpv6} accepts them: 8 units, "::" standing for one or more. */
    private static String ipv6() {
        List<String> forms = new ArrayList<>();
        forms.add("(" + HEX + ":){7}" + HEX);
        forms.add("(" + HEX + ":){6}" + IPV4);
        for (int head = 0; head <= 7; head++) {
            String h = head == 0 ? "" : "(" + HEX + ":){" + (head - 1) + "}" + HEX;
            // "::" stands for at least one group: head + tail <= 7 units.
            int tailMax = 7 - head;
            forms.add(h + "::" + (tailMax == 0 ? "" : "(" + HEX + "(:" + HEX + "){0," + (tailMax - 1) + "})?"));
            if (tailMax >= 2) {
                forms.add(h + "::(" + HEX + ":){0," + (tailMax - 2) + "}" + IPV4);
            }
        }
        return "^(" + String.join("|", forms) + ")$";
    }

    /** RFC 1123 names as {@link HostAddress#isDnsName} accepts them. */
    private static String dnsName() {
        String label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
        return "^(?=.{1," + HostAddress.MAX_DNS_LENGTH + "}$)(?!(.*\\.)?[0-9]+$)" + label + "(\\." + label + ")*$";
    }

    /**
     * Text without the characters {@link FieldRules} refuses in free text, as far as a portable pattern can say it:
     * the Basic Multilingual Plane's control, format, line and paragraph separator and private-use characters, taken
     * from the running JDK's Unicode tables.
     */
    private static String printable(int min, int max) {
        StringBuilder refused = new StringBuilder();
        int start = -1;
        for (int cp = 0; cp <= 0x10000; cp++) {
            boolean bad = cp < 0x10000 && refusedType(Character.getType(cp));
            if (bad && start < 0) {
                start = cp;
            } else if (!bad && start >= 0) {
                refused.append(escape(start));
                if (cp - 1 > start) {
                    refused.append('-').append(escape(cp - 1));
                }
                start = -1;
            }
        }
        return "^[^" + refused + "]{" + min + "," + max + "}$";
    }

    private static boolean refusedType(int type) {
        // Surrogates stay out of the class: an engine without ECMA-262's u flag sees an astral character as two of
        // them, and would refuse an emoji the service accepts. Lone surrogates are in the description's exceptions.
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String escape(int cp) {
        return String.format("\\u%04x", cp);
    }

    // --- a small JSON writer (the domain module has no JSON library) ----------------------------------------------

    private static void write(Object v, int indent, StringBuilder out) {
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                pad(indent + 1, out);
                string((String) e.getKey(), out);
                out.append(": ");
                write(e.getValue(), indent + 1, out);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            pad(indent, out);
            out.append('}');
        } else if (v instanceof List<?> list) {
            boolean simple = list.stream().allMatch(x -> x instanceof String || x instanceof Number);
            if (simple) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    write(list.get(i), indent, out);
                    out.append(i + 1 < list.size() ? ", " : "");
                }
                out.append(']');
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                pad(indent + 1, out);
                write(list.get(i), indent + 1, out);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            pad(indent, out);
            out.append(']');
        } else if (v instanceof String s) {
            string(s, out);
        } else {
            out.append(v);
        }
    }

    private static void pad(int indent, StringBuilder out) {
        out.append("  ".repeat(indent));
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
