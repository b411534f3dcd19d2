package dev.ecsa.it.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.sim.SeededNode;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The repair end to end, as deployed with {@code -c ecsa:repairQuarantine=true -c ecsa:repairRestart=true
 * -c ecsa:repairStepAfterSeconds=0 -c ecsa:repairReregister=true} (the infra-cdk build's variant template): the
 * reconcile function from the zip
 * quarantines a node whose agents went silent, then sends a restart request to the node-request queue through the
 * bench's SQS IAM front under its own role (SigV4, as on AWS); the stack's event source mapping hands it to the
 * node-request function, which restarts the agents on the sandbox host over SSH; both reconnect under the same ids.
 */
class RepairThroughTheZipIT {

    private static final String TABLE = "repair-zip-inventory";
    private static final String TEMPLATE = "infra-cdk/target/stack.template.drain-bench.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    static Bench bench;
    static StackOnBench stack;
    static AwsClients clients;
    static DynamoDbNodeStore store;
    static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of(System.getProperty("ecsa.repo.root", "..")).toAbsolutePath().normalize();
        bench = Bench.start(HostConfig.builder("rp-host").build(), HostConfig.builder("rp-broken").build());
        // The variant's further clusters (its ecsa:additionalClusterNames), which the reconciler lists too.
        for (String cluster : List.of("drain-small", "drain-large", "drain-lonely")) {
            bench.simulator().createCluster(cluster);
        }
        String region = bench.simulator().config().region();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        clients = new AwsClients(AwsClients.Settings.aws(Region.of(region)).withCredentials(credentials)
                .withEndpoint(bench.dynamo().endpoint()));
        InventoryTable.ensure(clients.dynamoDb(), TABLE, Duration.ofSeconds(30));
        store = new DynamoDbNodeStore(clients.dynamoDb(), TABLE, Duration.ofDays(90), Clock.systemUTC());
        stack = StackOnBench.start(bench, StackOnBench.Options.of(root, work, TABLE).withTemplate(TEMPLATE));
        stack.startEventSourceMapping(Duration.ofSeconds(1));
        sqs = SqsClient.builder().endpointOverride(bench.sqs().endpoint()).region(Region.of(region))
                .credentialsProvider(credentials).build();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {sqs, stack, clients, bench}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    private static void send(Map<String, Object> body) throws Exception {
        String text = JSON.writeValueAsString(body);
        sqs.sendMessage(b -> b.queueUrl(bench.queues().queueUrl()).messageGroupId((String) body.get("nodeId"))
                .messageDeduplicationId((String) body.get("requestId")).messageBody(text));
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("gave up waiting for " + what);
    }

    @Test
    void aSilentNodeIsQuarantinedThenRestartedThroughTheQueueAndComesBackUnderTheSameIds() throws Exception {
        SimulatedHost host = bench.host("rp-host");
        send(Map.of("action", "register", "requestId", "rp-reg-1", "nodeId", "rp-host", "address", host.address(),
                "port", host.port(), "sshUser", Bench.SSH_USER, "requestedBy", "it"));
        NodeRecord registered = await("the registration", () -> store.getNode("rp-host")
                .filter(n -> n.state() == NodeState.REGISTERED));
        // Four healthy neighbours in its cluster: one silent node of five is a node problem, not an outage.
        Instant now = Instant.now();
        List<SeededNode> others = bench.simulator().seedNodes(registered.cluster(), 4, "rp-ok",
                Map.of("ecsa:stack", stack.stackName()));
        for (SeededNode n : others) {
            store.createNodeIfAbsent(new NodeRecord(n.nodeId(), NodeState.REGISTERING, 1, registered.cluster(), null,
                    null, null, "192.0.2.40", 22, "ecsa", null, "seed-" + n.nodeId(), null, now, now, now));
            store.transition(n.nodeId(), new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                    NodeUpdate.none().withManagedInstanceId(n.managedInstanceId())
                            .withContainerInstanceArn(n.containerInstanceArn()));
        }
        // The host's agents went silent an hour ago (longer than the repair's 15-minute debounce).
        bench.simulator().setAgentConnected(registered.containerInstanceArn(), false);
        bench.simulator().agentSilentSince(registered.managedInstanceId(), now.minus(Duration.ofHours(1)));
        LambdaFunction reconcile = stack.reconcile();

        LambdaFunction.Invocation first = stack.reconcileNow();
        assertThat(first.ok()).as(first.body() + "\n" + String.join("\n", reconcile.log())).isTrue();
        NodeRecord quarantined = store.getNode("rp-host").orElseThrow();
        assertThat(quarantined.state()).as(first.body()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(bench.simulator().containerInstance(registered.containerInstanceArn()).orElseThrow().status())
                .isEqualTo("DRAINING");

        LambdaFunction.Invocation second = stack.reconcileNow();
        assertThat(second.ok()).as(second.body() + "\n" + String.join("\n", reconcile.log())).isTrue();
        String restartId = store.getNode("rp-host").orElseThrow().health().restartRequestId();
        assertThat(restartId).as(second.body()).startsWith("repair-");

        RequestRecord restart = await("the restart request's outcome", () -> store.getRequest(restartId)
                .filter(RequestRecord::completed));

        assertThat(restart.outcome()).as(restart.failure() + " " + restart.steps()).isEqualTo(Outcome.AGENTS_RESTARTED);
        assertThat(restart.requestedBy()).isEqualTo("ecsa-reconciler");
        NodeRecord after = store.getNode("rp-host").orElseThrow();
        assertThat(after.managedInstanceId()).isEqualTo(registered.managedInstanceId());
        assertThat(after.containerInstanceArn()).isEqualTo(registered.containerInstanceArn());
        assertThat(after.state()).as("held until it stays healthy for the debounce").isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(bench.simulator().containerInstance(after.containerInstanceArn()).orElseThrow().agentConnected())
                .isTrue();
        assertThat(bench.simulator().managedInstance(after.managedInstanceId()).orElseThrow().pingStatus())
                .isEqualTo("Online");
        assertThat(stack.iam().authorizer().decisions()).filteredOn(d -> d.role().startsWith("Reconcile"))
                .extracting(BenchAuthorizer.Decision::action).contains("sqs:SendMessage");
        assertThat(stack.iam().authorizer().denials()).as("every call allowed by its role")
                .filteredOn(d -> !(d.role().startsWith("DrainStep") && d.action().startsWith("sqs:"))).isEmpty();

        LambdaFunction.Invocation third = stack.reconcileNow();
        assertThat(third.ok()).isTrue();
        assertThat(store.getNode("rp-host").orElseThrow().health().healthySince())
                .as("healthy again: the release waits out the debounce").isNotNull();
    }

    /**
     * The last resort: a node whose ECS agent is broken (it does not start, so the restart fails) is deregistered with
     * force through the drain workflow (the cleanup removes the broken installation) and registered again from its
     * record: a new managed instance and container instance, reported as NodeReregistered.
     */
    @Test
    void aNodeWhoseRestartDoesNotHelpIsReRegisteredUnderANewIdentity() throws Exception {
        SimulatedHost host = bench.host("rp-broken");
        send(Map.of("action", "register", "requestId", "rp-reg-2", "nodeId", "rp-broken", "address", host.address(),
                "port", host.port(), "sshUser", Bench.SSH_USER, "requestedBy", "it",
                "attributes", Map.of("rack", "r9"), "tags", Map.of("team", "blue")));
        NodeRecord registered = await("the registration", () -> store.getNode("rp-broken")
                .filter(n -> n.state() == NodeState.REGISTERED));
        Instant now = Instant.now();
        for (SeededNode n : bench.simulator().seedNodes(registered.cluster(), 4, "rp-fine",
                Map.of("ecsa:stack", stack.stackName()))) {
            store.createNodeIfAbsent(new NodeRecord(n.nodeId(), NodeState.REGISTERING, 1, registered.cluster(), null,
                    null, null, "192.0.2.41", 22, "ecsa", null, "seed-" + n.nodeId(), null, now, now, now));
            store.transition(n.nodeId(), new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                    NodeUpdate.none().withManagedInstanceId(n.managedInstanceId())
                            .withContainerInstanceArn(n.containerInstanceArn()));
        }
        // The installed ECS agent breaks: it stops and does not start again; SSM has not heard from it for an hour.
        host.breakAgentVersion("amazon-ecs-init", host.installedVersion("amazon-ecs-init").orElseThrow());
        host.exec("systemctl restart ecs");
        bench.simulator().agentSilentSince(registered.managedInstanceId(), now.minus(Duration.ofHours(1)));

        assertThat(stack.reconcileNow().ok()).isTrue(); // quarantine
        assertThat(stack.reconcileNow().ok()).isTrue(); // restart request
        String restartId = store.getNode("rp-broken").orElseThrow().health().restartRequestId();
        RequestRecord restart = await("the restart's outcome", () -> store.getRequest(restartId)
                .filter(RequestRecord::completed));
        assertThat(restart.outcome()).isEqualTo(Outcome.FAILED);

        assertThat(stack.reconcileNow().ok()).isTrue();
        assertThat(store.getNode("rp-broken").orElseThrow().health().reregistering())
                .as("the re-registration's deregistration was sent").isTrue();
        await("the deregistration", () -> store.getNode("rp-broken")
                .filter(n -> n.state() == NodeState.DEREGISTERED));
        assertThat(bench.simulator().managedInstance(registered.managedInstanceId()).orElseThrow().deregistered())
                .isTrue();

        assertThat(stack.reconcileNow().ok()).isTrue(); // the registration, from the node's record
        NodeRecord again = await("the registration under a new identity", () -> store.getNode("rp-broken")
                .filter(n -> n.state() == NodeState.REGISTERED
                        && !registered.managedInstanceId().equals(n.managedInstanceId())));
        assertThat(again.containerInstanceArn()).isNotEqualTo(registered.containerInstanceArn());
        assertThat(again.attributes()).containsEntry("rack", "r9");
        assertThat(again.tags()).containsEntry("team", "blue");
        assertThat(bench.simulator().containerInstance(again.containerInstanceArn()).orElseThrow().agentConnected())
                .as("the fresh installation runs").isTrue();

        assertThat(stack.reconcileNow().ok()).isTrue();
        assertThat(bench.simulator().events()).filteredOn(e -> e.detailType().equals("NodeReregistered"))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains(registered.managedInstanceId(),
                        again.managedInstanceId()));
        assertThat(store.getNode("rp-broken").orElseThrow().health().isNone()).isTrue();
        assertThat(stack.iam().authorizer().denials()).as("every call allowed by its role")
                .filteredOn(d -> !(d.role().startsWith("DrainStep") && d.action().startsWith("sqs:"))).isEmpty();
    }
}
