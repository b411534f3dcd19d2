package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.store.Json;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.PublishedEvent;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SecretsManagerSecretSource and EventBridgeEventPublisher, unchanged, against the control-plane simulator. */
class SecretsManagerAndEventBridgeIT {

    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n"
            + "-----END OPENSSH PRIVATE KEY-----\n";

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static AwsClients clients;
    private static SecretsManagerSecretSource secrets;
    private static EventBridgeEventPublisher events;

    @BeforeAll
    static void build() {
        clients = SimulatorClients.of(SIM.simulator());
        secrets = new SecretsManagerSecretSource(clients.secretsManager());
        events = clients.eventPublisher("ecsa-bus");
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @AfterEach
    void clear() {
        SIM.simulator().faults().clear();
        SIM.simulator().clearEvents();
    }

    @Test
    void readsTheSshKeyByName() {
        SIM.simulator().putSecret("ecsa/ssh-private-key", KEY);

        SshPrivateKey key = secrets.sshPrivateKey("ecsa/ssh-private-key");

        assertThat(key.keyText()).isEqualTo(KEY);
        assertThat(key.toString()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU");
    }

    @Test
    void aMissingSecretIsPermanentlyUnavailable() {
        assertThatThrownBy(() -> secrets.sshPrivateKey("ecsa/absent"))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SECRET_UNAVAILABLE);
                    assertThat(e.detail()).contains("ecsa/absent").contains("ResourceNotFoundException");
                });
    }

    @Test
    void aThrottledSecretReadIsRetryablyUnavailableAndCarriesNoKey() {
        SIM.simulator().putSecret("ecsa/throttled", KEY);
        SIM.simulator().faults().failNext(ControlPlaneSimulator.SECRETS_PREFIX + ".GetSecretValue",
                Fault.throttling(), 3);

        assertThatThrownBy(() -> secrets.sshPrivateKey("ecsa/throttled"))
                .isInstanceOfSatisfying(RetryableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SECRET_UNAVAILABLE);
                    assertThat(e.getMessage()).doesNotContain("PRIVATE KEY");
                });
    }

    @Test
    void publishesTheEventWithSourceDetailTypeDetailAndBus() throws Exception {
        events.publish(new NodeEvent.NodeDrainTimedOut("node-1", "req-1", "revert", "reverted",
                List.of("arn:aws:ecs:us-east-1:123456789012:task/edge/1")));

        List<PublishedEvent> published = SIM.simulator().events();
        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("ecsa.lifecycle");
            assertThat(e.detailType()).isEqualTo("NodeDrainTimedOut");
            assertThat(e.eventBusName()).isEqualTo("ecsa-bus");
        });
        JsonNode detail = Json.mapper().readTree(published.get(0).detail());
        assertThat(detail.get("nodeId").asText()).isEqualTo("node-1");
        assertThat(detail.get("requestId").asText()).isEqualTo("req-1");
        assertThat(detail.get("action").asText()).isEqualTo("reverted");
        assertThat(detail.get("blockingTasks")).hasSize(1);
    }

    @Test
    void publishingThrottledBeyondTheSdkAttemptsIsRetryable() {
        SIM.simulator().faults().failNext(ControlPlaneSimulator.EVENTS_PREFIX + ".PutEvents", Fault.throttling(), 3);

        assertThatThrownBy(() -> events.publish(new NodeEvent.NodeDeregistered("node-1", "req-1", false)))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
        assertThat(SIM.simulator().events()).isEmpty();
    }
}
