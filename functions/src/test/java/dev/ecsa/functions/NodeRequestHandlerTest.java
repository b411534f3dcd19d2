package dev.ecsa.functions;


import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.functions.sqs.SqsBatchResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.ecsa.core.deregister.DeregisterSettings;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.fakes.InMemorySecretSource;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.ScriptedHost;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.store.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;

class NodeRequestHandlerTest {

    static final String ADDRESS = "10.0.0.7";
    static final String HOST_KEY = "SHA256:" + "A".repeat(42) + "E";
    static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nk\n-----END OPENSSH PRIVATE KEY-----";

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, managed);
    final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    final InMemoryRemoteHost remote = new InMemoryRemoteHost();
    final InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();
    final InMemoryEventPublisher published = new InMemoryEventPublisher();
    final ScriptedHost host = new ScriptedHost(activations, containers);
    final NodeRequestHandler handler;

    NodeRequestHandlerTest() {
        remote.addHost(ADDRESS, 22, HOST_KEY, "ecsa", KEY_TEXT, host);
        Intake intake = new Intake(store, activations, managed, containers, remote,
                new InMemorySecretSource().put("ecsa/ssh", KEY_TEXT),
                new TemplateBootstrapScripts(new TemplateBootstrapScripts.Settings("eu-west-1",
                        "http://127.0.0.1:18080/ecs-anywhere-install.sh", "=https,http",
                        new InstallScriptPin.Sha256("ab".repeat(32)), "", 0, "http://127.0.0.1:51679/v1/metadata",
                        "")),
                workflow, published, clock, RegistrationSettings.defaults("EcsaTest", "edge", "ecsa/ssh"), DeregisterSettings.defaults(),
                Intake.DEFAULT_MAX_RECEIVES, Intake.DEFAULT_SAFETY_MARGIN);
        handler = new NodeRequestHandler(intake, pauses::add);
    }

    /** The pauses the handler took between its last tries to publish an event (none are slept). */
    final List<Duration> pauses = new ArrayList<>();

    static Map<String, Object> registerBody(String requestId, String nodeId) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", requestId);
        b.put("nodeId", nodeId);
        b.put("address", ADDRESS);
        b.put("port", 22);
        b.put("sshUser", "ecsa");
        b.put("hostKeyFingerprint", HOST_KEY);
        b.put("cluster", "edge");
        b.put("attributes", Map.of("rack", "r12"));
        b.put("tags", Map.of("team", "edge"));
        b.put("requestedBy", "provisioner");
        b.put("reason", "new rack");
        return b;
    }

    static String json(Object body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message as Lambda delivers it from the FIFO queue (the fixture), with this id, body and receive count. */
    static ObjectNode message(String id, String body, int receiveCount) {
        ObjectNode m;
        try (InputStream in = NodeRequestHandlerTest.class.getResourceAsStream("/events/sqs-fifo-node-request.json")) {
            m = (ObjectNode) Json.mapper().readTree(in).get("Records").get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        m.put("messageId", id);
        m.put("body", body);
        ((ObjectNode) m.get("attributes")).put("ApproximateReceiveCount", Integer.toString(receiveCount));
        return m;
    }

    static ObjectNode event(ObjectNode... messages) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.putArray("Records").addAll(List.of(messages));
        return e;
    }

    /** One invocation through Lambda's entry: the event as JSON in, the response as JSON out. */
    private SqsBatchResponse invoke(ObjectNode event, com.amazonaws.services.lambda.runtime.Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.mapper().writeValueAsBytes(event)), out, context);
            return Json.mapper().readValue(out.toByteArray(), SqsBatchResponse.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> failures(SqsBatchResponse r) {
        return r.batchItemFailures().stream().map(SqsBatchResponse.ItemFailure::itemIdentifier).toList();
    }

    @Test
    void aValidRegistrationRunsAndIsAcknowledged() throws Exception {
        SqsBatchResponse response = invoke(
                event(message("m-1", json(registerBody("req-1", "node-1")), 1)), null);

        assertThat(failures(response)).isEmpty();
        assertThat(store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(remote.runs()).hasSize(1);
        assertThat(dev.ecsa.functions.intake.TemplateBootstrapScriptsTestAccess.bashSyntaxCheck(host.scripts().get(0)))
                .isZero();
        // Compared as JSON objects: the request's attributes are a Map.of, whose order changes from JVM to JVM.
        assertThat(Json.mapper().readValue(ScriptedHost.values(host.scripts().get(0)).get("ECS_INSTANCE_ATTRIBUTES"),
                Map.class)).isEqualTo(Map.of("rack", "r12", "ecsa.nodeId", "node-1"));
        assertThat(activations.live()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "", "[1,2]", "\"register\"", "null",
        "{\"action\":\"register\",\"action\":\"deregister\"}"})
    void anUndecodableBodyIsRejectedUnderTheMessageIdAndAcknowledged(String body) {
        SqsBatchResponse response = invoke(event(message("6a1b-m2", body, 1)), null);

        assertThat(failures(response)).isEmpty();
        RequestRecord record = store.getRequest("sqs-6a1b-m2").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(record.failure().message()).startsWith("Invalid request: the body is not");
        assertThat(published.eventsOf(NodeEvent.NodeRequestRejected.class)).hasSize(1);
        assertThat(remote.runs()).isEmpty();
    }

    static Stream<Arguments> injections() {
        List<String> shell = List.of("$(touch /tmp/pwned)", "`id`", "a;reboot", "a'b", "a\"b", "a b", "a\nb",
                "a|b", "a&b", "a>b", "--help", "a\\b", "\u0000", "\u202e", "");
        List<String> text = List.of("a\nb", "a\u0000b", "a\u202eb", "a\rb", "x".repeat(2000));
        List<Arguments> out = new ArrayList<>();
        for (String field : List.of("requestId", "nodeId", "address", "port", "sshUser", "hostKeyFingerprint",
                "cluster", "attributes.key", "attributes.value", "tags.key", "tags.value")) {
            for (String p : shell) {
                boolean jsonContent = field.startsWith("attributes.") || field.startsWith("tags.");
                // Map entries end up inside a JSON document in ecs.config, never as an argument, so a leading "--"
                // is harmless there; an empty tag value is legal.
                if ((p.equals("--help") && jsonContent)
                        || (p.isEmpty() && field.equals("tags.value"))) {
                    continue;
                }
                out.add(Arguments.of(field, p));
            }
        }
        for (String field : List.of("requestedBy", "reason")) {
            text.forEach(p -> out.add(Arguments.of(field, p)));
        }
        for (String p : List.of("register;reboot", "REGISTER", "register ")) {
            out.add(Arguments.of("action", p));
        }
        out.add(Arguments.of("extra", "$(id)"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("injections")
    void hostileValuesInAnyFieldAreRejectedAndNothingRuns(String field, String payload) {
        Map<String, Object> body = registerBody("req-1", "node-1");
        switch (field) {
            case "attributes.key" -> body.put("attributes", Map.of(payload, "v"));
            case "attributes.value" -> body.put("attributes", Map.of("k", payload));
            case "tags.key" -> body.put("tags", Map.of(payload, "v"));
            case "tags.value" -> body.put("tags", Map.of("k", payload));
            case "extra" -> body.put("hostkeyFingerprint", payload);
            default -> body.put(field, field.equals("port") && !payload.isEmpty() ? "22" + payload : payload);
        }

        SqsBatchResponse response = invoke(event(message("m-9", json(body), 1)), null);

        assertThat(failures(response)).isEmpty();
        assertThat(remote.runs()).isEmpty();
        assertThat(activations.all()).isEmpty();
        assertThat(store.getNode("node-1")).isEmpty();
        String key = field.equals("requestId") ? "sqs-m-9" : "req-1";
        RequestRecord record = store.getRequest(key).orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().message()).startsWith("Invalid request");
        if (payload.length() > 2) {
            assertThat(record.failure().message()).doesNotContain(payload);
        }
    }

    /**
     * ECS allows a cluster name starting with "-", which the install script would read as an option; the validator
     * refuses it, so such a request is rejected before any activation exists.
     */
    @Test
    void aClusterThatLooksLikeAnOptionNeverReachesTheHost() {
        Map<String, Object> body = registerBody("req-1", "node-1");
        body.put("cluster", "--help");

        SqsBatchResponse response = invoke(event(message("m-1", json(body), 1)), null);

        assertThat(failures(response)).isEmpty();
        assertThat(remote.runs()).isEmpty();
        assertThat(activations.all()).isEmpty();
        RequestRecord record = store.getRequest("req-1").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(record.failure().message()).contains("cluster");
    }

    @Test
    void aRetryableFailureIsABatchItemFailureUntilTheLastDelivery() {
        remote.setReachable(ADDRESS, 22, false);
        String body = json(registerBody("req-1", "node-1"));

        SqsBatchResponse first = invoke(event(message("m-1", body, 1)), null);

        assertThat(failures(first)).containsExactly("m-1");
        assertThat(store.getRequest("req-1").orElseThrow().completed()).isFalse();

        SqsBatchResponse last = invoke(event(message("m-1", body, Intake.DEFAULT_MAX_RECEIVES)), null);

        assertThat(failures(last)).isEmpty();
        RequestRecord record = store.getRequest("req-1").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
        assertThat(activations.live()).isEmpty();
    }

    /** The soak's finding (docs/soak.md): the last delivery's rejection event throttled lost the outcome. */
    @Test
    void aLastDeliveryWhoseEventTheBusRefusesAtFirstRecordsItsOutcomeAndPublishesTheEventAfter() {
        SqsBatchResponse busy = lastDeliveryOfARegisterForABusyNode(2);

        assertThat(failures(busy)).as("acknowledged: no delivery follows").isEmpty();
        RequestRecord record = store.getRequest("req-2").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.NODE_BUSY);
        assertThat(published.eventsOf(NodeEvent.NodeRequestRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo("req-2"));
        assertThat(published.unpublished()).isEmpty();
        assertThat(pauses).as("one pause before the flush's second round").containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aLastDeliveryWhoseEventTheBusNeverTakesRecordsItsOutcomeAndCountsTheEventUnpublished() {
        SqsBatchResponse busy = lastDeliveryOfARegisterForABusyNode(1000);

        assertThat(failures(busy)).isEmpty();
        assertThat(store.getRequest("req-2").orElseThrow().outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(published.eventsOf(NodeEvent.NodeRequestRejected.class)).isEmpty();
        assertThat(published.unpublished()).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo("req-2"));
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void anEarlierDeliveryWhoseEventTheBusRefusesIsReturnedAndTheNextPublishesAndRecords() {
        published.refuse(1, new dev.ecsa.core.error.RetryableException(Reason.THROTTLED, "PutEvents: Throttling"));
        String body = json(registerBody("req-1", "node-1"));

        SqsBatchResponse first = invoke(event(message("m-1", body, 1)), null);

        assertThat(failures(first)).as("returned: the next delivery publishes and records").containsExactly("m-1");
        assertThat(store.getRequest("req-1").orElseThrow().completed()).isFalse();
        assertThat(published.eventsOf(NodeEvent.NodeRegistered.class)).isEmpty();
        clock.advance(Duration.ofMinutes(16)); // the queue's visibility timeout: the first delivery's claim has lapsed

        SqsBatchResponse second = invoke(event(message("m-1", body, 2)), null);

        assertThat(failures(second)).isEmpty();
        assertThat(store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(published.eventsOf(NodeEvent.NodeRegistered.class)).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo("req-1"));
        assertThat(pauses).isEmpty();
    }

    /**
     * node-1 is held by req-1 (its host unreachable, so it waits for a redelivery); req-2 for node-1 arrives at its
     * last delivery while the bus refuses the next {@code refusals} publishes.
     */
    private SqsBatchResponse lastDeliveryOfARegisterForABusyNode(int refusals) {
        remote.setReachable(ADDRESS, 22, false);
        assertThat(failures(invoke(event(message("m-1", json(registerBody("req-1", "node-1")), 1)), null)))
                .containsExactly("m-1");
        published.refuse(refusals, new dev.ecsa.core.error.RetryableException(Reason.THROTTLED,
                "EventBridge PutEvents rejected NodeRequestRejected: ThrottlingException"));
        return invoke(event(message("m-2", json(registerBody("req-2", "node-1")), Intake.DEFAULT_MAX_RECEIVES)),
                null);
    }

    @Test
    void onlyTheRetryableMessageOfABatchIsReturned() {
        Map<String, Object> elsewhere = registerBody("req-3", "node-3");
        elsewhere.put("address", "10.0.0.99");

        SqsBatchResponse response = invoke(event(
                message("m-1", json(registerBody("req-1", "node-1")), 1),
                message("m-2", "{oops", 1),
                message("m-3", json(elsewhere), 2)), null);

        assertThat(failures(response)).containsExactly("m-3");
        assertThat(store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(store.getRequest("sqs-m-2").orElseThrow().outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test
    void aRequestIdReusedForAnotherNodeIsRecordedUnderTheMessagesKeyAndTheProducerTold() {
        invoke(event(message("m-1", json(registerBody("req-1", "node-1")), 1)), null);

        SqsBatchResponse response = invoke(
                event(message("m-2", json(registerBody("req-1", "node-2")), 1)), null);

        assertThat(failures(response)).isEmpty();
        assertThat(store.getNode("node-2")).isEmpty();
        assertThat(store.getRequest("req-1").orElseThrow().nodeId()).isEqualTo("node-1");
        RequestRecord conflict = store.getRequest("sqs-m-2").orElseThrow();
        assertThat(conflict.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(conflict.nodeId()).isEqualTo("node-2");
        assertThat(conflict.failure().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(conflict.failure().message()).contains("req-1", "node-1", "new request id");
        assertThat(published.events()).filteredOn(e -> e instanceof NodeEvent.NodeRequestRejected)
                .singleElement().satisfies(e -> {
                    NodeEvent.NodeRequestRejected rejected = (NodeEvent.NodeRequestRejected) e;
                    assertThat(rejected.requestId()).as("under the id the producer sent").isEqualTo("req-1");
                    assertThat(rejected.nodeId()).isEqualTo("node-2");
                });
    }

    @Test
    void aMessageWhoseOutcomeCannotBeRecordedIsReturnedForTheDeadLetterQueueNotAcknowledged() {
        store.refuseRequestWrites(new PermanentException(Reason.INTERNAL, "item size has exceeded the maximum"));

        SqsBatchResponse response = invoke(event(message("m-1", json(registerBody("req-1", "node-1")), 5)),
                null);

        assertThat(failures(response)).as("returned: SQS moves it to the DLQ after this last delivery")
                .containsExactly("m-1");
    }

    @Test
    void aDeregistrationStartsTheDrainWorkflow() {
        invoke(event(message("m-1", json(registerBody("req-1", "node-1")), 1)), null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "deregister");
        body.put("requestId", "req-2");
        body.put("nodeId", "node-1");
        body.put("drainTimeoutSeconds", "900");
        body.put("onTimeout", "keep");
        body.put("requestedBy", "operator");

        SqsBatchResponse response = invoke(event(message("m-2", json(body), 1)), null);

        assertThat(failures(response)).isEmpty();
        assertThat(store.getRequest("req-2").orElseThrow().status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(workflow.started()).singleElement().satisfies(s -> {
            assertThat(s.requestId()).isEqualTo("req-2");
            assertThat(s.deadline()).isEqualTo(store.getRequest("req-2").orElseThrow().receivedAt()
                    .plus(Duration.ofSeconds(900)));
        });
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DRAINING);
    }

    @Test
    void theActivationCodeIsInNoLogLineRecordOrEvent() {
        host.failInstallAndLeak = true;
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        System.setOut(capture);
        try {
            invoke(event(message("m-1", json(registerBody("req-1", "node-1")), 1)), null);
            host.failInstallAndLeak = false;
            invoke(event(message("m-2", json(registerBody("req-2", "node-2")), 1)), null);
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }

        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("req-1").contains("INSTALL_FAILED").contains("req-2");
        List<String> codes = activations.all().stream().map(a -> a.activation().code()).toList();
        assertThat(codes).hasSize(2);
        List<String> everything = new ArrayList<>();
        everything.add(logs);
        everything.add(store.getRequest("req-1").orElseThrow().toString());
        everything.add(store.getRequest("req-2").orElseThrow().toString());
        everything.add(store.getNode("node-1").orElseThrow().toString());
        everything.add(store.getNode("node-2").orElseThrow().toString());
        published.events().forEach(e -> everything.add(e.toString() + e.detail()));
        remote.runs().forEach(r -> everything.add(r.toString()));
        for (String code : codes) {
            assertThat(host.scripts()).anyMatch(s -> s.contains(code));
            assertThat(everything).allSatisfy(text -> assertThat(text).doesNotContain(code));
        }
        assertThat(store.getRequest("req-1").orElseThrow().failure().message()).contains("[REDACTED]");
    }

    @Test
    void theLambdaTimeLeftBoundsTheRegistration() {
        SqsBatchResponse response = invoke(
                event(message("m-1", json(registerBody("req-1", "node-1")), 1)), new TestContext(45_000));

        assertThat(failures(response)).isEmpty();
        assertThat(store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(activations.all()).isEmpty();
    }
}
