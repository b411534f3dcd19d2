package dev.ecsa.it.drain;

import dev.ecsa.core.deregister.UpgradeAgents;
import dev.ecsa.functions.drain.HostScriptsUpgrade;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.functions.sqs.SqsBatchResponse;
import dev.ecsa.functions.sqs.SqsEvent;
import dev.ecsa.core.deregister.DeregisterSettings;
import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.DrainStepHandler;
import dev.ecsa.store.Json;
import dev.ecsa.functions.NodeRequestHandler;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.drain.DrainPorts;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.Bench;
import dev.ecsa.local.Resources;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchIam;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.sfn.ExecutionOptions;
import dev.ecsa.local.sfn.ExecutionResult;
import dev.ecsa.local.sfn.LocalStepFunctions;
import dev.ecsa.local.sfn.StepFunctionsEmulator;
import dev.ecsa.local.sfn.TaskHandler;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sqs.FifoQueueSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The drain workflow as deployed, on the offline bench: the synthesized definition
 * (infra-cdk/target/drain-workflow.asl.json), validated by asl-validator and registered with the Step Functions
 * emulator, every Task bound to the real {@link DrainStepHandler} on the production adapters (DynamoDB on dynalite;
 * ECS, SSM, Secrets Manager and EventBridge on the control-plane simulator; SSHJ to the simulated hosts). Nodes are
 * registered by the real {@link NodeRequestHandler} (real SSH, real bootstrap, install-script stand-in), and a
 * deregistration goes the production way: handler → DeregisterIntake → {@link SfnDrainWorkflow} → StartExecution.
 *
 * <p>Time: the functions and the simulator share one {@link AdvancingClock}, frozen while a drain runs. Waits and
 * retry pauses of the definition are cut to a millisecond; what the WaitForDrain would have taken is added to the
 * clock when the next CheckDrain runs, once per check (a retried CheckDrain does not move it again), so deadlines,
 * the simulator's task choreography and the workflow's own checks all see the drain's timeline as it would be on
 * AWS, independent of how fast the machine runs the steps.
 */
final class DrainBench implements AutoCloseable {

    /** The drain workflow as the stack names it ({@code <stack>-drain}), which its policies are bound to. */
    static final String STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:EcsaLifecycle-drain";
    /** The stack as deployed with {@code -c ecsa:additionalClusterNames=drain-small,drain-large,drain-lonely}. */
    static final String TEMPLATE = "infra-cdk/target/stack.template.drain-bench.json";
    static final String TABLE = "ecsa-it-drain";
    static final Duration EXECUTION_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Real time plus an offset that tests move forward, or, while frozen, a fixed instant that only
     * {@link #advance} moves. Registrations run on real time (their polls are bounded by it); drains run frozen, so
     * the k-th check happens exactly k poll intervals after the request whatever the machine's speed.
     */
    static final class AdvancingClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();
        private volatile Instant frozenAt;

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        synchronized void freeze() {
            frozenAt = Instant.now();
        }

        /** Lets real time run again, from where the frozen clock stood (time never goes back). */
        synchronized void unfreeze() {
            Instant stood = instant();
            frozenAt = null;
            offsetMillis.set(Math.max(0, Duration.between(Instant.now(), stood).toMillis()));
        }

        @Override
        public Instant instant() {
            Instant frozen = frozenAt;
            return (frozen != null ? frozen : Instant.now()).plusMillis(offsetMillis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }

    final AdvancingClock clock = new AdvancingClock();
    private final Resources resources = new Resources();
    final Bench bench;
    final JsonNode definition;
    // Assigned in the constructor's try block (closed again if a later part fails to start).
    AwsClients aws;
    DynamoDbNodeStore store;
    private AwsClients dynamoClients;
    private AwsClients nodeRequestAws;
    private AwsClients drainStepAws;
    /** The stack's IAM: the functions' calls are authorized as their roles' (the test's own clients are not). */
    BenchIam iam;
    private LocalStepFunctions sfn;
    private StepFunctionsEmulator emulator;
    private NodeRequestHandler handler;
    private TaskHandler drainFunction;
    /** Executions whose checks already moved the clock: "execution/checks" (the Task input's state.checks). */
    private final Set<String> advancedFor = ConcurrentHashMap.newKeySet();
    private volatile BiConsumer<String, JsonNode> beforeTask = (state, input) -> { };
    private final AtomicLong messages = new AtomicLong();

    private DrainBench(HostConfig... hosts) {
        Path file = DynaliteServer.locateRepoRoot().resolve(StackOnBench.DEFINITION);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build infra-cdk in the same reactor "
                    + "(./mvnw -pl shared,store,functions,infra-cdk,local verify ...)");
        }
        definition = LocalStepFunctions.readDefinition(file);
        bench = resources.track(Bench.start(SimulatorConfig.defaults().withClock(clock), List.of(hosts),
                FifoQueueSpec.named("node-requests")));
        try {
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
            String region = bench.simulator().config().region();
            AwsClients.Settings base = AwsClients.Settings.aws(Region.of(region)).withCredentials(credentials);
            // The test's own view (unchecked keys): creates the table, inspects ECS, SSM and the inventory.
            aws = resources.track(new AwsClients(base.withEndpoint(bench.simulator().endpoint())));
            dynamoClients = resources.track(new AwsClients(base.withEndpoint(bench.dynamo().endpoint())));
            InventoryTable.ensure(dynamoClients.dynamoDb(), TABLE, Duration.ofSeconds(10));
            store = new DynamoDbNodeStore(dynamoClients.dynamoDb(), TABLE, Duration.ofDays(1), clock);

            iam = resources.track(BenchIam.installFrom(bench, DynaliteServer.locateRepoRoot().resolve(TEMPLATE),
                    TABLE));
            if (!iam.stateMachineArn().equals(STATE_MACHINE_ARN)) {
                throw new IllegalStateException("the template's drain workflow is " + iam.stateMachineArn());
            }
            sfn = resources.track(LocalStepFunctions.launch());
            sfn.validate(definition); // asl-validator, as the emulator does again on register
            emulator = resources.track(StepFunctionsEmulator.start(sfn));
            emulator.authorizeWith(iam.authorizer());

            // Each function's view: its role's credentials, DynamoDB through the IAM front.
            nodeRequestAws = resources.track(new AwsClients(AwsClients.Settings.aws(Region.of(region))
                    .withCredentials(iam.roleCredentials("NodeRequest"))
                    .withEndpoint(bench.simulator().endpoint())
                    .withEndpoint(AwsClients.Service.DYNAMODB, iam.dynamoEndpoint())
                    .withEndpoint(AwsClients.Service.SFN, emulator.endpoint())));
            drainStepAws = resources.track(new AwsClients(AwsClients.Settings.aws(Region.of(region))
                    .withCredentials(iam.roleCredentials("DrainStep"))
                    .withEndpoint(bench.simulator().endpoint())
                    .withEndpoint(AwsClients.Service.DYNAMODB, iam.dynamoEndpoint())));

            var ssh = new SshjRemoteHost();
            DrainStepHandler drain = new DrainStepHandler(new DrainPorts(
                    new DynamoDbNodeStore(drainStepAws.dynamoDb(), TABLE, Duration.ofDays(1), clock),
                    new EcsContainerInstances(drainStepAws.ecs()),
                    new SsmManagedInstances(drainStepAws.ssm(), iam.stackName()), ssh,
                    new SecretsManagerSecretSource(drainStepAws.secretsManager()),
                    drainStepAws.eventPublisher("default"), clock,
                    DrainSettings.defaults(Bench.SSH_KEY_SECRET), new HostScriptsUpgrade(upgradeSettings(bench)),
                    new UpgradeAgents.UpgradeSettings(Duration.ofSeconds(20), Duration.ofMillis(200))));
            drainFunction = TaskHandler.stream((in, out) -> drain.handleRequest(in, out, null));
            emulator.register(STATE_MACHINE_ARN, definition, this::runTask,
                    ExecutionOptions.fast(Duration.ofMillis(1), Duration.ofMillis(1)));

            TemplateBootstrapScripts scripts = new TemplateBootstrapScripts(new TemplateBootstrapScripts.Settings(
                    region, bench.installScriptUrl().toString(), "=https,http",
                    new InstallScriptPin.Sha256(bench.installScriptSha256()), "", 0,
                    "http://localhost:51678/v1/metadata", "http://169.254.169.254/"));
            RegistrationSettings registration = new RegistrationSettings(iam.stackName(), Bench.CLUSTER,
                    Bench.SSH_KEY_SECRET, Duration.ofHours(1), Duration.ofMinutes(4), Duration.ofSeconds(20),
                    Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60));
            handler = new NodeRequestHandler(new Intake(
                    new DynamoDbNodeStore(nodeRequestAws.dynamoDb(), TABLE, Duration.ofDays(1), clock),
                    new SsmHybridActivations(nodeRequestAws.ssm(), BenchIam.ECS_ANYWHERE_ROLE, iam.stackName()),
                    new SsmManagedInstances(nodeRequestAws.ssm(), iam.stackName()),
                    new EcsContainerInstances(nodeRequestAws.ecs()),
                    ssh, new SecretsManagerSecretSource(nodeRequestAws.secretsManager()), scripts,
                    new SfnDrainWorkflow(nodeRequestAws.sfn(), STATE_MACHINE_ARN),
                    nodeRequestAws.eventPublisher("default"), clock, registration,
                    DeregisterSettings.defaults(), Intake.DEFAULT_MAX_RECEIVES, Intake.DEFAULT_SAFETY_MARGIN));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The upgrade script's settings on the bench: its package repository and signing key, agents given 5 s. */
    static HostScriptsUpgrade.Settings upgradeSettings(Bench bench) {
        String key = java.util.Base64.getEncoder().encodeToString(
                bench.signingKey().armoredPublicKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return HostScriptsUpgrade.Settings.of(bench.simulator().config().region(),
                bench.agentPackageBaseUrl().toString(), key, bench.signingKey().fingerprint(), Duration.ofSeconds(5));
    }

    static DrainBench start(HostConfig... hosts) {
        return new DrainBench(hosts);
    }

    /** The Task states' function: the drain handler, with the clock moved as WaitForDrain would have moved it. */
    private JsonNode runTask(String stateName, JsonNode input) throws Exception {
        JsonNode state = input.path("state");
        if (stateName.equals("CheckDrain")
                && advancedFor.add(state.path("requestId").asText() + "/" + state.path("checks").asInt())) {
            clock.advance(Duration.ofSeconds(state.path("pollSeconds").asLong()));
        }
        beforeTask.accept(stateName, input);
        return drainFunction.handle(stateName, input);
    }

    /** Runs {@code hook} before every Task invocation (state name, payload) until replaced. */
    void beforeTask(BiConsumer<String, JsonNode> hook) {
        beforeTask = hook;
    }

    SimulatedHost host(String name) {
        return bench.host(name);
    }

    /** Registers the host into {@code cluster} through the node-request handler and returns its node item. */
    NodeRecord register(SimulatedHost host, String cluster) {
        return register(host, cluster, "reg-" + host.config().name());
    }

    /** As {@link #register(SimulatedHost, String)}, with a request id of its own (a second registration). */
    NodeRecord register(SimulatedHost host, String cluster, String requestId) {
        bench.simulator().createCluster(cluster);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "register");
        body.put("requestId", requestId);
        body.put("nodeId", host.config().name());
        body.put("address", host.address());
        body.put("port", host.port());
        body.put("sshUser", Bench.SSH_USER);
        body.put("cluster", cluster);
        body.put("requestedBy", "it-drain");
        send(body);
        RequestRecord record = store.getRequest(requestId).orElseThrow();
        if (record.outcome() != Outcome.REGISTERED) {
            throw new IllegalStateException("registration of " + host + " ended " + record.outcome() + ": "
                    + record.failure());
        }
        NodeRecord node = store.getNode(host.config().name()).orElseThrow();
        if (node.state() != NodeState.REGISTERED) {
            throw new IllegalStateException("node " + node.nodeId() + " is " + node.state());
        }
        return node;
    }

    /**
     * Sends a deregistration through the node-request handler (which starts the execution on the emulator) and waits
     * for the execution to end.
     *
     * @param extra optional fields, e.g. {@code drainTimeoutSeconds}, {@code onTimeout}
     */
    ExecutionResult deregister(String requestId, String nodeId, Map<String, Object> extra) {
        return runWorkflow("deregister", requestId, nodeId, extra);
    }

    /**
     * Sends an upgrade through the node-request handler and waits for its drain workflow execution to end.
     *
     * @param extra e.g. {@code ecsAgentVersion}, {@code ssmAgentVersion}, {@code onTimeout}
     */
    ExecutionResult upgrade(String requestId, String nodeId, Map<String, Object> extra) {
        return runWorkflow("upgrade", requestId, nodeId, extra);
    }

    private ExecutionResult runWorkflow(String action, String requestId, String nodeId, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        body.put("requestId", requestId);
        body.put("nodeId", nodeId);
        body.put("requestedBy", "it-drain");
        body.put("reason", action.equals("upgrade") ? "agents behind" : "retiring the host");
        body.putAll(extra);
        clock.freeze();
        try {
            send(body);
            return emulator.awaitResult(executionArn(requestId), EXECUTION_TIMEOUT);
        } finally {
            clock.unfreeze();
        }
    }

    static String executionArn(String requestId) {
        return STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":"
                + DrainWorkflow.executionName(requestId);
    }

    /** Hands one message to the handler as Lambda's SQS integration would; fails unless it was acknowledged. */
    void send(Map<String, Object> body) {
        String text;
        try {
            text = Json.mapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SqsEvent event = new SqsEvent(List.of(new SqsEvent.Message("m-" + messages.incrementAndGet(), text,
                Map.of("ApproximateReceiveCount", "1"))));
        SqsBatchResponse response = handler.handle(event, null);
        if (!response.batchItemFailures().isEmpty()) {
            throw new IllegalStateException("the handler asked for a redelivery of " + body.get("requestId"));
        }
    }

    /** Calls of the simulator's ECS and SSM operations since the last reset, by operation name. */
    Map<String, Long> ecsAndSsmCalls() {
        Map<String, Long> calls = new java.util.TreeMap<>();
        bench.simulator().faults().allCalls().forEach((op, n) -> {
            if (op.startsWith("AmazonSSM.") || op.startsWith("AmazonEC2ContainerServiceV20141113.")) {
                calls.put(op, n);
            }
        });
        return calls;
    }

    /**
     * Stops everything; then fails if the stack's IAM denied any call of the functions: the drain flows on this bench
     * run under the policies the stack deploys.
     */
    @Override
    public void close() {
        List<dev.ecsa.local.iam.BenchAuthorizer.Decision> denied = iam == null ? List.of()
                : iam.authorizer().denials();
        resources.close();
        if (!denied.isEmpty()) {
            throw new AssertionError("calls the stack's IAM denied on the drain bench: " + denied);
        }
    }
}
