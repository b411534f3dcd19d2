package dev.ecsa.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.local.Bench;
import dev.ecsa.local.lambda.ContainerCredentials;
import dev.ecsa.local.lambda.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The stack's IAM on a {@link Bench}: every call made with a function role's credentials is authorized against that
 * role's policies from the synthesized template (the simulator's APIs directly, DynamoDB and SQS through an
 * {@link AuthorizingFront} each, Step Functions where {@link #authorizer()} is installed). The template's deploy-time
 * values are bound to the bench's resources: the table, the SSH key secret, the drain state machine
 * ({@code <stack>-drain}) and the hosts' role. Calls signed with any other key pass unchecked (a test's own clients).
 *
 * <p>The functions from the zip get their role's credentials from {@link #credentials()}'s container endpoint; a
 * function run in-process gets them from {@link #roleCredentials(String)}.
 */
public final class BenchIam implements AutoCloseable {

    /** The template file {@code mvn package} of infra-cdk writes. */
    public static final String TEMPLATE = "infra-cdk/target/stack.template.json";
    /** The role the stack creates for the hosts; activations pass it. */
    public static final String ECS_ANYWHERE_ROLE = "EcsaLifecycle-EcsAnywhereRole";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Bench bench;
    private final JsonNode template;
    private final String table;
    private final String region;
    private final String account;
    private final String stackName;
    private final String stateMachineArn;
    private final String rolloutStateMachineArn;
    private final ContainerCredentials credentials;
    private final BenchAuthorizer authorizer;
    private final IamPolicies policies;
    private final AuthorizingFront dynamoFront;
    private final AuthorizingFront sqsFront;

    private BenchIam(Bench bench, JsonNode template, String table) throws IOException {
        this.bench = bench;
        this.template = template;
        this.table = table;
        region = bench.simulator().config().region();
        account = bench.simulator().config().accountId();
        stackName = FunctionSpec.named(template, "NodeRequest").environment().get(FunctionEnvironment.STACK_NAME)
                .asText();
        stateMachineArn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + stackName + "-drain";
        rolloutStateMachineArn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + stackName
                + "-rollout";
        credentials = new ContainerCredentials();
        policies = new IamPolicies(template, region, account, this::resolve);
        authorizer = new BenchAuthorizer(policies, credentials::roleOf, bench.simulator(), region, account);
        AuthorizingFront dynamo = null;
        try {
            dynamo = new AuthorizingFront(bench.dynamo().endpoint(), authorizer);
            sqsFront = new AuthorizingFront(bench.sqs().endpoint(), authorizer);
        } catch (IOException | RuntimeException e) {
            if (dynamo != null) {
                dynamo.close();
            }
            credentials.close();
            throw e;
        }
        dynamoFront = dynamo;
        bench.simulator().authorizeWith(authorizer);
    }

    /**
     * Installs the template's IAM on the bench.
     *
     * @param repoRoot the repository, whose infra-cdk build wrote the template
     * @param table    the inventory table's name on the bench
     */
    public static BenchIam install(Bench bench, Path repoRoot, String table) {
        return installFrom(bench, repoRoot.resolve(TEMPLATE), table);
    }

    /**
     * Installs the IAM of another synthesized template: the stack as deployed with other context (the infra-cdk
     * build writes {@code stack.template.drain-bench.json} with further clusters and the repair's quarantine and
     * restarts on).
     */
    public static BenchIam installFrom(Bench bench, Path file, String table) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build infra-cdk first (./mvnw -pl infra-cdk -am "
                    + "package -DskipTests)");
        }
        try {
            return new BenchIam(bench, JSON.readTree(Files.readString(file)), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a template resource is on the bench: the value CloudFormation would give the deployed stack. */
    private String resolve(String ref) {
        String id = ref.contains(".") ? ref.substring(0, ref.indexOf('.')) : ref;
        String type = template.path("Resources").path(id).path("Type").asText();
        return switch (type) {
            case "AWS::DynamoDB::Table" -> ref.endsWith(".Arn")
                    ? "arn:aws:dynamodb:" + region + ":" + account + ":table/" + table : table;
            case "AWS::SecretsManager::Secret" -> bench.simulator().secretArn(Bench.SSH_KEY_SECRET).orElseThrow();
            case "AWS::StepFunctions::StateMachine" -> template.path("Resources").path(id).path("Metadata")
                    .path("aws:cdk:path").asText("").contains("/RolloutStateMachine/") ? rolloutStateMachineArn
                    : stateMachineArn;
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role/" + ECS_ANYWHERE_ROLE;
            // The bench's queue and DLQ, as ARNs of the bench's account (SQS ARNs end in the queue's name).
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + (template.path("Resources")
                    .path(id).path("Properties").path("QueueName").asText().endsWith("-dlq.fifo")
                    ? bench.queues().dlqName() : bench.queues().queueName());
            // Resources only other roles' policies name (the state machine's invoke of the drain alias).
            default -> "bench:" + ref;
        };
    }

    public JsonNode template() {
        return template;
    }

    /** The stack name the template gives the functions; its policies condition on it (activation tags). */
    public String stackName() {
        return stackName;
    }

    /** The drain workflow's ARN on the bench, {@code <stack>-drain}, as the policies are bound. */
    public String stateMachineArn() {
        return stateMachineArn;
    }

    /** The rollout workflow's ARN on the bench, {@code <stack>-rollout}. */
    public String rolloutStateMachineArn() {
        return rolloutStateMachineArn;
    }

    public String table() {
        return table;
    }

    /** Every decision so far, and the denials; install it on other servers (Step Functions) too. */
    public BenchAuthorizer authorizer() {
        return authorizer;
    }

    /** The container credentials endpoint the zip's functions get their role's credentials from. */
    public ContainerCredentials credentials() {
        return credentials;
    }

    /** DynamoDB as the functions reach it: through the IAM front. */
    public URI dynamoEndpoint() {
        return dynamoFront.endpoint();
    }

    /** SQS as the node-request function's event source mapping reaches it: through the IAM front. */
    public URI sqsEndpoint() {
        return sqsFront.endpoint();
    }

    /**
     * The credentials of a function's role (NodeRequest, DrainStep, Reconcile), for the function run in-process:
     * every call made with them is authorized as that role's.
     */
    public AwsCredentialsProvider roleCredentials(String function) {
        ContainerCredentials.Grant grant = credentials.grant(FunctionSpec.named(template, function).role());
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(grant.accessKeyId(),
                "bench-secret-" + grant.role(), "bench-session-" + grant.role()));
    }

    /**
     * How many calls of each action a function's role made among {@code decisions} (a slice of
     * {@code authorizer().decisions()}): the cost figures of a flow, per action.
     */
    public Map<String, Long> callCounts(String function, List<BenchAuthorizer.Decision> decisions) {
        String role = FunctionSpec.named(template, function).role();
        Map<String, Long> counts = new TreeMap<>();
        decisions.stream().filter(d -> d.role().equals(role)).forEach(d -> counts.merge(d.action(), 1L, Long::sum));
        return counts;
    }

    /** The actions a function's role is allowed by its policies in the template. */
    public Set<String> granted(String function) {
        String role = FunctionSpec.named(template, function).role();
        Set<String> granted = new TreeSet<>();
        policies.of(role).stream().filter(IamPolicies.Statement::allow).forEach(st -> granted.addAll(st.actions()));
        return granted;
    }

    /** The actions of the calls made so far with a function role's credentials that its policies allowed. */
    public Set<String> called(String function) {
        String role = FunctionSpec.named(template, function).role();
        Set<String> called = new TreeSet<>();
        authorizer.decisions().stream().filter(d -> d.role().equals(role) && d.allowed())
                .forEach(d -> called.add(d.action()));
        return called;
    }

    /** The actions a function's role is granted that no call so far has used. */
    public Set<String> grantedNotCalled(String function) {
        Set<String> unused = new TreeSet<>(granted(function));
        unused.removeAll(called(function));
        return unused;
    }

    /**
     * Per function role, which of its granted actions were called so far and which were not (a figure for the
     * evidence that each role is granted what it calls).
     */
    public String coverage() {
        StringBuilder out = new StringBuilder();
        for (String function : List.of("NodeRequest", "DrainStep", "Reconcile")) {
            out.append(function).append(": called ").append(called(function)).append("; granted, not called ")
                    .append(grantedNotCalled(function)).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        bench.simulator().authorizeWith(null);
        sqsFront.close();
        dynamoFront.close();
        credentials.close();
    }
}
