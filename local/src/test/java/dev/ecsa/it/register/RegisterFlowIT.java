package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.intake.DeregisterSettings;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.Json;
import dev.ecsa.functions.NodeRequestHandler;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.dynamo.DynamoDbNodeStore;
import dev.ecsa.functions.dynamo.InventoryTable;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sim.PublishedEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The node-request handler on the production adapters against the bench: SSM, ECS, Secrets Manager and EventBridge
 * from the control-plane simulator, the inventory in dynalite, real SSH (SSHJ) to MINA hosts running the real
 * bootstrap script, which fetches the install-script stand-in, checks its SHA-256 and registers through the
 * simulator. Messages are handed to the handler as Lambda's SQS integration would (the queue-driven flows are the
 * integrator's).
 */
class RegisterFlowIT {

    private static final String TABLE = "ecsa-it-register";

    static Bench bench;
    static AwsClients aws;
    static AwsClients dynamoClients;
    static DynamoDbClient dynamo;
    static DynamoDbNodeStore store;
    static NodeRequestHandler handler;
    static final List<String> codes = new ArrayList<>();

    /** The real adapter, keeping the codes it was given so the test can search for them. */
    record RecordingActivations(HybridActivations delegate) implements HybridActivations {
        @Override
        public Activation create(ActivationSpec spec) {
            Activation a = delegate.create(spec);
            synchronized (codes) {
                codes.add(a.code());
            }
            return a;
        }

        @Override
        public void delete(String activationId) {
            delegate.delete(activationId);
        }

        @Override
        public Optional<ManagedInstance> findManagedInstance(String activationId) {
            return delegate.findManagedInstance(activationId);
        }

        @Override
        public List<String> findForRequest(String nodeId, String requestId) {
            return delegate.findForRequest(nodeId, requestId);
        }
    }

    @BeforeAll
    static void start() {
        bench = Bench.start(
                HostConfig.builder("reg-ok").build(),
                HostConfig.builder("reg-nosystemd").systemd(false).build(),
                HostConfig.builder("reg-rekeyed").systemd(false).build(),
                HostConfig.builder("reg-nosudo").passwordlessSudo(false).build());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        Region region = Region.of(bench.simulator().config().region());
        aws = new AwsClients(AwsClients.Settings.aws(region).withCredentials(credentials)
                .withEndpoint(bench.simulator().endpoint()));
        dynamoClients = new AwsClients(AwsClients.Settings.aws(region).withCredentials(credentials)
                .withEndpoint(bench.dynamo().endpoint()));
        dynamo = dynamoClients.dynamoDb();
        InventoryTable.ensure(dynamo, TABLE, Duration.ofSeconds(10));
        Clock clock = Clock.systemUTC();
        store = new DynamoDbNodeStore(dynamo, TABLE, Duration.ofDays(1), clock);
        URI metadata = URI.create("http://localhost:51678/v1/metadata");
        TemplateBootstrapScripts scripts = new TemplateBootstrapScripts(new TemplateBootstrapScripts.Settings(
                bench.simulator().config().region(), bench.installScriptUrl().toString(), "=https,http",
                new InstallScriptPin.Sha256(bench.installScriptSha256()), "", 0, metadata.toString(),
                "http://169.254.169.254/"));
        RegistrationSettings settings = new RegistrationSettings("EcsaIT", Bench.CLUSTER, Bench.SSH_KEY_SECRET,
                Duration.ofHours(1), Duration.ofMinutes(4), Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60));
        handler = new NodeRequestHandler(new Intake(store, new RecordingActivations(new SsmHybridActivations(aws.ssm(),
                "ecsAnywhereRole", "EcsaIT")), new SsmManagedInstances(aws.ssm()), new EcsContainerInstances(aws.ecs()),
                new SshjRemoteHost(), new SecretsManagerSecretSource(aws.secretsManager()), scripts,
                new InMemoryDrainWorkflow(), new EventBridgeEventPublisher(aws.eventBridge(), "default"), clock,
                settings, DeregisterSettings.defaults(), Intake.DEFAULT_MAX_RECEIVES, Intake.DEFAULT_SAFETY_MARGIN));
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
        if (dynamoClients != null) {
            dynamoClients.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    private static Map<String, Object> register(String requestId, SimulatedHost host) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", requestId);
        b.put("nodeId", host.config().name());
        b.put("address", host.address());
        b.put("port", host.port());
        b.put("sshUser", Bench.SSH_USER);
        b.put("attributes", Map.of("rack", "r12"));
        b.put("tags", Map.of("team", "edge"));
        b.put("requestedBy", "it");
        return b;
    }

    private static List<String> send(String messageId, Object body, int receiveCount) throws Exception {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(messageId);
        m.setBody(body instanceof String s ? s : Json.mapper().writeValueAsString(body));
        m.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(m));
        SQSBatchResponse response = handler.handleRequest(event, null);
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    /** Every attribute value of every item in the inventory table, as text. */
    private static List<String> everythingStored() {
        List<String> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(TABLE)).items()) {
            out.add(item.toString());
        }
        return out;
    }

    @Test
    void aHostIsRegisteredOverSshVerifiedInSsmAndEcsAndRecorded() throws Exception {
        SimulatedHost host = bench.host("reg-ok");
        int before = codes.size();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            assertThat(send("m-ok", register("it-reg-ok", host), 1)).isEmpty();
        } finally {
            System.setErr(originalErr);
        }
        String code = codes.get(before);
        List<String> everything = everythingStored();
        bench.simulator().events().forEach(e -> everything.add(e.detail()));
        everything.add(logs.toString(StandardCharsets.UTF_8));
        assertThat(everything).as("the activation code is in no item, event or log line")
                .allSatisfy(text -> assertThat(text).doesNotContain(code));

        RequestRecord record = store.getRequest("it-reg-ok").orElseThrow();
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        NodeRecord node = store.getNode("reg-ok").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.hostKeyFingerprint()).isEqualTo(host.hostKeyFingerprint());
        assertThat(node.managedInstanceId()).matches("mi-[0-9a-f]{17}");
        assertThat(bench.simulator().managedInstance(node.managedInstanceId())).isPresent();
        assertThat(bench.simulator().containerInstance(node.containerInstanceArn())).isPresent();
        var activations = aws.ssm().describeActivations(b -> b.build()).activationList();
        assertThat(activations).as("the activation was deleted after use")
                .noneMatch(a -> a.defaultInstanceName().equals("reg-ok"));
        List<PublishedEvent> events = bench.simulator().events();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistered");
            assertThat(e.detail()).contains(node.managedInstanceId());
        });

        // A second request for the registered node: a cheap check, no new activation.
        long creates = bench.simulator().calls("CreateActivation");
        assertThat(send("m-ok-2", register("it-reg-ok-2", host), 1)).isEmpty();
        assertThat(store.getRequest("it-reg-ok-2").orElseThrow().outcome()).isEqualTo(Outcome.ALREADY_REGISTERED);
        assertThat(bench.simulator().calls("CreateActivation")).isEqualTo(creates);
    }

    @Test
    void aFailedPreflightIsRecordedWithItsReasonAndTheActivationDeleted() throws Exception {
        SimulatedHost host = bench.host("reg-nosystemd");

        assertThat(send("m-nosystemd", register("it-reg-nosystemd", host), 1)).isEmpty();

        RequestRecord record = store.getRequest("it-reg-nosystemd").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(record.failure().message()).contains("NO_SYSTEMD");
        assertThat(store.getNode("reg-nosystemd").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(aws.ssm().describeActivations(b -> b.build()).activationList())
                .noneMatch(a -> a.defaultInstanceName().equals("reg-nosystemd"));
    }

    @Test
    void aChangedHostKeyIsRefusedAndNothingRuns() throws Exception {
        SimulatedHost host = bench.host("reg-rekeyed");
        send("m-rekey-1", register("it-reg-rekey-1", host), 1);
        String pinned = store.getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint();
        assertThat(pinned).isEqualTo(host.hostKeyFingerprint());
        host.replaceHostKey();

        assertThat(send("m-rekey-2", register("it-reg-rekey-2", host), 1)).isEmpty();

        RequestRecord record = store.getRequest("it-reg-rekey-2").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(store.getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint()).isEqualTo(pinned);
        assertThat(aws.ssm().describeActivations(b -> b.build()).activationList())
                .noneMatch(a -> a.defaultInstanceName().equals("reg-rekeyed"));
    }

    @Test
    void aUserWithoutPasswordlessSudoIsReportedAsSuch() throws Exception {
        SimulatedHost host = bench.host("reg-nosudo");

        assertThat(send("m-nosudo", register("it-reg-nosudo", host), 1)).isEmpty();

        RequestRecord record = store.getRequest("it-reg-nosudo").orElseThrow();
        assertThat(record.failure().reason()).isEqualTo(Reason.SUDO_DENIED);
    }

    @Test
    void badJsonIsRejectedAndAcknowledged() throws Exception {
        assertThat(send("0f5e0d9c-bad", "{\"action\": ", 1)).isEmpty();

        RequestRecord record = store.getRequest("sqs-0f5e0d9c-bad").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
    }
}
