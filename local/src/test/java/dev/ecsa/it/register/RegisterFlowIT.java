package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.sim.PublishedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registration as deployed: messages on the bench's FIFO queue, the stack's event source mapping polling it with the
 * NodeRequest role, the node-request function from the deployment zip under the runtime interface client with the
 * template's environment and IAM enforced on every call, SSH (SSHJ) to MINA hosts running the real bootstrap, which
 * fetches the install-script stand-in, checks its SHA-256 and registers through the simulator.
 */
class RegisterFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), List.of(
                HostConfig.builder("reg-ok").build(),
                HostConfig.builder("reg-nosystemd").systemd(false).build(),
                HostConfig.builder("reg-rekeyed").systemd(false).build(),
                HostConfig.builder("reg-nosudo").passwordlessSudo(false).build()), List.of());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @AfterEach
    void noCallWasDenied() {
        assertThat(service.iam().authorizer().denials()).extracting(BenchAuthorizer.Decision::toString).isEmpty();
    }

    private static RequestRecord sendAndAwait(Map<String, Object> body) {
        service.send(body);
        return service.awaitOutcome((String) body.get("requestId"), WAIT);
    }

    private static Map<String, Object> register(String requestId, String nodeId) {
        return ServiceOnBench.registerRequest(requestId, service.target(nodeId));
    }

    @Test
    void aHostIsRegisteredOverSshVerifiedInSsmAndEcsAndRecorded() throws Exception {
        SimulatedHost host = service.bench().host("reg-ok");
        int before = service.bench().simulator().issuedActivationCodes().size();

        RequestRecord record = sendAndAwait(register("it-reg-ok", "reg-ok"));

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        List<String> codes = service.bench().simulator().issuedActivationCodes();
        assertThat(codes).hasSizeGreaterThan(before);
        List<String> everything = new ArrayList<>(service.tableItems());
        service.bench().simulator().events().forEach(e -> everything.add(e.detail()));
        everything.addAll(service.stack().nodeRequests().log());
        for (String code : codes.subList(before, codes.size())) {
            assertThat(everything).as("the activation code is in no item, event or line of the function's log")
                    .allSatisfy(text -> assertThat(text).doesNotContain(code));
        }
        NodeRecord node = service.store().getNode("reg-ok").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.hostKeyFingerprint()).isEqualTo(host.hostKeyFingerprint());
        assertThat(node.managedInstanceId()).matches("mi-[0-9a-f]{17}");
        assertThat(service.bench().simulator().managedInstance(node.managedInstanceId())).isPresent();
        assertThat(service.bench().simulator().containerInstance(node.containerInstanceArn())).isPresent();
        assertThat(service.activationsFor("reg-ok")).as("the activation was deleted after use").isZero();
        List<PublishedEvent> events = service.bench().simulator().events();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistered");
            assertThat(e.detail()).contains(node.managedInstanceId());
        });

        // A second request for the registered node: a cheap check, no new activation.
        long creates = service.bench().simulator().calls("AmazonSSM.CreateActivation");
        assertThat(sendAndAwait(register("it-reg-ok-2", "reg-ok")).outcome()).isEqualTo(Outcome.ALREADY_REGISTERED);
        assertThat(service.bench().simulator().calls("AmazonSSM.CreateActivation")).isEqualTo(creates);
    }

    @Test
    void aFailedPreflightIsRecordedWithItsReasonAndTheActivationDeleted() throws Exception {
        RequestRecord record = sendAndAwait(register("it-reg-nosystemd", "reg-nosystemd"));

        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(record.failure().message()).contains("NO_SYSTEMD");
        assertThat(service.store().getNode("reg-nosystemd").orElseThrow().state())
                .isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(service.activationsFor("reg-nosystemd")).isZero();
    }

    @Test
    void aChangedHostKeyIsRefusedAndNothingRuns() throws Exception {
        SimulatedHost host = service.bench().host("reg-rekeyed");
        sendAndAwait(register("it-reg-rekey-1", "reg-rekeyed"));
        String pinned = service.store().getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint();
        assertThat(pinned).isEqualTo(host.hostKeyFingerprint());
        host.replaceHostKey();

        RequestRecord record = sendAndAwait(register("it-reg-rekey-2", "reg-rekeyed"));

        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(service.store().getNode("reg-rekeyed").orElseThrow().hostKeyFingerprint()).isEqualTo(pinned);
        assertThat(service.activationsFor("reg-rekeyed")).as("the activation made for it was deleted").isZero();
    }

    @Test
    void aUserWithoutPasswordlessSudoIsReportedAsSuch() throws Exception {
        RequestRecord record = sendAndAwait(register("it-reg-nosudo", "reg-nosudo"));

        assertThat(record.failure().reason()).isEqualTo(Reason.SUDO_DENIED);
    }

    @Test
    void badJsonIsRejectedRecordedUnderTheMessageIdAndAcknowledged() throws Exception {
        String messageId = service.send("{\"action\": ", "bad-json", "bad-json");

        RequestRecord record = service.awaitOutcome("sqs-" + messageId, WAIT);

        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(service.deadLetters()).as("acknowledged, not dead-lettered").isEmpty();
    }
}
