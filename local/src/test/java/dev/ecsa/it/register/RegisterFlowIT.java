package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.Json;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.dynamo.DynamoDbNodeStore;
import dev.ecsa.functions.dynamo.InventoryTable;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.sim.PublishedEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Registration as deployed: messages on the bench's FIFO queue, the stack's event source mapping polling it with the
 * NodeRequest role, the node-request function from the deployment zip under the runtime interface client with the
 * template's environment and IAM enforced on every call, SSH (SSHJ) to MINA hosts running the real bootstrap, which
 * fetches the install-script stand-in, checks its SHA-256 and registers through the simulator.
 */
class RegisterFlowIT {

    private static final String TABLE = "ecsa-it-register";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path work;

    static Bench bench;
    static StackOnBench stack;
    static AwsClients inspector;
    static SqsClient sqs;
    static DynamoDbNodeStore store;

    @BeforeAll
    static void start() {
        Path root = Path.of(System.getProperty("ecsa.repo.root", "..")).toAbsolutePath().normalize();
        bench = Bench.start(
                HostConfig.builder("reg-ok").build(),
                HostConfig.builder("reg-nosystemd").systemd(false).build(),
                HostConfig.builder("reg-rekeyed").systemd(false).build(),
                HostConfig.builder("reg-nosudo").passwordlessSudo(false).build());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        Region region = Region.of(bench.simulator().config().region());
        // The test's own view of the bench (keys the IAM fronts do not check).
        inspector = new AwsClients(AwsClients.Settings.aws(region).withCredentials(credentials)
                .withEndpoint(bench.simulator().endpoint())
                .withEndpoint(AwsClients.Service.DYNAMODB, bench.dynamo().endpoint()));
        InventoryTable.ensure(inspector.dynamoDb(), TABLE, Duration.ofSeconds(10));
        store = new DynamoDbNodeStore(inspector.dynamoDb(), TABLE, Duration.ofDays(1), Clock.systemUTC());
        sqs = SqsClient.builder().region(region).credentialsProvider(credentials)
                .endpointOverride(bench.sqs().endpoint())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
        stack = StackOnBench.start(bench, StackOnBench.Options.of(root, work, TABLE));
        stack.startEventSourceMapping(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (inspector != null) {
            inspector.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    @AfterEach
    void noCallWasDenied() {
        assertThat(stack.iam().authorizer().denials()).extracting(BenchAuthorizer.Decision::toString).isEmpty();
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

    /** Sends a body to the queue as a provisioning system does; returns SQS's message id. */
    private static String send(String body, String group) {
        return sqs.sendMessage(b -> b.queueUrl(bench.queues().queueUrl()).messageBody(body).messageGroupId(group)
                .messageDeduplicationId(Integer.toHexString(body.hashCode()))).messageId();
    }

    private static RequestRecord sendAndAwait(Map<String, Object> body) throws Exception {
        send(Json.mapper().writeValueAsString(body), (String) body.get("nodeId"));
        return awaitOutcome((String) body.get("requestId"));
    }

    private static RequestRecord awaitOutcome(String requestId) throws InterruptedException {
        Instant until = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(until)) {
            Optional<RequestRecord> r = store.getRequest(requestId);
            if (r.isPresent() && r.get().outcome() != null) {
                return r.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("request " + requestId + " has no outcome after " + WAIT + "; function log:\n"
                + String.join("\n", stack.nodeRequest().log()));
    }

    /** Every attribute value of every item in the inventory table, as text. */
    private static List<String> everythingStored() {
        List<String> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : inspector.dynamoDb().scanPaginator(b -> b.tableName(TABLE)).items()) {
            out.add(item.toString());
        }
        return out;
    }

    private static boolean activationLeftFor(String nodeId) {
        return inspector.ssm().describeActivations(b -> b.build()).activationList().stream()
                .anyMatch(a -> a.defaultInstanceName().equals(nodeId));
    }

    @Test
    void aHostIsRegisteredOverSshVerifiedInSsmAndEcsAndRecorded() throws Exception {
        SimulatedHost host = bench.host("reg-ok");
        int before = bench.simulator().issuedActivationCodes().size();

        RequestRecord record = sendAndAwait(register("it-reg-ok", host));

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        List<String> codes = bench.simulator().issuedActivationCodes();
        assertThat(codes).hasSizeGreaterThan(before);
        List<String> everything = everythingStored();
        bench.simulator().events().forEach(e -> everything.add(e.detail()));
        everything.addAll(stack.nodeRequest().log());
        for (String code : codes.subList(before, codes.size())) {
            assertThat(everything).as("the activation code is in no item, event or line of the function's log")
                    .allSatisfy(text -> assertThat(text).doesNotContain(code));
        }
        NodeRecord node = store.getNode("reg-ok").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.hostKeyFingerprint()).isEqualTo(host.hostKeyFingerprint());
        assertThat(node.managedInstanceId()).matches("mi-[0-9a-f]{17}");
        assertThat(bench.simulator().managedInstance(node.managedInstanceId())).isPresent();
        assertThat(bench.simulator().containerInstance(node.containerInstanceArn())).isPresent();
        assertThat(activationLeftFor("reg-ok")).as("the activation was deleted after use").isFalse();
        List<PublishedEvent> events = bench.simulator().events();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistered");
            assertThat(e.detail()).contains(node.managedInstanceId());
        });

        // A second request for the registered node: a cheap check, no new activation.
        long creates = bench.simulator().calls("AmazonSSM.CreateActivation");
        assertThat(sendAndAwait(register("it-reg-ok-2", host)).outcome()).isEqualTo(Outcome.ALREADY_REGISTERED);
        assertThat(bench.simulator().calls("AmazonSSM.CreateActivation")).isEqualTo(creates);
    }

    @Test
    void aFailedPreflightIsRecordedWithItsReasonAndTheActivationDeleted() throws Exception {
        RequestRecord record = sendAndAwait(register("it-reg-nosystemd", bench.host("reg-nosystemd")));

        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(record.failure().message()).contains("NO_SYSTEMD");
        assertThat(store.getNode("reg-nosystemd").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(activationLeftFor("reg-nosystemd")).isFalse();
    }

    @Test
    void aChangedHostKeyIsRefusedAndNothingRuns() throws Exception {
        SimulatedHost host = bench.host("reg-rekeyed");
        sendAndAwait(register("it-reg-rekey-1", host));
        String pinned = store.getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint();
        assertThat(pinned).isEqualTo(host.hostKeyFingerprint());
        host.replaceHostKey();

        RequestRecord record = sendAndAwait(register("it-reg-rekey-2", host));

        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(store.getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint()).isEqualTo(pinned);
        assertThat(activationLeftFor("reg-rekeyed")).as("the activation made for it was deleted").isFalse();
    }

    @Test
    void aUserWithoutPasswordlessSudoIsReportedAsSuch() throws Exception {
        RequestRecord record = sendAndAwait(register("it-reg-nosudo", bench.host("reg-nosudo")));

        assertThat(record.failure().reason()).isEqualTo(Reason.SUDO_DENIED);
    }

    @Test
    void badJsonIsRejectedRecordedUnderTheMessageIdAndAcknowledged() throws Exception {
        String messageId = send("{\"action\": ", "bad-json");

        RequestRecord record = awaitOutcome("sqs-" + messageId);

        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(bench.queues().dlqUrl()).waitTimeSeconds(0)).messages())
                .as("acknowledged, not dead-lettered").isEmpty();
    }
}
