package dev.ecsa.local.mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.store.Json;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.local.Bench;
import dev.ecsa.local.Resources;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.lambda.StackOnBench;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service on one machine (docs/local-mode.md), as it deploys: the {@link Bench} (simulator, ElasticMQ, dynalite,
 * simulated hosts), the inventory table, and the synthesized stack on it ({@link StackOnBench}): the three functions
 * from the deployment zip under the Lambda-faithful runtime with their roles' IAM enforced, the drain workflow's
 * synthesized definition on the local interpreter behind the Step Functions API; the node-request function behind a
 * Lambda-like SQS event-source poller (batch size 1, partial batch failures, redrive to the DLQ after 5 receives), the
 * reconcile schedule, and a seeder that gives every registered node a service task. {@link #stateFile()} tells the
 * CLI where everything listens.
 *
 * <p>The drain settings are passed as a deploy passes {@code -c ecsa:drainTimeoutSeconds} and
 * {@code -c ecsa:drainPollSeconds}, within the same bounds. Start with {@link #start}; {@link #close()} stops everything
 * in reverse order and removes the state file.
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

    /** The reconcile function's name, for Lambda Invoke ({@code ecsa reconcile --now}). */
    public static final String RECONCILE_FUNCTION = "Reconcile";
    /** When the first reconcile runs after start (or at the interval, if shorter). */
    static final Duration FIRST_RECONCILE = Duration.ofSeconds(10);

    /** The inventory table's name in the local mode. */
    public static final String TABLE = DeployedOnBench.TABLE;

    private final LocalModeSettings settings;
    private final Resources resources = new Resources();
    private final Bench bench;
    private final DynamoDbNodeStore store;
    private final dev.ecsa.store.DynamoDbRolloutStore rollouts;
    private final StackOnBench stack;
    private final ScheduledExecutorService scheduler;
    private final TaskSeeder seeder;
    private final LambdaInvokeEndpoint lambda;
    private final Instant startedAt = Instant.now();

    private LocalMode(LocalModeSettings settings) {
        this.settings = settings;
        try {
            track(SingleInstance.acquire(settings.stateFile()));
            List<HostConfig> hostConfigs = new ArrayList<>();
            for (int i = 1; i <= settings.hosts(); i++) {
                hostConfigs.add(HostConfig.builder("node-" + i).build());
            }
            DeployedOnBench deployed = track(DeployedOnBench.start(new DeployedOnBench.Options(settings.repoRoot(),
                    hostConfigs, Duration.ZERO, settings.visibilityTimeout(), settings.retryDelay(), Map.of(
                            FunctionEnvironment.DRAIN_TIMEOUT_SECONDS, Long.toString(settings.drainTimeout().toSeconds()),
                            FunctionEnvironment.DRAIN_POLL_SECONDS, Long.toString(settings.drainPoll().toSeconds())))));
            bench = deployed.bench();
            store = deployed.store();
            rollouts = deployed.rollouts();
            stack = deployed.stack();

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
            // The first run soon after start, so `ecsa findings` has something to show; then on the schedule.
            long every = settings.reconcileInterval().toMillis();
            scheduler.scheduleAtFixedRate(this::scheduledReconcile, Math.min(every, FIRST_RECONCILE.toMillis()), every,
                    TimeUnit.MILLISECONDS);
            lambda = track(new LambdaInvokeEndpoint(Map.of(RECONCILE_FUNCTION, stack::reconcileNow)));

            writeStateFile();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts everything and writes the state file.
     *
     * @throws IllegalStateException if the zip or the template has not been built (build functions and infra-cdk)
     */
    public static LocalMode start(LocalModeSettings settings) {
        return new LocalMode(settings);
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
     * Invokes the reconcile function now, as its schedule does.
     *
     * @return its summary
     * @throws IllegalStateException if the function failed
     */
    public String reconcileNow() throws IOException {
        LambdaFunction.Invocation result = stack.reconcileNow();
        if (!result.ok()) {
            throw new IllegalStateException("the reconcile function failed: " + result.errorType() + " "
                    + result.body());
        }
        JsonNode summary = Json.mapper().readTree(result.body());
        String line = "reconcile " + summary.path("runId").asText() + ": " + summary.path("findings").asInt()
                + " findings (" + summary.path("new").asInt() + " new, " + summary.path("resolved").asInt()
                + " resolved), " + summary.path("fixes").asInt() + " fixes, "
                + summary.path("counts").path("OK").asInt() + " nodes OK";
        return line;
    }

    /** The seeder of service tasks (the demo waits for it). */
    TaskSeeder seeder() {
        return seeder;
    }

    /** The inventory, read as the CLI reads it. */
    public DynamoDbNodeStore store() {
        return store;
    }

    /** The rollouts' records, read as the CLI reads them. */
    public dev.ecsa.store.DynamoDbRolloutStore rollouts() {
        return rollouts;
    }

    /** The deployed stack on the bench: its functions, their logs, IAM's decisions. */
    public StackOnBench stack() {
        return stack;
    }

    public Bench bench() {
        return bench;
    }

    public String stateMachineArn() {
        return stack.stateMachineArn();
    }

    /** The stack name the functions run under (activation tags, the state machine's name). */
    public String stackName() {
        return stack.stackName();
    }

    public Path stateFile() {
        return settings.stateFile();
    }

    public LocalModeSettings settings() {
        return settings;
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
        endpoints.put("stepfunctions", stack.stepFunctions().endpoint().toString());
        endpoints.put("simulator", bench.simulator().endpoint().toString());
        endpoints.put("lambda", lambda.endpoint().toString());
        root.put("queueUrl", bench.queues().queueUrl());
        root.put("dlqUrl", bench.queues().dlqUrl());
        root.put("tableName", TABLE);
        root.put("stateMachineArn", stack.stateMachineArn());
        root.put("reconcileFunction", RECONCILE_FUNCTION);
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
                + ", DLQ " + bench.queues().dlqName() + " after " + bench.queues().spec().maxReceiveCount() + " receives");
        row(b, "DynamoDB (dynalite)", bench.dynamo().endpoint() + "  table " + TABLE);
        row(b, "ECS/SSM simulator", bench.simulator().endpoint() + "  cluster " + Bench.CLUSTER
                + " (also Secrets Manager, EventBridge)");
        row(b, "Step Functions", stack.stepFunctions().endpoint() + "  " + stack.stateMachineArn());
        row(b, "functions", "NodeRequest, DrainStep, Reconcile from " + StackOnBench.ZIP + " under the Lambda "
                + "runtime, IAM from the template enforced");
        row(b, "drain", "poll " + settings.drainPoll().toSeconds() + " s, deadline "
                + settings.drainTimeout().toSeconds() + " s (the stack's defaults: 15 s and 10 min)");
        row(b, "node requests", "consumed by the NodeRequest function (batch 1, partial failures)");
        row(b, "reconcile", "every " + settings.reconcileInterval().toSeconds() + " s (the first "
                + Math.min(settings.reconcileInterval().toSeconds(), FIRST_RECONCILE.toSeconds()) + " s after start); "
                + "Lambda Invoke at " + lambda.endpoint());
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
        b.append("  ./ecsa history node-1\n");
        b.append("  ./ecsa reconcile --now        # compare the inventory with SSM and ECS now\n\n");
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
}
