package dev.ecsa.local.mode;

import dev.ecsa.core.contract.FunctionEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.functions.DrainStepHandler;
import dev.ecsa.functions.FunctionsConfig;
import dev.ecsa.functions.Json;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.drain.DrainSteps;
import dev.ecsa.functions.dynamo.DynamoDbNodeStore;
import dev.ecsa.functions.dynamo.InventoryTable;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.Bench;
import dev.ecsa.local.Resources;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sfn.ExecutionOptions;
import dev.ecsa.local.sfn.LocalStepFunctions;
import dev.ecsa.local.sfn.StepFunctionsEmulator;
import dev.ecsa.local.sfn.TaskHandler;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sqs.FifoQueueSpec;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole service on one machine (DESIGN.md §5): the {@link Bench} (simulator, ElasticMQ, dynalite, simulated hosts),
 * the inventory table, the production adapters pointed at it, the drain workflow's synthesized definition on the
 * local interpreter behind the Step Functions API with its Task states bound to {@link DrainStepHandler}, the
 * node-request function behind a Lambda-like SQS event-source poller (batch size 1, partial batch failures, the
 * queue's visibility timeout, redrive to the DLQ after 5 receives), the reconcile schedule, and a seeder that gives
 * every registered node a service task. {@link #stateFile()} tells the CLI where everything listens.
 *
 * <p>Start with {@link #start}; {@link #close()} stops everything in reverse order and removes the state file.
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

    /** The inventory table's name in the local mode. */
    public static final String TABLE = "ecsa-local-inventory";
    /** The stack name the local functions believe they run in (activation tags, the state machine's name). */
    public static final String STACK = "ecsa-local";
    /** The drain workflow, as the stack names it ({@code <stack>-drain}). */
    public static final String STATE_MACHINE_NAME = STACK + "-drain";
    /** Where {@code mvn package} of infra-cdk writes the drain workflow's definition. */
    public static final String DEFINITION = "infra-cdk/target/drain-workflow.asl.json";
    /** The node-request function's timeout in the stack, the budget each local invocation gets. */
    static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(15);
    private static final String CREDENTIAL = "local";

    private final LocalModeSettings settings;
    private final Resources resources = new Resources();
    private final Bench bench;
    private final LocalAdapters adapters;
    private final StepFunctionsEmulator stepFunctions;
    private final String stateMachineArn;
    private final Optional<SqsEventSourcePoller> poller;
    private final Optional<LocalWiring.ReconcileRun> reconciler;
    private final ScheduledExecutorService scheduler;
    private final TaskSeeder seeder;
    private final AtomicReference<String> lastReconcile = new AtomicReference<>();
    private final Instant startedAt = Instant.now();

    private LocalMode(LocalModeSettings settings, LocalWiring wiring) {
        this.settings = settings;
        try {
            List<HostConfig> hostConfigs = new ArrayList<>();
            for (int i = 1; i <= settings.hosts(); i++) {
                hostConfigs.add(HostConfig.builder("node-" + i).build());
            }
            FifoQueueSpec queueSpec = FifoQueueSpec.named("node-requests")
                    .withMaxReceiveCount(FifoQueueSpec.DEFAULT_MAX_RECEIVE_COUNT)
                    .withVisibilityTimeout(settings.visibilityTimeout());
            bench = track(Bench.start(SimulatorConfig.defaults(), hostConfigs, queueSpec));
            String region = bench.simulator().config().region();
            String account = bench.simulator().config().accountId();

            AwsClients simulatorClients = track(clients(region, bench.simulator().endpoint()));
            AwsClients dynamoClients = track(clients(region, bench.dynamo().endpoint()));
            InventoryTable.ensure(dynamoClients.dynamoDb(), TABLE, Duration.ofSeconds(30));

            LocalStepFunctions interpreter = track(LocalStepFunctions.launch(settings.repoRoot()));
            stepFunctions = track(StepFunctionsEmulator.start(interpreter));
            AwsClients sfnClients = track(clients(region, stepFunctions.endpoint()));
            stateMachineArn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + STATE_MACHINE_NAME;

            FunctionsConfig config = FunctionsConfig.from(environment(settings, stateMachineArn));
            Clock clock = Clock.systemUTC();
            DynamoDbNodeStore store = new DynamoDbNodeStore(dynamoClients.dynamoDb(), TABLE,
                    config.requestRetention(), clock);
            adapters = new LocalAdapters(config, store,
                    new SsmHybridActivations(simulatorClients.ssm(), config.ecsAnywhereRole(), config.stackName()),
                    new SsmManagedInstances(simulatorClients.ssm()),
                    new EcsContainerInstances(simulatorClients.ecs()),
                    new SshjRemoteHost(),
                    new SecretsManagerSecretSource(simulatorClients.secretsManager()),
                    new EventBridgeEventPublisher(simulatorClients.eventBridge(), config.eventBus()),
                    new SfnDrainWorkflow(sfnClients.sfn(), stateMachineArn),
                    clock, settings.drainTimeout(), queueSpec.maxReceiveCount(), bench);

            registerDrainWorkflow(settings);

            SdkHttpClient sqsHttp = track(UrlConnectionHttpClient.create());
            SqsClient sqs = track(SqsClient.builder()
                    .endpointOverride(bench.sqs().endpoint())
                    .region(Region.of(region))
                    .credentialsProvider(credentials())
                    .httpClient(sqsHttp)
                    .build());
            poller = wiring.nodeRequests().map(factory -> track(SqsEventSourcePoller.start(sqs,
                    SqsEventSourcePoller.Settings.of(bench.queues().queueUrl())
                            .withBatchSize(1)
                            .withRetryDelay(settings.retryDelay()),
                    new SqsLambdaBridge(factory.apply(adapters), bench.queues().queueArn(), region,
                            STACK + "-node-requests", FUNCTION_TIMEOUT))));
            reconciler = wiring.reconcile().map(factory -> factory.apply(adapters));

            scheduler = Executors.newScheduledThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "local-mode-schedule");
                thread.setDaemon(true);
                return thread;
            });
            resources.track(() -> {
                scheduler.shutdownNow();
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            });
            seeder = new TaskSeeder(bench.simulator(), store, bench.hosts().stream().map(h -> h.config().name()).toList());
            scheduler.scheduleWithFixedDelay(this::seed, 1, 1, TimeUnit.SECONDS);
            reconciler.ifPresent(r -> scheduler.scheduleAtFixedRate(this::scheduledReconcile,
                    settings.reconcileInterval().toMillis(), settings.reconcileInterval().toMillis(),
                    TimeUnit.MILLISECONDS));

            writeStateFile();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts everything and writes the state file.
     *
     * @throws IllegalStateException if the drain workflow's definition has not been synthesized (build infra-cdk)
     */
    public static LocalMode start(LocalModeSettings settings, LocalWiring wiring) {
        return new LocalMode(settings, wiring);
    }

    /** Starts with the functions this build provides ({@link LocalWiring#standard()}). */
    public static LocalMode start(LocalModeSettings settings) {
        return start(settings, LocalWiring.standard());
    }

    private void registerDrainWorkflow(LocalModeSettings settings) {
        Path file = settings.repoRoot().resolve(DEFINITION);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build infra-cdk first (./mvnw -pl infra-cdk -am "
                    + "package -DskipTests), or use ./ecsa local, which does");
        }
        JsonNode definition = LocalStepFunctions.readDefinition(file);
        DrainStepHandler drain = new DrainStepHandler(new DrainSteps(adapters.store(), adapters.containerInstances(),
                adapters.managedInstances(), adapters.remoteHost(), adapters.secrets(), adapters.events(),
                adapters.clock(), DrainSteps.settings(adapters.config())));
        // Waits come from the definition ($.pollSeconds = the configured poll); Retry pauses (5 s doubling in the
        // stack) are cut to a second so a retried step does not dominate a demo.
        ExecutionOptions options = new ExecutionOptions(null, Map.of(), Duration.ofSeconds(1), Map.of());
        stepFunctions.register(stateMachineArn, definition,
                TaskHandler.stream((in, out) -> drain.handleRequest(in, out, null)), options);
    }

    /** The environment the stack would give the functions, with the bench's endpoints and pins. */
    private Map<String, String> environment(LocalModeSettings s, String drainArn) {
        Map<String, String> env = new HashMap<>();
        env.put(FunctionEnvironment.STACK_NAME, STACK);
        env.put(FunctionEnvironment.TABLE_NAME, TABLE);
        env.put(FunctionEnvironment.CLUSTER, Bench.CLUSTER);
        env.put(FunctionEnvironment.EVENT_BUS, "default");
        env.put(FunctionEnvironment.SSH_KEY_SECRET, Bench.SSH_KEY_SECRET);
        env.put(FunctionEnvironment.INSTALL_SCRIPT_URL, bench.installScriptUrl().toString());
        env.put(FunctionEnvironment.INSTALL_SCRIPT_SHA256, bench.installScriptSha256());
        env.put(FunctionEnvironment.INSTALL_SCRIPT_GPG_FINGERPRINT, bench.signingKey().fingerprint());
        env.put(FunctionEnvironment.REGISTRATION_BUDGET_SECONDS, "300");
        env.put(FunctionEnvironment.DRAIN_TIMEOUT_SECONDS, Long.toString(s.drainTimeout().toSeconds()));
        env.put(FunctionEnvironment.DRAIN_POLL_SECONDS, Long.toString(s.drainPoll().toSeconds()));
        env.put(FunctionEnvironment.ON_DRAIN_TIMEOUT, "revert");
        env.put(FunctionEnvironment.DRAIN_STATE_MACHINE_ARN, drainArn);
        return env;
    }

    private void seed() {
        try {
            seeder.seedOnce();
        } catch (RuntimeException e) {
            LOG.warn("placing service tasks failed; trying again in a second: {}", e.toString());
        }
    }

    private void scheduledReconcile() {
        try {
            reconcileNow();
        } catch (Exception e) {
            LOG.warn("scheduled reconcile failed: {}", e.toString());
        }
    }

    /**
     * Runs the reconciler now, as the schedule does.
     *
     * @return its summary
     * @throws IllegalStateException if this build has no reconciler
     */
    public String reconcileNow() throws Exception {
        LocalWiring.ReconcileRun run = reconciler.orElseThrow(
                () -> new IllegalStateException("this build has no reconcile function"));
        String summary = run.run();
        lastReconcile.set(summary);
        return summary;
    }

    /** The seeder of service tasks (the demo waits for it). */
    TaskSeeder seeder() {
        return seeder;
    }

    /** Whether a reconciler is wired. */
    public boolean hasReconciler() {
        return reconciler.isPresent();
    }

    /** Whether the node-request function is wired (registrations and deregistrations are consumed). */
    public boolean consumesRequests() {
        return poller.isPresent();
    }

    public Bench bench() {
        return bench;
    }

    public LocalAdapters adapters() {
        return adapters;
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public URI stepFunctionsEndpoint() {
        return stepFunctions.endpoint();
    }

    public Path stateFile() {
        return settings.stateFile();
    }

    public LocalModeSettings settings() {
        return settings;
    }

    /** The poller's counts (batches, succeeded, failed), if the node-request function is wired. */
    public Optional<SqsEventSourcePoller.Stats> pollerStats() {
        return poller.map(SqsEventSourcePoller::stats);
    }

    /**
     * What the state file holds: the endpoints, queue, table and state machine, and the simulated hosts (no secret).
     * The CLI reads it; docs/local-mode.md describes it.
     */
    public ObjectNode describe() {
        ObjectMapper mapper = Json.mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("version", 1);
        root.put("pid", ProcessHandle.current().pid());
        root.put("startedAt", startedAt.toString());
        root.put("region", bench.simulator().config().region());
        ObjectNode endpoints = root.putObject("endpoints");
        endpoints.put("sqs", bench.sqs().endpoint().toString());
        endpoints.put("dynamodb", bench.dynamo().endpoint().toString());
        endpoints.put("stepfunctions", stepFunctions.endpoint().toString());
        endpoints.put("simulator", bench.simulator().endpoint().toString());
        root.put("queueUrl", bench.queues().queueUrl());
        root.put("dlqUrl", bench.queues().dlqUrl());
        root.put("tableName", TABLE);
        root.put("stateMachineArn", stateMachineArn);
        root.put("cluster", Bench.CLUSTER);
        root.put("drainTimeoutSeconds", settings.drainTimeout().toSeconds());
        root.put("drainPollSeconds", settings.drainPoll().toSeconds());
        ArrayNode hosts = root.putArray("hosts");
        for (SimulatedHost host : bench.hosts()) {
            hosts.addObject()
                    .put("nodeId", host.config().name())
                    .put("address", host.address())
                    .put("port", host.port())
                    .put("sshUser", Bench.SSH_USER)
                    .put("hostKeyFingerprint", host.hostKeyFingerprint());
        }
        return root;
    }

    private void writeStateFile() {
        Path file = settings.stateFile();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "local", ".tmp");
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(describe()));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        resources.track(this::removeStateFile);
    }

    /** Removes the state file if it is still this process's (another local mode may have replaced it). */
    private void removeStateFile() throws IOException {
        Path file = settings.stateFile();
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode content = Json.mapper().readTree(file.toFile());
        if (content.path("pid").asLong() == ProcessHandle.current().pid()
                && content.path("startedAt").asText().equals(startedAt.toString())) {
            Files.deleteIfExists(file);
        }
    }

    /** The banner {@code ./ecsa local} prints: where each part listens and how to use the CLI. */
    public String banner() {
        StringBuilder b = new StringBuilder();
        b.append("ecsa local mode is running (pid ").append(ProcessHandle.current().pid()).append(")\n\n");
        row(b, "SQS (ElasticMQ)", bench.sqs().endpoint() + "  queue " + bench.queues().queueName()
                + ", DLQ " + bench.queues().dlqName() + " after " + adapters.maxReceives() + " receives");
        row(b, "DynamoDB (dynalite)", bench.dynamo().endpoint() + "  table " + TABLE);
        row(b, "ECS/SSM simulator", bench.simulator().endpoint() + "  cluster " + Bench.CLUSTER
                + " (also Secrets Manager, EventBridge)");
        row(b, "Step Functions", stepFunctions.endpoint() + "  " + stateMachineArn);
        row(b, "drain", "poll " + settings.drainPoll().toSeconds() + " s, deadline "
                + settings.drainTimeout().toSeconds() + " s (the stack: 15 s and 10 min)");
        row(b, "node requests", poller.isPresent() ? "consumed by NodeRequestHandler (batch 1, partial failures)"
                : "NOT consumed: this build has no node-request function");
        row(b, "reconcile", reconciler.isPresent() ? "every " + settings.reconcileInterval().toSeconds() + " s"
                : "not scheduled: this build has no reconcile function");
        for (SimulatedHost host : bench.hosts()) {
            row(b, "host " + host.config().name(), Bench.SSH_USER + "@" + host.address() + ":" + host.port()
                    + "  " + host.hostKeyFingerprint());
        }
        b.append("\nEndpoints for the CLI: ").append(settings.stateFile()).append("\n\n");
        b.append("Try, in another terminal:\n");
        b.append("  ./ecsa register node-1        # address, port, user and host key come from the local mode\n");
        b.append("  ./ecsa watch <requestId>      # live progress of a request\n");
        b.append("  ./ecsa status                 # every node\n");
        b.append("  ./ecsa deregister node-1\n");
        b.append("  ./ecsa history node-1\n\n");
        b.append("Stop with Ctrl-C.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format("  %-22s %s%n", name, value));
    }

    /** Stops everything (reverse order of start) and removes the state file. Idempotent. */
    @Override
    public void close() {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private static StaticCredentialsProvider credentials() {
        // The bench does not check signatures; any static credentials keep the SDK from probing for real ones.
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(CREDENTIAL, CREDENTIAL));
    }

    private static AwsClients clients(String region, URI endpoint) {
        return new AwsClients(AwsClients.Settings.aws(Region.of(region)).withCredentials(credentials())
                .withEndpoint(endpoint));
    }
}
