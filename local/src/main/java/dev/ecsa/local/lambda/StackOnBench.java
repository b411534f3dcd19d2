package dev.ecsa.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.local.Bench;
import dev.ecsa.local.Resources;
import dev.ecsa.local.iam.BenchIam;
import dev.ecsa.local.sfn.ExecutionOptions;
import dev.ecsa.local.sfn.LocalStepFunctions;
import dev.ecsa.local.sfn.StepFunctionsEmulator;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The stack as it deploys, on a {@link Bench}: the synthesized template's three functions run from the deployment
 * zip under the Lambda-faithful runtime ({@link LambdaFunction}), each with its role's credentials from the container
 * endpoint; IAM enforced on every call they make (the simulator's APIs, Step Functions, and DynamoDB through an
 * {@link AuthorizingFront}) against the template's policies; the drain workflow's synthesized definition on the
 * local interpreter, its Tasks invoking the DrainStep function. The functions' environment is the template's, with
 * the values CloudFormation fills at deploy time bound to the bench's resources, and context values where a deploy
 * would pass {@code -c ecsa:...}: the install script is the bench's stand-in over HTTPS pinned by its SHA-256 (the
 * zip ships AWS's signing key, which did not sign the stand-in).
 */
public final class StackOnBench implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StackOnBench.class);

    /** The drain workflow's definition, written next to it. */
    public static final String DEFINITION = "infra-cdk/target/drain-workflow.asl.json";
    /** The rollout workflow's definition, as the infra-cdk build writes it beside the drain's. */
    public static final String ROLLOUT_DEFINITION = "infra-cdk/target/rollout-workflow.asl.json";
    /** The deployment zip. */
    public static final String ZIP = "functions/target/ecsa-functions-lambda.zip";
    /** The runtime interface client and its dependencies, copied by the local module's build. */
    public static final String RUNTIME_LIBS = "local/target/lambda-runtime";

    /**
     * @param repoRoot      the repository (the template, the zip, the runtime jars, the node tools)
     * @param workDir       where the functions' task roots are unpacked
     * @param table         the inventory table's name (the bench creates it as the stack does)
     * @param contextValues variables as a deploy with other context sets them, applied to each function that has
     *                      the variable (e.g. {@code ECSA_DRAIN_TIMEOUT_SECONDS} for {@code ecsa:drainTimeoutSeconds})
     * @param retryPause    every Retry pause of the drain workflow (the stack's are 5 s doubling); null: as defined
     * @param template      the synthesized template, relative to the repository: the default stack's, or a variant
     *                      the infra-cdk build wrote with other context
     */
    public record Options(Path repoRoot, Path workDir, String table, Map<String, String> contextValues,
                          Duration retryPause, String template) {

        public Options {
            contextValues = Map.copyOf(contextValues);
            java.util.Objects.requireNonNull(template, "template");
        }

        public static Options of(Path repoRoot, Path workDir, String table) {
            return new Options(repoRoot, workDir, table, Map.of(), Duration.ofSeconds(1), BenchIam.TEMPLATE);
        }

        public Options withContextValues(Map<String, String> values) {
            return new Options(repoRoot, workDir, table, values, retryPause, template);
        }

        /** The stack as the infra-cdk build synthesized it with other context ({@code stack.template.*.json}). */
        public Options withTemplate(String relativePath) {
            return new Options(repoRoot, workDir, table, contextValues, retryPause, relativePath);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Resources resources = new Resources();
    private final List<LambdaFunction> extra = new CopyOnWriteArrayList<>();
    private final Resources mappings = new Resources();
    private final Bench bench;
    private final Options options;
    private final JsonNode template;
    private final String region;
    private final String account;
    private final BenchIam iam;
    private final StepFunctionsEmulator stepFunctions;
    private final LambdaFunction.Setup setup;
    private final Map<String, String> bindings;
    private final Map<String, String> platform;
    private final LambdaFunction nodeRequest;
    private final FunctionEnvironments nodeRequests;
    private final LambdaFunction drainStep;
    private final LambdaFunction reconcile;
    private final LambdaFunction rolloutStep;

    private StackOnBench(Bench bench, Options options) {
        this.bench = bench;
        this.options = options;
        try {
            Path root = options.repoRoot();
            required(root.resolve(ZIP));
            iam = track(BenchIam.installFrom(bench, root.resolve(options.template()), options.table()));
            template = iam.template();
            region = bench.simulator().config().region();
            account = bench.simulator().config().accountId();
            LocalStepFunctions interpreter = track(LocalStepFunctions.launch(root));
            stepFunctions = track(StepFunctionsEmulator.start(interpreter));
            stepFunctions.authorizeWith(iam.authorizer());

            String sim = bench.simulator().endpoint().toString();
            // The platform's part: where the AWS APIs are, through the SDK's own endpoint variables.
            platform = Map.of(
                    "AWS_ENDPOINT_URL_DYNAMODB", iam.dynamoEndpoint().toString(),
                    "AWS_ENDPOINT_URL_SSM", sim,
                    "AWS_ENDPOINT_URL_ECS", sim,
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", sim,
                    "AWS_ENDPOINT_URL_EVENTBRIDGE", sim,
                    "AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString(),
                    "AWS_ENDPOINT_URL_SQS", iam.sqsEndpoint().toString());
            // What CloudFormation fills in at deploy time; everything else is the template's own text.
            bindings = Map.of(
                    FunctionEnvironment.TABLE_NAME, options.table(),
                    FunctionEnvironment.SSH_KEY_SECRET, Bench.SSH_KEY_SECRET,
                    FunctionEnvironment.ECS_ANYWHERE_ROLE, BenchIam.ECS_ANYWHERE_ROLE,
                    FunctionEnvironment.DRAIN_STATE_MACHINE_ARN, iam.stateMachineArn(),
                    FunctionEnvironment.ROLLOUT_STATE_MACHINE_ARN, iam.rolloutStateMachineArn(),
                    FunctionEnvironment.REQUEST_QUEUE_URL, bench.queues().queueUrl());
            setup = new LambdaFunction.Setup(root.resolve(ZIP), root.resolve(RUNTIME_LIBS), options.workDir(), region,
                    account);

            Map<String, String> context = new LinkedHashMap<>();
            context.put(FunctionEnvironment.INSTALL_SCRIPT_URL, bench.installScriptHttpsUrl().toString());
            context.put(FunctionEnvironment.INSTALL_SCRIPT_SHA256, bench.installScriptSha256());
            // Agent upgrades fetch from the bench's package repository, signed by the bench's key: a mirror, as a
            // deployment names one with -c ecsa:agentPackageUrl=... and its key.
            context.put(FunctionEnvironment.AGENT_PACKAGE_URL, bench.agentPackageBaseUrl().toString());
            context.put(FunctionEnvironment.AGENT_PACKAGE_SIGNING_KEY, java.util.Base64.getEncoder().encodeToString(
                    bench.signingKey().armoredPublicKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            context.put(FunctionEnvironment.AGENT_PACKAGE_KEY_FINGERPRINTS, bench.signingKey().fingerprint());
            context.putAll(options.contextValues());
            checkContextNames(context.keySet());
            // The three environments start side by side: each init (and SnapStart's restore) takes a few seconds.
            CompletableFuture<LambdaFunction> nr = CompletableFuture.supplyAsync(() -> start("NodeRequest", context));
            CompletableFuture<LambdaFunction> ds = CompletableFuture.supplyAsync(() -> start("DrainStep", context));
            CompletableFuture<LambdaFunction> rc = CompletableFuture.supplyAsync(() -> start("Reconcile", context));
            CompletableFuture<LambdaFunction> ro = CompletableFuture.supplyAsync(() -> start("RolloutStep", context));
            nodeRequest = join(nr);
            drainStep = join(ds);
            reconcile = join(rc);
            rolloutStep = join(ro);
            // More environments of the node-request function start as the mapping's concurrency needs them.
            nodeRequests = track(new FunctionEnvironments(nodeRequest, () -> start("NodeRequest", context),
                    mappingConcurrency(template)));

            ExecutionOptions timing = new ExecutionOptions(null, Map.of(), options.retryPause(), Map.of());
            stepFunctions.register(iam.stateMachineArn(), LocalStepFunctions.readDefinition(root.resolve(DEFINITION)),
                    drainStep.asTaskHandler(), timing);
            stepFunctions.register(iam.rolloutStateMachineArn(), LocalStepFunctions.readDefinition(
                    required(root.resolve(ROLLOUT_DEFINITION))), rolloutStep.asTaskHandler(), timing);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the stack's functions on the bench and installs IAM on it.
     *
     * @throws IllegalStateException if the template or the zip has not been built
     */
    public static StackOnBench start(Bench bench, Options options) {
        return new StackOnBench(bench, options);
    }

    private static Path required(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build it first (./mvnw -pl functions,infra-cdk -am "
                    + "package -DskipTests), or use ./ecsa local, which does");
        }
        return file;
    }

    private void checkContextNames(Set<String> names) {
        Set<String> known = new HashSet<>();
        FunctionSpec.fromTemplate(template).forEach(s -> known.addAll(s.environment().keySet()));
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("no function of the template has the variable " + name);
            }
        }
    }

    private LambdaFunction start(String function, Map<String, String> context) {
        FunctionSpec spec = FunctionSpec.named(template, function);
        Map<String, String> own = new HashMap<>();
        context.forEach((name, value) -> {
            if (spec.environment().containsKey(name)) {
                own.put(name, value);
            }
        });
        return LambdaFunction.start(spec.withContextValues(own), setup, bindings, platform, iam.credentials());
    }

    private static LambdaFunction join(CompletableFuture<LambdaFunction> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Another environment of one of the template's functions (a test's variant: other bindings, another timeout),
     * with the same credentials, platform and IAM; closed with the stack.
     */
    public LambdaFunction startVariant(FunctionSpec spec, Map<String, String> bindingOverrides) {
        Map<String, String> b = new HashMap<>(bindings);
        b.putAll(bindingOverrides);
        LambdaFunction fn = LambdaFunction.start(spec, setup, b, platform, iam.credentials());
        extra.add(fn);
        return fn;
    }

    /**
     * A function from another zip (or the stack's), started under {@code launcher} (e.g. {@code taskset -c 1}), with
     * the stack's bindings, platform, credentials and IAM: what bin/bench-coldstart measures. Closed with the stack.
     */
    public LambdaFunction startFrom(Path zip, FunctionSpec spec, List<String> launcher) {
        LambdaFunction fn = LambdaFunction.start(spec, setup.with(zip, launcher), bindings, platform,
                iam.credentials());
        extra.add(fn);
        return fn;
    }

    /**
     * One of the template's functions with none of the bench's AWS endpoints: every AWS API has its real name, which
     * the function's JVM cannot resolve (nothing but the bench is reachable), as in a VPC with no route out and no
     * endpoints. Its init must still succeed.
     */
    public LambdaFunction startUnconnected(FunctionSpec spec) {
        LambdaFunction fn = LambdaFunction.start(spec, setup, bindings, Map.of(), iam.credentials());
        extra.add(fn);
        return fn;
    }

    public JsonNode template() {
        return template;
    }

    /** The stack's IAM on the bench: its decisions, the roles' credentials. */
    public BenchIam iam() {
        return iam;
    }

    /** The node-request function's first environment: the one every invocation gets while they come one by one. */
    public LambdaFunction nodeRequest() {
        return nodeRequest;
    }

    /** All the node-request function's environments, up to the mapping's maximum concurrency. */
    public FunctionEnvironments nodeRequests() {
        return nodeRequests;
    }

    /**
     * The event source mapping's maximum concurrency in the template ({@code ScalingConfig.MaximumConcurrency}): how
     * many batches the mapping hands the function at once.
     */
    static int mappingConcurrency(JsonNode template) {
        for (JsonNode resource : template.path("Resources")) {
            if (resource.path("Type").asText().equals("AWS::Lambda::EventSourceMapping")) {
                int max = resource.path("Properties").path("ScalingConfig").path("MaximumConcurrency").asInt(0);
                if (max > 0) {
                    return max;
                }
            }
        }
        throw new IllegalStateException("the template's event source mapping sets no MaximumConcurrency");
    }

    public LambdaFunction drainStep() {
        return drainStep;
    }

    public LambdaFunction reconcile() {
        return reconcile;
    }

    /** The stack's name as the template gives it to the functions (activation tags, the state machine's name). */
    public String stackName() {
        return iam.stackName();
    }

    /**
     * Shortens every Wait of both workflows to {@code wait} (a drain's checks and a rollout's polls), keeping their
     * Retry pauses: for tests that run many drains and rollouts on real time.
     */
    public void shortenWaits(Duration wait) {
        Path root = options.repoRoot();
        ExecutionOptions timing = new ExecutionOptions(wait, Map.of(), options.retryPause(), Map.of());
        stepFunctions.register(iam.stateMachineArn(), LocalStepFunctions.readDefinition(root.resolve(DEFINITION)),
                drainStep.asTaskHandler(), timing);
        stepFunctions.register(iam.rolloutStateMachineArn(), LocalStepFunctions.readDefinition(
                root.resolve(ROLLOUT_DEFINITION)), rolloutStep.asTaskHandler(), timing);
    }

    /** The rollout workflow on the bench. */
    public String rolloutStateMachineArn() {
        return iam.rolloutStateMachineArn();
    }

    /** The rollout function's environment (its log is the function's log stream). */
    public LambdaFunction rolloutStep() {
        return rolloutStep;
    }

    public String stateMachineArn() {
        return iam.stateMachineArn();
    }

    public StepFunctionsEmulator stepFunctions() {
        return stepFunctions;
    }

    public String table() {
        return options.table();
    }

    /** Invokes the reconciler as its EventBridge schedule does (a Scheduled Event, whose id is the run id). */
    public LambdaFunction.Invocation reconcileNow() {
        return reconcile.invoke(scheduledEvent());
    }

    /** The event the stack's reconcile schedule sends (EventBridge's Scheduled Event). */
    public String scheduledEvent() {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event").put("source", "aws.events").put("account", account)
                .put("region", region).put("time", java.time.Instant.now().toString());
        event.putArray("resources").add("arn:aws:events:" + region + ":" + account + ":rule/" + iam.stackName()
                + "-reconcile");
        event.putObject("detail");
        return event.toString();
    }

    /**
     * The node-request function behind an SQS event-source poller, as the stack's event source mapping invokes it:
     * each batch as an SQS event, the response's {@code batchItemFailures} the messages to retry, and a function
     * error (a crash, a timeout) failing the whole batch until the queue's visibility timeout brings it back.
     */
    public SqsEventSourcePoller.BatchHandler nodeRequestConsumer() {
        return batch -> {
            LambdaFunction.Invocation result = nodeRequests.invoke(sqsEvent(batch));
            Set<String> failed = new HashSet<>();
            if (!result.ok()) {
                // A crash or a timeout: Lambda leaves the batch to the queue's visibility timeout.
                throw new SqsEventSourcePoller.FunctionError("the node-request function failed a batch of "
                        + batch.size() + ": " + result.errorType());
            }
            JSON.readTree(result.body()).path("batchItemFailures")
                    .forEach(f -> failed.add(f.path("itemIdentifier").asText()));
            if (!failed.isEmpty()) {
                LOG.info("the node-request function asked for {} of {} messages again", failed.size(), batch.size());
            }
            return failed;
        };
    }

    /**
     * The stack's event source mapping on the bench: polls the bench's queue through the SQS IAM front with the
     * NodeRequest role's credentials (its SQS grants are checked as the mapping's are), batch size 1, up to the
     * mapping's maximum concurrency at once (one per message group: the FIFO queue holds a group's next message
     * back), and hands each batch to {@link #nodeRequestConsumer()}. Stopped first when the stack closes.
     *
     * @param retryDelay how soon a message the function failed comes back (SQS's visibility timeout decides on AWS,
     *                   which would make a retry on the bench take minutes)
     */
    public SqsEventSourcePoller startEventSourceMapping(Duration retryDelay) {
        SdkHttpClient http = mappings.track(UrlConnectionHttpClient.create());
        SqsClient sqs = mappings.track(SqsClient.builder()
                .endpointOverride(iam.sqsEndpoint())
                .region(Region.of(region))
                .credentialsProvider(iam.roleCredentials("NodeRequest"))
                .httpClient(http)
                .build());
        return mappings.track(SqsEventSourcePoller.start(sqs, SqsEventSourcePoller.Settings.of(
                bench.queues().queueUrl()).withBatchSize(1).withRetryDelay(retryDelay)
                .withConcurrency(nodeRequests.limit()), nodeRequestConsumer()));
    }

    /** A batch as the event source mapping delivers it to the function (the Lambda SQS event's JSON). */
    public String sqsEvent(List<Message> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                messageAttributes.putObject(a.getKey()).put("stringValue", a.getValue().stringValue())
                        .put("dataType", a.getValue().dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", bench.queues().queueArn());
            r.put("awsRegion", region);
        }
        return event.toString();
    }

    /** Stops the functions, the Step Functions emulator and the IAM front; the bench itself stays up. */
    @Override
    public void close() {
        mappings.close();
        extra.forEach(LambdaFunction::close);
        for (LambdaFunction fn : new LambdaFunction[] {nodeRequest, drainStep, reconcile, rolloutStep}) {
            if (fn != null) {
                fn.close();
            }
        }
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }
}
