package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

@ExtendWith(ControlPlaneSimulatorExtension.class)
class SecretsAndEventsIT {

    @Test
    void returnsStoredSecretsByNameOrArnAndRefusesUnknownOnes(ControlPlaneSimulator sim) {
        String arn = sim.putSecret("ecsa/ssh-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");
        try (SecretsManagerClient secrets = SdkClients.secrets(sim)) {
            GetSecretValueResponse byName = secrets.getSecretValue(r -> r.secretId("ecsa/ssh-key"));
            assertThat(byName.secretString()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
            assertThat(byName.arn()).isEqualTo(arn).startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:ecsa/ssh-key-");
            assertThat(byName.createdDate()).isNotNull();
            assertThat(secrets.getSecretValue(r -> r.secretId(arn)).name()).isEqualTo("ecsa/ssh-key");
            assertThatThrownBy(() -> secrets.getSecretValue(r -> r.secretId("missing")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void keepsPutEventsEntriesAndReturnsTheirIds(ControlPlaneSimulator sim) {
        sim.clearEvents();
        try (EventBridgeClient events = SdkClients.events(sim)) {
            PutEventsResponse response = events.putEvents(r -> r.entries(
                    PutEventsRequestEntry.builder().source("dev.ecsa.lifecycle").detailType("NodeRegistered")
                            .detail("{\"nodeId\":\"n1\"}").eventBusName("ecsa").resources("arn:x").build(),
                    PutEventsRequestEntry.builder().source("dev.ecsa.lifecycle").detailType("Broken")
                            .detail("not json").build()));
            assertThat(response.failedEntryCount()).isEqualTo(1);
            assertThat(response.entries().get(0).eventId()).isNotBlank();
            assertThat(response.entries().get(1).errorCode()).isEqualTo("InvalidArgument");

            List<PublishedEvent> kept = sim.events();
            assertThat(kept).singleElement().satisfies(e -> {
                assertThat(e.eventId()).isEqualTo(response.entries().get(0).eventId());
                assertThat(e.eventBusName()).isEqualTo("ecsa");
                assertThat(e.detailType()).isEqualTo("NodeRegistered");
                assertThat(e.detail()).isEqualTo("{\"nodeId\":\"n1\"}");
                assertThat(e.resources()).containsExactly("arn:x");
            });
        }
    }
}
