package dev.ecsa.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.local.sim.Authorizer;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ManagedInstanceView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * IAM for the bench: every call a function makes with the credentials the bench handed it is authorized against its
 * role's policies from the synthesized template, on the resource and with the condition keys AWS authorizes that
 * action with (the Service Authorization Reference: ECS's DeregisterContainerInstance on the cluster, ListTasks on
 * the container instance, CreateActivation on "*" with aws:RequestTag and the iam:PassRole it implies, ...). Calls
 * signed with any other key (a test's own clients) pass unchecked. Every decision is kept for tests.
 */
public final class BenchAuthorizer implements Authorizer {

    /** One authorization: who, what, on which resource, and the answer. */
    public record Decision(String role, String action, String resource, boolean allowed) {
    }

    private final IamPolicies policies;
    private final Function<String, String> roleOfKey;
    private final ControlPlaneSimulator simulator;
    private final String region;
    private final String account;
    private final List<Decision> decisions = new CopyOnWriteArrayList<>();

    /**
     * @param roleOfKey the role (template logical id) whose credentials carry an access key id, or null
     */
    public BenchAuthorizer(IamPolicies policies, Function<String, String> roleOfKey, ControlPlaneSimulator simulator,
                           String region, String account) {
        this.policies = policies;
        this.roleOfKey = roleOfKey;
        this.simulator = simulator;
        this.region = region;
        this.account = account;
    }

    /** Every decision so far. */
    public List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** The denied ones. */
    public List<Decision> denials() {
        return decisions.stream().filter(d -> !d.allowed()).toList();
    }

    @Override
    public Optional<String> denial(String accessKeyId, String target, JsonNode request) {
        String role = roleOfKey.apply(accessKeyId);
        if (role == null) {
            return Optional.empty();
        }
        for (Check check : checks(target, request)) {
            for (String resource : check.resources()) {
                boolean allowed = policies.allows(role, check.action(), resource, check.context());
                decisions.add(new Decision(role, check.action(), resource, allowed));
                if (!allowed) {
                    return Optional.of("User: arn:aws:sts::" + account + ":assumed-role/" + role + "/function is not "
                            + "authorized to perform: " + check.action() + " on resource: " + resource
                            + " because no identity-based policy allows the " + check.action() + " action");
                }
            }
        }
        return Optional.empty();
    }

    private record Check(String action, List<String> resources, Map<String, String> context) {
    }

    private List<Check> checks(String target, JsonNode req) {
        String operation = target.substring(target.indexOf('.') + 1);
        String prefix = target.substring(0, Math.max(0, target.indexOf('.')));
        List<Check> checks = new ArrayList<>();
        switch (prefix) {
            case "AmazonEC2ContainerServiceV20141113" -> checks.add(ecs(operation, req));
            case "AmazonSSM" -> checks.addAll(ssm(operation, req));
            case "secretsmanager" -> checks.add(new Check("secretsmanager:" + operation,
                    List.of(simulator.secretArn(req.path("SecretId").asText()).orElse(req.path("SecretId").asText())),
                    Map.of()));
            case "AWSEvents" -> {
                List<String> buses = new ArrayList<>();
                for (JsonNode entry : req.path("Entries")) {
                    String bus = entry.path("EventBusName").asText("default");
                    buses.add(bus.startsWith("arn:") ? bus : arn("events", "event-bus/" + bus));
                }
                checks.add(new Check("events:" + operation, buses.isEmpty() ? List.of("*") : buses, Map.of()));
            }
            case "AWSStepFunctions" -> checks.add(new Check("states:" + operation, List.of(
                    req.hasNonNull("executionArn") ? req.path("executionArn").asText()
                            : req.path("stateMachineArn").asText("*")), Map.of()));
            case "AmazonSQS" -> {
                // The queue by its URL's last segment (GetQueueUrl names it), in the account and region of the bench.
                String url = req.path("QueueUrl").asText("");
                String name = req.hasNonNull("QueueName") ? req.path("QueueName").asText()
                        : url.substring(url.lastIndexOf('/') + 1);
                // Batch calls are authorized as their single-message action (the SQS developer guide's API
                // permissions: DeleteMessageBatch as DeleteMessage, and so on).
                String action = operation.endsWith("Batch")
                        ? operation.substring(0, operation.length() - "Batch".length()) : operation;
                checks.add(new Check("sqs:" + action, List.of(arn("sqs", name)), Map.of()));
            }
            case "DynamoDB_20120810" -> {
                String table = arn("dynamodb", "table/" + req.path("TableName").asText());
                String resource = req.hasNonNull("IndexName") ? table + "/index/" + req.path("IndexName").asText()
                        : table;
                checks.add(new Check("dynamodb:" + operation, List.of(resource), Map.of()));
            }
            default -> checks.add(new Check(prefix.toLowerCase(Locale.ROOT) + ":" + operation, List.of("*"), Map.of()));
        }
        return checks;
    }

    private Check ecs(String operation, JsonNode req) {
        String cluster = name(req.path("cluster").asText("default"));
        String clusterArn = arn("ecs", "cluster/" + cluster);
        List<String> resources = new ArrayList<>();
        switch (operation) {
            case "ListContainerInstances", "DeregisterContainerInstance" -> resources.add(clusterArn);
            case "DescribeContainerInstances", "UpdateContainerInstancesState" ->
                    req.path("containerInstances").forEach(ci -> resources.add(containerInstance(cluster, ci.asText())));
            case "ListTasks" -> resources.add(req.hasNonNull("containerInstance")
                    ? containerInstance(cluster, req.path("containerInstance").asText()) : clusterArn);
            case "DescribeTasks" -> req.path("tasks").forEach(t -> resources.add(t.asText().startsWith("arn:")
                    ? t.asText() : arn("ecs", "task/" + cluster + "/" + t.asText())));
            default -> resources.add("*");
        }
        return new Check("ecs:" + operation, resources, Map.of("ecs:cluster", clusterArn));
    }

    private List<Check> ssm(String operation, JsonNode req) {
        List<Check> checks = new ArrayList<>();
        switch (operation) {
            case "CreateActivation" -> {
                Map<String, String> context = new HashMap<>();
                for (JsonNode tag : req.path("Tags")) {
                    context.put(("aws:RequestTag/" + tag.path("Key").asText()).toLowerCase(Locale.ROOT),
                            tag.path("Value").asText());
                }
                checks.add(new Check("ssm:CreateActivation", List.of("*"), context));
                // Assigning a role to the activation passes it to SSM.
                checks.add(new Check("iam:PassRole", List.of("arn:aws:iam::" + account + ":role/"
                        + req.path("IamRole").asText()), Map.of("iam:passedtoservice", "ssm.amazonaws.com")));
            }
            case "DeregisterManagedInstance" -> {
                String id = req.path("InstanceId").asText();
                Map<String, String> context = new HashMap<>();
                simulator.managedInstance(id).map(ManagedInstanceView::tags).orElse(Map.of()).forEach((k, v) ->
                        context.put(("ssm:resourceTag/" + k).toLowerCase(Locale.ROOT), v));
                checks.add(new Check("ssm:DeregisterManagedInstance", List.of(arn("ssm", "managed-instance/" + id)),
                        context));
            }
            case "GetCalendarState" -> {
                // Authorized on each calendar's document (Service Authorization Reference, SSM).
                List<String> documents = new ArrayList<>();
                req.path("CalendarNames").forEach(c -> documents.add(c.asText().startsWith("arn:") ? c.asText()
                        : arn("ssm", "document/" + c.asText())));
                checks.add(new Check("ssm:GetCalendarState", documents, Map.of()));
            }
            default -> checks.add(new Check("ssm:" + operation, List.of("*"), Map.of()));
        }
        return checks;
    }

    private String containerInstance(String cluster, String idOrArn) {
        return idOrArn.startsWith("arn:") ? idOrArn : arn("ecs", "container-instance/" + cluster + "/" + idOrArn);
    }

    private static String name(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    }

    private String arn(String service, String resource) {
        // SQS ARNs end in the queue's name; the others in type/name.
        return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource;
    }
}
