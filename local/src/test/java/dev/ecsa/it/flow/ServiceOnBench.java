package dev.ecsa.it.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.functions.CompositionRoot;
import dev.ecsa.functions.FunctionsConfig;
import dev.ecsa.store.Json;
import dev.ecsa.functions.NodeRequestHandler;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.functions.host.BootstrapParameters;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.local.Bench;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.iam.BenchIam;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.mode.SqsLambdaBridge;
import dev.ecsa.local.hosts.Dirs;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.HostSandbox;
import dev.ecsa.local.hosts.OpenSshHost;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.hosts.SshKeys;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sqs.FifoQueueSpec;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The node-request function as it runs in production, on the offline bench: the composition root's adapters
 * ({@link CompositionRoot.Components}) against the control-plane simulator (SSM, ECS, Secrets Manager, EventBridge)
 * and dynalite (the inventory table, created as the stack creates it), the {@link NodeRequestHandler} consuming the
 * node-request FIFO queue on ElasticMQ through {@link SqsEventSourcePoller} (batch size 1, the stack's
 * maxReceiveCount, partial batch responses), and hosts behind Apache MINA or Debian's OpenSSH running the real
 * bootstrap, which fetches the bench's install-script stand-in and verifies it (GPG against the bench's signing key,
 * or SHA-256). One instance per test class: starting it costs a few seconds.
 *
 * <p>Differences from a deployment, all for speed: failed messages come back after a second instead of the queue's
 * visibility timeout (after a simulated crash the service's clock jumps by the budget instead, so the dead
 * delivery's lease has run out as it would have), the registration's waits (agent metadata, SSM/ECS polling) are
 * short, the install script is served over plain HTTP, and there is no Lambda context (no remaining-time cap).
 *
 * <p>With {@link Options#onTheZip()} none of that applies: the function runs from the deployment zip as
 * {@link StackOnBench} runs it, behind the stack's event source mapping, with the template's settings.
 */
public final class ServiceOnBench implements AutoCloseable {

    /** The inventory table's name on the bench. */
    public static final String TABLE = "ecsa-it-inventory";
    /** The login of the OpenSSH hosts (root: sshd's ForceCommand enters the sandbox). */
    public static final String OPENSSH_USER = "root";

    /** How the host verifies the install script. */
    public enum Pin { GPG, SHA256 }

    /**
     * @param pin             GPG (the bench's signing key in AWS's place, pinned by its fingerprint) or SHA-256
     * @param maxReceiveCount the queue's redrive bound, also the function's {@code maxReceives} (as in the stack)
     * @param retryDelay      how soon a failed or crashed delivery comes back
     * @param budget          the registration's time budget
     * @param zip             the function from the deployment zip under the runtime interface client, as
     *                        {@link StackOnBench} runs it (the stack's SHA-256 pin, its budget and HTTPS fetch; no
     *                        crash injection, no shifted service clock), instead of the handler in-process
     * @param context         on the zip: variables as a deploy with other CDK context sets them
     *                        ({@link StackOnBench.Options#withContextValues})
     */
    public record Options(Pin pin, int maxReceiveCount, Duration retryDelay, Duration budget, boolean zip,
                          Map<String, String> context) {
        public Options {
            context = Map.copyOf(context);
        }

        public static Options defaults() {
            return new Options(Pin.GPG, Intake.DEFAULT_MAX_RECEIVES, Duration.ofSeconds(1), Duration.ofMinutes(3),
                    false, Map.of());
        }

        public Options withPin(Pin p) {
            return new Options(p, maxReceiveCount, retryDelay, budget, zip, context);
        }

        /** The function from the zip, as deployed: for suites that need neither crashes nor clock shifts. */
        public Options onTheZip() {
            return onTheZip(Map.of());
        }

        /** The stack from the zip as deployed with other context (e.g. membership fixes on). */
        public Options onTheZip(Map<String, String> contextValues) {
            return new Options(Pin.SHA256, maxReceiveCount, retryDelay, budget, true, contextValues);
        }
    }

    /** A host behind Debian's OpenSSH; {@code authorizeServiceKey} false makes it refuse the service's key. */
    public record OpenSshSpec(HostConfig config, boolean authorizeServiceKey) {
    }

    /** Where a request points: what a provisioning system puts in the message. */
    public record Target(String nodeId, String address, int port, String sshUser, String hostKeyFingerprint) {
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Target> openSshTargets = new LinkedHashMap<>();
    private final List<SqsEventSourcePoller> pollers = new ArrayList<>();
    private final Intercepts intercepts = new Intercepts();
    private final ShiftableClock simulatorClock = new ShiftableClock();
    private final ShiftableClock serviceClock = new ShiftableClock();
    private final Options options;
    private final Bench bench;
    private final CompositionRoot.Components components;
    private final AwsClients inspector;
    private final BenchIam iam;
    /** The function's store (in-process), or the test's own view of the table (on the zip). */
    private final NodeStore store;
    /** The zip's functions, when {@link Options#onTheZip()}. */
    private final StackOnBench stack;
    private final Intake intake;
    private final NodeRequestHandler handler;
    private SqsLambdaBridge bridge;
    private boolean zipMappingStarted;
    private final SqsClient sqs;

    private ServiceOnBench(Options options, List<HostConfig> minaHosts, List<OpenSshSpec> openSshHosts) {
        this.options = options;
        try {
            bench = track(Bench.start(SimulatorConfig.defaults().withClock(simulatorClock), minaHosts,
                    FifoQueueSpec.named("node-requests").withMaxReceiveCount(options.maxReceiveCount())
                            .withVisibilityTimeout(Duration.ofMinutes(5))));
            String region = bench.simulator().config().region();
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
            // The test's own view (unchecked keys): the table is created as the stack creates it, and the helpers
            // below inspect SSM, ECS and the table with it.
            inspector = track(new AwsClients(AwsClients.Settings.aws(Region.of(region)).withCredentials(credentials)
                    .withEndpoint(bench.simulator().endpoint())
                    .withEndpoint(AwsClients.Service.DYNAMODB, bench.dynamo().endpoint())));
            InventoryTable.ensure(inspector.dynamoDb(), TABLE, Duration.ofSeconds(10));
            if (options.zip()) {
                Path work = Files.createTempDirectory("ecsa-zip-functions-");
                resources.add(() -> Dirs.deleteRecursively(work));
                Map<String, String> context = new HashMap<>(options.context());
                context.put(FunctionEnvironment.MAX_RECEIVES, Integer.toString(options.maxReceiveCount()));
                stack = track(StackOnBench.start(bench, StackOnBench.Options.of(DynaliteServer.locateRepoRoot(), work,
                        TABLE).withContextValues(context)));
                iam = stack.iam();
                store = new DynamoDbNodeStore(inspector.dynamoDb(), TABLE, Duration.ofDays(1), Clock.systemUTC());
                components = null;
                intake = null;
                handler = null;
            } else {
                stack = null;
                // The function's view: its role's credentials, every call authorized against the template's policies.
                iam = track(BenchIam.install(bench, DynaliteServer.locateRepoRoot(), TABLE));
                AwsClients.Settings aws = AwsClients.Settings.aws(Region.of(region))
                        .withCredentials(iam.roleCredentials("NodeRequest"))
                        .withEndpoint(bench.simulator().endpoint())
                        .withEndpoint(AwsClients.Service.DYNAMODB, iam.dynamoEndpoint());
                FunctionsConfig config = FunctionsConfig.from(Map.of(
                        FunctionEnvironment.STACK_NAME, iam.stackName(),
                        FunctionEnvironment.TABLE_NAME, TABLE,
                        FunctionEnvironment.CLUSTER, Bench.CLUSTER,
                        FunctionEnvironment.SSH_KEY_SECRET, Bench.SSH_KEY_SECRET,
                        FunctionEnvironment.ECS_ANYWHERE_ROLE, BenchIam.ECS_ANYWHERE_ROLE,
                        FunctionEnvironment.INSTALL_SCRIPT_URL, bench.installScriptUrl().toString(),
                        FunctionEnvironment.REGISTRATION_BUDGET_SECONDS, Long.toString(options.budget().toSeconds()),
                        // Registration never starts the drain workflow; the composition root only needs a valid ARN.
                        FunctionEnvironment.DRAIN_STATE_MACHINE_ARN, iam.stateMachineArn()));
                InstallScriptPin pin = options.pin() == Pin.GPG
                        ? new InstallScriptPin.Gpg(bench.signingKey().armoredPublicKey(), bench.signingKey().fingerprint())
                        : new InstallScriptPin.Sha256(bench.installScriptSha256());
                // The production settings except plain HTTP (the simulator serves the script) and each host's own agent
                // metadata port, which the bench's curl shim answers on localhost:51678.
                TemplateBootstrapScripts.Settings scripts = new TemplateBootstrapScripts.Settings(region,
                        bench.installScriptUrl().toString(), "=https,http", pin, "", 2048,
                        BootstrapParameters.DEFAULT_AGENT_METADATA_URL, BootstrapParameters.DEFAULT_IMDS_URL);
                components = new CompositionRoot.Components(config, aws, scripts, serviceClock);
                resources.add(components.clients());

                Intake production = components.intake();
                RegistrationSettings registration = new RegistrationSettings(iam.stackName(), Bench.CLUSTER, Bench.SSH_KEY_SECRET,
                        RegistrationSettings.MAX_ACTIVATION_EXPIRY, options.budget(), Duration.ofSeconds(20),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(20));
                intake = new Intake(production.store(), intercepts.activations(production.activations()),
                        production.managedInstances(), intercepts.containerInstances(production.containerInstances()),
                        production.remoteHost(), production.secrets(), production.scripts(), production.drainWorkflow(),
                        production.events(), production.clock(), registration, production.deregistration(),
                        options.maxReceiveCount(), production.safetyMargin());
                handler = new NodeRequestHandler(intake);
                // Lambda's context: the stack's consumer timeout (15 min at most), so the handler's own budget rules.
                bridge = new SqsLambdaBridge(handler::handle, "NodeRequest", Duration.ofMinutes(15));
                store = intake.store();
            }

            Path sshDir = Files.createTempDirectory("ecsa-openssh-hosts-");
            resources.add(() -> Dirs.deleteRecursively(sshDir));
            for (OpenSshSpec spec : openSshHosts) {
                HostSandbox sandbox = track(HostSandbox.start(sshDir.resolve(spec.config().name()), spec.config()));
                OpenSshHost sshd = track(OpenSshHost.start(sandbox, sshDir.resolve(spec.config().name() + "-sshd"),
                        List.of(spec.authorizeServiceKey() ? bench.sshKey().getPublic()
                                : SshKeys.generate().getPublic())));
                openSshTargets.put(spec.config().name(), new Target(spec.config().name(), "127.0.0.1", sshd.port(),
                        OPENSSH_USER, sshd.hostKeyFingerprint()));
            }

            sqs = track(SqsClient.builder().region(Region.of("us-east-1")).credentialsProvider(credentials)
                    .endpointOverride(bench.sqs().endpoint()).httpClient(UrlConnectionHttpClient.create()).build());
            addConsumer();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Starts the bench, the service and one queue consumer. */
    public static ServiceOnBench start(Options options, List<HostConfig> minaHosts, List<OpenSshSpec> openSshHosts) {
        return new ServiceOnBench(options, minaHosts, openSshHosts);
    }

    /** Another consumer of the queue (Lambda scales out to several concurrent invocations). */
    public synchronized void addConsumer() {
        if (options.zip()) {
            if (zipMappingStarted) {
                throw new UnsupportedOperationException("on the zip the stack's mapping is the one consumer; it scales to"
                        + " its maximum concurrency itself");
            }
            zipMappingStarted = true;
            stack.startEventSourceMapping(options.retryDelay());
            return;
        }
        SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, SqsEventSourcePoller.Settings
                .of(bench.queues().queueUrl()).withWaitTime(Duration.ofSeconds(1))
                .withRetryDelay(options.retryDelay()), this::invoke);
        pollers.add(poller);
    }

    /** One Lambda invocation: the batch as Lambda's SQS event, the partial batch response back as failed ids. */
    private Set<String> invoke(List<Message> batch) {
        try {
            return bridge.handle(batch);
        } catch (SimulatedCrash e) {
            // The invocation never returned: nothing is deleted, every message comes back — in production after the
            // queue's visibility timeout, which is longer than the function's timeout and so than the registration
            // budget. The service's clock jumps by that much; the poller's retry delay stands in for the wait.
            intercepts.revive();
            serviceClock.advance(options.budget().plusSeconds(1));
            Set<String> all = new HashSet<>();
            batch.forEach(m -> all.add(m.messageId()));
            return all;
        }
    }

    // ------------------------------------------------------------------------------------------------- requests

    /** The request target of a host (MINA from the bench, or OpenSSH). */
    public Target target(String name) {
        Target t = openSshTargets.get(name);
        if (t != null) {
            return t;
        }
        SimulatedHost host = bench.host(name);
        return new Target(name, host.address(), host.port(), Bench.SSH_USER, host.hostKeyFingerprint());
    }

    /** A valid register request for {@code target}, with ECS attributes and tags (mutable: tests adjust it). */
    public static Map<String, Object> registerRequest(String requestId, Target target) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", requestId);
        b.put("nodeId", target.nodeId());
        b.put("address", target.address());
        b.put("port", target.port());
        b.put("sshUser", target.sshUser());
        b.put("attributes", Map.of("rack", "r12"));
        b.put("tags", Map.of("team", "edge"));
        b.put("requestedBy", "it");
        b.put("reason", "integration test");
        return b;
    }

    /**
     * Sends as the provisioning system does: group = nodeId, deduplication id = requestId (characters other than
     * letters, digits, '_', '.' and '-', as in an injection attempt, become '_': the body is what the service reads).
     */
    public String send(Map<String, Object> body) {
        return send(json(body), sqsId(body.get("nodeId")), sqsId(body.get("requestId")));
    }

    private static String sqsId(Object value) {
        String s = String.valueOf(value).replaceAll("[^A-Za-z0-9_.-]", "_");
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /** Sends a raw body; returns the SQS message id. */
    public String send(String body, String groupId, String deduplicationId) {
        return sqs.sendMessage(b -> b.queueUrl(bench.queues().queueUrl()).messageBody(body)
                .messageGroupId(groupId).messageDeduplicationId(deduplicationId)).messageId();
    }

    public static String json(Object body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Waits until the request has an outcome. */
    public RequestRecord awaitOutcome(String requestId, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            Optional<RequestRecord> r = store().getRequest(requestId);
            if (r.isPresent() && r.get().completed()) {
                return r.get();
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("request " + requestId + " has no outcome after " + timeout + ": "
                        + r.map(RequestRecord::toString).orElse("no record"));
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** Waits until the queue and its in-flight messages are empty (every message settled). */
    public void awaitQueueDrained(Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            Map<String, String> a = sqs.getQueueAttributes(b -> b.queueUrl(bench.queues().queueUrl())
                    .attributeNamesWithStrings("ApproximateNumberOfMessages",
                            "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            if ("0".equals(a.get("ApproximateNumberOfMessages"))
                    && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"))) {
                return;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("the queue still holds messages after " + timeout + ": " + a);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** Bodies of the messages on the dead-letter queue (received and left there). */
    public List<String> deadLetters() {
        return sqs.receiveMessage(b -> b.queueUrl(bench.queues().dlqUrl()).maxNumberOfMessages(10)
                .visibilityTimeout(0)).messages().stream().map(Message::body).toList();
    }

    // ------------------------------------------------------------------------------------------------- views

    public Bench bench() {
        return bench;
    }

    public NodeStore store() {
        return store;
    }

    /** Clients for the test's own checks (not the function's: these calls are not authorized as its role). */
    public AwsClients aws() {
        return inspector;
    }

    /** The stack's IAM on this bench: every call of the function, allowed or denied. */
    public BenchIam iam() {
        return iam;
    }

    /** The stack from the zip (its functions, Step Functions, IAM), with {@link Options#onTheZip()}. */
    public StackOnBench stack() {
        if (stack == null) {
            throw new IllegalStateException("the handler runs in-process: no stack from the zip");
        }
        return stack;
    }

    public Intercepts intercepts() {
        if (options.zip()) {
            throw new IllegalStateException("crash injection needs the handler in-process, not the zip");
        }
        return intercepts;
    }

    /** The simulator's clock: shift it to age activations. */
    public ShiftableClock simulatorClock() {
        return simulatorClock;
    }

    /** Every item of the inventory table, each as text. */
    public List<String> tableItems() {
        List<String> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : aws().dynamoDb().scanPaginator(b -> b.tableName(TABLE)).items()) {
            out.add(item.toString());
        }
        return out;
    }

    /** Activations SSM still lists for the node (DefaultInstanceName = nodeId), live or expired. */
    public long activationsFor(String nodeId) {
        return aws().ssm().describeActivationsPaginator(b -> { }).activationList().stream()
                .filter(a -> nodeId.equals(a.defaultInstanceName())).count();
    }

    /** Managed instances SSM lists under the node's name. */
    public long managedInstancesNamed(String nodeId) {
        return aws().ssm().describeInstanceInformationPaginator(b -> { }).instanceInformationList().stream()
                .filter(i -> nodeId.equals(i.name())).count();
    }

    /** Container instances of the bench's cluster carrying the node's attribute (any status but INACTIVE). */
    public long containerInstancesOf(String nodeId) {
        return aws().ecs().listContainerInstancesPaginator(b -> b.cluster(Bench.CLUSTER)
                .filter("attribute:" + RegistrationSettings.NODE_ATTRIBUTE + " == " + nodeId))
                .containerInstanceArns().stream().count();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /**
     * Stops everything; then, if any call of the function was denied by its role's policies, fails: the flows on this
     * bench must all run under the IAM the stack deploys.
     */
    @Override
    public void close() {
        List<dev.ecsa.local.iam.BenchAuthorizer.Decision> denied = iam == null ? List.of()
                : iam.authorizer().denials();
        synchronized (this) {
            pollers.forEach(SqsEventSourcePoller::close);
            pollers.clear();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // Best effort at teardown: the rest must still be closed.
            }
        }
        resources.clear();
        if (!denied.isEmpty()) {
            throw new AssertionError("calls the stack's IAM denied on this bench: " + denied);
        }
    }
}
