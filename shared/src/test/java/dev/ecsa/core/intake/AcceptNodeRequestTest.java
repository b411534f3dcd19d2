package dev.ecsa.core.intake;


import dev.ecsa.core.deregister.DeregisterIntake;
import dev.ecsa.core.deregister.DeregisterSettings;
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
import dev.ecsa.core.register.BootstrapScripts;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class AcceptNodeRequestTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    private final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, managed);
    private final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    /** No test here gets as far as a host: a call would be a routing defect. */
    private final BootstrapScripts noScripts = new BootstrapScripts() {
        @Override
        public String render(dev.ecsa.core.register.BootstrapInput input) {
            throw new AssertionError("nothing may be rendered for a host");
        }

        @Override
        public dev.ecsa.core.register.BootstrapReport parse(dev.ecsa.core.port.ScriptResult result) {
            throw new AssertionError("nothing may run on a host");
        }
    };
    private static dev.ecsa.core.restart.RestartScript noRestartScript() {
        return new dev.ecsa.core.restart.RestartScript() {
            @Override
            public String text() {
                throw new AssertionError("nothing may run on a host");
            }

            @Override
            public Report interpret(dev.ecsa.core.port.ScriptResult result) {
                throw new AssertionError("nothing may run on a host");
            }
        };
    }

    private final AcceptNodeRequest requests = new AcceptNodeRequest(
            new RegisterNode(store, activations, managed, containers, new InMemoryRemoteHost(),
                    new InMemorySecretSource(), noScripts, events, clock, clock::advance,
                    RegistrationSettings.defaults("EcsaTest", "edge", "ecsa/ssh-private-key")),
            new DeregisterIntake(store, managed, containers, new InMemoryDrainWorkflow(), events, clock,
                    DeregisterSettings.defaults()),
            new dev.ecsa.core.restart.RestartAgents(store, managed, containers, new InMemoryRemoteHost(),
                    new InMemorySecretSource(), noRestartScript(), events, clock, clock::advance,
                    dev.ecsa.core.restart.RestartSettings.defaults("ecsa/ssh-private-key")),
            new dev.ecsa.core.deregister.UpgradeIntake(store, managed, containers, new InMemoryDrainWorkflow(), events,
                    clock, DeregisterSettings.defaults(), dev.ecsa.core.model.TargetVersions.none()),
            new RequestRejections(store, events, clock), Set.of("edge"));
    private final List<String> identified = new ArrayList<>();

    private IntakeResult accept(Map<String, Object> body) {
        return requests.accept(body, "m-1", Attempt.first(5), (requestId, nodeId) -> {
            identified.add(requestId);
            identified.add(nodeId);
        });
    }

    private static Map<String, Object> register(String cluster) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", "req-1");
        b.put("nodeId", "node-1");
        b.put("address", "10.0.0.7");
        b.put("sshUser", "ecsa");
        b.put("cluster", cluster);
        b.put("requestedBy", "provisioner");
        return b;
    }

    @Test
    void aRequestForAClusterTheStackDoesNotManageIsRecordedRejectedBeforeAnyActivation() {
        IntakeResult result = accept(register("prod-eu"));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        RequestRecord record = store.getRequest("req-1").orElseThrow();
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(record.requestedBy()).isEqualTo("provisioner");
        assertThat(identified).containsExactly("req-1", "node-1");
        assertThat(activations.all()).as("no activation was created").isEmpty();
    }

    @Test
    void anUndecodableBodyIsRecordedUnderTheMessagesId() {
        IntakeResult result = requests.undecodable("the body is not a JSON object", "m-9");

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(store.getRequest(RequestRejections.fallbackId("m-9"))).isPresent();
    }

    @Test
    void aDeregistrationGoesToTheDeregistrationIntake() {
        IntakeResult result = accept(Map.of("action", "deregister", "requestId", "req-2", "nodeId", "node-9",
                "requestedBy", "ops"));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(store.getRequest("req-2").orElseThrow().failure().reason()).isEqualTo(Reason.NOT_REGISTERED);
        assertThat(identified).containsExactly("req-2", "node-9");
    }

    @Test
    void aBodyWithTwentySevenThousandBadAttributesIsRecordedRejectedWithABoundedMessageAndPublished() {
        Map<String, Object> body = register("edge");
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (int i = 0; i < 27_000; i++) {
            attributes.put("bad key " + i, "bad value;" + i);
        }
        body.put("attributes", attributes);

        IntakeResult result = accept(body);

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        RequestRecord record = store.getRequest("req-1").orElseThrow();
        assertThat(record.failure().message()).startsWith("Invalid request (54001 problems, the first 10 listed): ")
                .hasSizeLessThan(2_000);
        assertThat(events.events()).singleElement().isInstanceOf(NodeEvent.NodeRequestRejected.class);
    }

    @Test
    void aRejectionTellsTheProducerThatACorrectedRequestNeedsANewRequestId() {
        Map<String, Object> body = register("edge");
        body.put("address", "10.0.0.7;reboot");

        accept(body);

        assertThat(store.getRequest("req-1").orElseThrow().failure().message())
                .endsWith("Send the corrected request with a new requestId: req-1 stays rejected.");
    }

    @Test
    void aCorrectedResendUnderTheRejectedIdIsRecordedAsAConflictNotSilentlyReplayed() {
        Map<String, Object> bad = register("edge");
        bad.put("address", "10.0.0.7;reboot");
        accept(bad);

        IntakeResult result = requests.accept(register("edge"), "m-2", Attempt.first(5), (r, n) -> { });

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.requestId()).isEqualTo("sqs-m-2");
        assertThat(store.getRequest("sqs-m-2").orElseThrow().failure().message())
                .contains("req-1 was rejected as invalid", "new request id");
        assertThat(store.getRequest("req-1").orElseThrow().failure().message()).as("the rejection is kept")
                .contains("address must be");
        assertThat(events.events()).hasSize(2).last().isInstanceOfSatisfying(NodeEvent.NodeRequestRejected.class,
                e -> assertThat(e.requestId()).isEqualTo("req-1"));
        assertThat(activations.all()).as("nothing ran").isEmpty();
    }

    @Test
    void theSameIdWithAnotherInvalidBodyIsRecordedAsAConflictAndTheFirstRejectionKept() {
        Map<String, Object> first = register("edge");
        first.put("port", 0);
        accept(first);
        String firstMessage = store.getRequest("req-1").orElseThrow().failure().message();
        Map<String, Object> second = register("edge");
        second.put("sshUser", "Root Admin");

        IntakeResult result = requests.accept(second, "m-3", Attempt.first(5), (r, n) -> { });

        assertThat(result.requestId()).isEqualTo("sqs-m-3");
        assertThat(store.getRequest("sqs-m-3").orElseThrow().failure().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(store.getRequest("req-1").orElseThrow().failure().message()).isEqualTo(firstMessage);
        assertThat(events.events()).hasSize(2);
    }
}
