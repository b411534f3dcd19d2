package dev.ecsa.it.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/** What the contract does not cover: the item layout on the wire, TTL, pagination, history, races, errors. */
@ExtendWith(DynaliteExtension.class)
class DynamoDbNodeStoreIT {

    private static final Duration RETENTION = Duration.ofDays(30);
    private static DynamoDbClient dynamo;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private String table;
    private DynamoDbNodeStore store;

    @BeforeAll
    static void client(DynaliteServer server) {
        dynamo = BenchDynamo.client(server);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void newTable() {
        table = "store-" + UUID.randomUUID().toString().substring(0, 8);
        InventoryTable.ensure(dynamo, table, Duration.ofSeconds(10));
        store = new DynamoDbNodeStore(dynamo, table, RETENTION, clock, 3);
    }

    private static RegisterRequest register(String requestId, String nodeId) {
        return new RegisterRequest(requestId, nodeId, "10.0.0.5", 22, "ecsa", null, "edge", Map.of(), Map.of(),
                "provisioner", "");
    }

    private Map<String, AttributeValue> raw(String pk, String sk) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    private NodeRecord registeredNode(String nodeId) {
        store.createNodeIfAbsent(NodeRecord.newRegistration(register("r-" + nodeId, nodeId), "edge",
                clock.instant()));
        return store.transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none()).orThrow();
    }

    @Test
    void itemsHaveTheDocumentedLayout() {
        registeredNode("node-1");
        Map<String, AttributeValue> node = raw("NODE#node-1", "NODE");
        assertThat(node.get("state").s()).isEqualTo("REGISTERED");
        assertThat(node.get("version").n()).isEqualTo("2");
        assertThat(node.get("updatedAt").s()).isEqualTo("2026-03-01T12:00:00.000000000Z");
        assertThat(node).doesNotContainKey("expiresAt");

        store.putRequestIfAbsent(RequestRecord.received(register("req-1", "node-1"), clock.instant()));
        Map<String, AttributeValue> request = raw("REQUEST#req-1", "REQUEST");
        assertThat(request.get("nodeId").s()).isEqualTo("node-1");
        assertThat(request.get("action").s()).isEqualTo("REGISTER");
        assertThat(request).doesNotContainKey("state");
        Map<String, AttributeValue> entry = raw("NODE#node-1", "REQUEST#2026-03-01T12:00:00.000000000Z#req-1");
        assertThat(entry.get("requestId").s()).isEqualTo("req-1");
    }

    @Test
    void requestItemsExpireRetentionAfterReceiptAndThenAfterTheirFinish() {
        Instant received = clock.instant();
        store.putRequestIfAbsent(RequestRecord.received(register("req-1", "node-1"), received));
        long atReceipt = received.plus(RETENTION).getEpochSecond();
        assertThat(raw("REQUEST#req-1", "REQUEST").get("expiresAt").n()).isEqualTo(Long.toString(atReceipt));
        clock.advance(Duration.ofHours(2));
        store.finishRequest("req-1", Outcome.REGISTERED, null);
        long atFinish = clock.instant().plus(RETENTION).getEpochSecond();
        assertThat(raw("REQUEST#req-1", "REQUEST").get("expiresAt").n()).isEqualTo(Long.toString(atFinish));
        assertThat(raw("NODE#node-1", "REQUEST#2026-03-01T12:00:00.000000000Z#req-1").get("expiresAt").n())
                .isEqualTo(Long.toString(atReceipt));
    }

    @Test
    void listingByStateFollowsEveryPage() {
        List<String> registered = IntStream.range(0, 11).mapToObj(i -> "reg-" + i).toList();
        registered.forEach(id -> {
            clock.advance(Duration.ofSeconds(1));
            registeredNode(id);
        });
        for (int i = 0; i < 4; i++) {
            store.createNodeIfAbsent(NodeRecord.newRegistration(register("q-" + i, "new-" + i), "edge",
                    clock.instant()));
        }
        // page size 3: 11 nodes take four pages
        assertThat(store.listNodesByState(NodeState.REGISTERED)).extracting(NodeRecord::nodeId)
                .containsExactlyInAnyOrderElementsOf(registered);
        assertThat(store.listNodesByState(NodeState.REGISTERING)).hasSize(4);
        DynamoDbNodeStore onePerPage = new DynamoDbNodeStore(dynamo, table, RETENTION, clock, 1);
        DynamoDbNodeStore defaultPages = new DynamoDbNodeStore(dynamo, table, RETENTION, clock);
        assertThat(onePerPage.listNodesByState(NodeState.REGISTERED)).hasSize(11);
        assertThat(defaultPages.listNodesByState(NodeState.REGISTERED))
                .containsExactlyInAnyOrderElementsOf(store.listNodesByState(NodeState.REGISTERED));
    }

    @Test
    void aNodesHistoryListsItsRequestsNewestFirstOnce() {
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            store.putRequestIfAbsent(RequestRecord.received(register("req-" + i, "node-1"), clock.instant()));
        }
        store.putRequestIfAbsent(RequestRecord.received(register("other", "node-2"), clock.instant()));
        // a redelivery a minute later stores nothing new and adds no second history entry
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.putRequestIfAbsent(RequestRecord.received(register("req-3", "node-1"), clock.instant())))
                .isFalse();
        store.finishRequest("req-5", Outcome.REGISTERED, null);

        assertThat(store.history("node-1", 100)).extracting(RequestRecord::requestId)
                .containsExactly("req-5", "req-4", "req-3", "req-2", "req-1");
        assertThat(store.history("node-1", 4)).extracting(RequestRecord::requestId)
                .containsExactly("req-5", "req-4", "req-3", "req-2");
        assertThat(store.history("node-1", 1).get(0).result()).contains(Outcome.REGISTERED);
        assertThat(store.history("node-2", 10)).extracting(RequestRecord::action).containsExactly(Action.REGISTER);
        assertThat(store.history("never-seen", 10)).isEmpty();
    }

    @Test
    void racingWalksThroughTheStateMachineLoseNoMove() throws Exception {
        registeredNode("node-1");
        int threads = 4;
        int attemptsEach = 15;
        List<Callable<Integer>> walkers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            walkers.add(() -> {
                int applied = 0;
                for (int i = 0; i < attemptsEach; i++) {
                    NodeRecord seen = store.getNode("node-1").orElseThrow();
                    NodeState to = seen.state() == NodeState.REGISTERED ? NodeState.DRAINING : NodeState.REGISTERED;
                    TransitionResult r = store.transition("node-1", new Transition(seen.state(), to, seen.version()),
                            NodeUpdate.none());
                    if (r.decision() == TransitionDecision.APPLY) {
                        // the item returned is the one this write produced, not a later read
                        assertThat(r.node().state()).isEqualTo(to);
                        assertThat(r.node().version()).isEqualTo(seen.version() + 1);
                        applied++;
                    }
                }
                return applied;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int applied = 0;
        try {
            for (Future<Integer> f : pool.invokeAll(walkers)) {
                applied += f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        NodeRecord end = store.getNode("node-1").orElseThrow();
        // every APPLY moved the version exactly once; none overwrote another
        assertThat(end.version()).isEqualTo(2 + applied);
        assertThat(applied).isPositive();
        assertThat(end.state()).isEqualTo(applied % 2 == 0 ? NodeState.REGISTERED : NodeState.DRAINING);
    }

    @Test
    void aMissingTableIsAPermanentErrorNamingIt() {
        DynamoDbNodeStore nowhere = new DynamoDbNodeStore(dynamo, "no-such-table", RETENTION, clock);
        assertThatThrownBy(() -> nowhere.getNode("node-1")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("'no-such-table'").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> nowhere.listNodesByState(NodeState.REGISTERED))
                .isInstanceOf(PermanentException.class);
    }

    @Test
    void anUnreachableDynamoDbIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (DynamoDbClient down = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build()) {
            DynamoDbNodeStore store = new DynamoDbNodeStore(down, table, RETENTION, clock);
            assertThatThrownBy(() -> store.getNode("node-1")).isInstanceOf(RetryableException.class)
                    .satisfies(e -> assertThat(((NodeOperationException) e).reason()).isEqualTo(Reason.AWS_UNAVAILABLE));
        }
    }

    @Test
    void ensuringTheTableIsIdempotentAndRefusesAnotherSchema() {
        assertThat(InventoryTable.ensure(dynamo, table, Duration.ofSeconds(5)).keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly("pk:" + KeyType.HASH, "sk:" + KeyType.RANGE);
        String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
        dynamo.createTable(b -> b.tableName(other).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
        assertThatThrownBy(() -> InventoryTable.ensure(dynamo, other, Duration.ofSeconds(5)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("another schema");
    }
}
