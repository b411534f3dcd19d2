package dev.ecsa.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.infra.TemplateValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The identity policies of a synthesized template's roles, with CloudFormation's intrinsics resolved to the bench's
 * values, and their evaluation as IAM does it for identity policies alone: a call is allowed when an Allow statement
 * matches its action (wildcards), one of its resources (wildcards) and all of its conditions, and no Deny matches.
 * Conditions: {@code StringEquals} and {@code StringLike} on the keys the service's calls carry.
 */
public final class IamPolicies {

    /** One statement, resolved. */
    public record Statement(boolean allow, List<String> actions, List<String> resources,
                            Map<String, Map<String, List<String>>> conditions) {
    }

    private final Map<String, List<Statement>> byRole = new HashMap<>();

    /**
     * @param template the synthesized template
     * @param resolve  the bench's value of a {@code Ref} or {@code Fn::GetAtt ... Arn} to a template resource, by
     *                 logical id (pseudo parameters are resolved with {@code region} and {@code account})
     */
    public IamPolicies(JsonNode template, String region, String account, Function<String, String> resolve) {
        TemplateValues values = new TemplateValues(region, account, resolve);
        for (Map.Entry<String, JsonNode> e : template.path("Resources").properties()) {
            JsonNode r = e.getValue();
            if (!r.path("Type").asText().equals("AWS::IAM::Policy")) {
                continue;
            }
            List<Statement> statements = new ArrayList<>();
            for (JsonNode st : r.path("Properties").path("PolicyDocument").path("Statement")) {
                statements.add(new Statement(!"Deny".equals(st.path("Effect").asText()),
                        values.values(st.path("Action")), values.values(st.path("Resource")),
                        conditions(st.path("Condition"), values)));
            }
            for (JsonNode role : r.path("Properties").path("Roles")) {
                byRole.computeIfAbsent(role.path("Ref").asText(), k -> new ArrayList<>()).addAll(statements);
            }
        }
    }

    /** The statements attached to a role (its logical id). */
    public List<Statement> of(String role) {
        return List.copyOf(byRole.getOrDefault(role, List.of()));
    }

    /** Whether {@code role} may do {@code action} on {@code resource} with these request context values. */
    public boolean allows(String role, String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (Statement st : of(role)) {
            if (matchesAny(st.actions(), action, true) && matchesAny(st.resources(), resource, false)
                    && conditionsHold(st.conditions(), context)) {
                if (!st.allow()) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    private static boolean conditionsHold(Map<String, Map<String, List<String>>> conditions,
                                          Map<String, String> context) {
        for (Map.Entry<String, Map<String, List<String>>> op : conditions.entrySet()) {
            for (Map.Entry<String, List<String>> key : op.getValue().entrySet()) {
                String value = context.get(key.getKey().toLowerCase(Locale.ROOT));
                boolean ok = switch (op.getKey()) {
                    case "StringEquals" -> value != null && key.getValue().contains(value);
                    case "StringLike" -> value != null && key.getValue().stream().anyMatch(p -> glob(p, false)
                            .matcher(value).matches());
                    default -> false; // an operator the bench does not know never grants
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matchesAny(List<String> patterns, String value, boolean ignoreCase) {
        return patterns.stream().anyMatch(p -> glob(p, ignoreCase).matcher(value).matches());
    }

    private static Pattern glob(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }

    private static Map<String, Map<String, List<String>>> conditions(JsonNode node, TemplateValues values) {
        Map<String, Map<String, List<String>>> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> op : node.properties()) {
            Map<String, List<String>> keys = new HashMap<>();
            for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                keys.put(key.getKey().toLowerCase(Locale.ROOT), values.values(key.getValue()));
            }
            out.put(op.getKey(), keys);
        }
        return out;
    }
}
