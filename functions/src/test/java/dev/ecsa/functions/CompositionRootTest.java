package dev.ecsa.functions;


import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.drain.DrainPorts;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import static org.assertj.core.api.Assertions.assertThat;

class CompositionRootTest {

    @Test
    void buildsEveryFunctionsDependenciesFromOneConfiguration() {
        FunctionsConfig config = FunctionsConfig.from(Map.of(
                "ECSA_STACK_NAME", "Edge",
                "ECSA_CLUSTER", "edge-prod",
                "ECSA_MAX_RECEIVES", "7",
                "ECSA_DRAIN_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:Edge-drain"));
        CompositionRoot.Components components = components(config);

        Intake intake = components.intake();
        assertThat(intake.maxReceives()).isEqualTo(7);
        assertThat(intake.registration().stackName()).isEqualTo("Edge");
        assertThat(components.drainSteps().store()).isSameAs(intake.store());
        ReconcileDeps reconcile = components.reconcileDeps(Map.of());
        assertThat(reconcile.serviceName()).isEqualTo("Edge");
        assertThat(reconcile.settings().clusters()).containsExactly("edge-prod");
        components.clients().close();
    }

    @Test
    void aRepairThatRestartsSendsToTheQueueTheStackNamesAndFailsTheInitWithoutOne() {
        CompositionRoot.Components components = components(FunctionsConfig.from(Map.of("ECSA_CLUSTER", "edge",
                "ECSA_DRAIN_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:Edge-drain")));
        try {
            assertThat(components.reconcileDeps(Map.of()).restarts()).isNotInstanceOf(
                    dev.ecsa.functions.aws.SqsRepairRequests.class);
            assertThat(components.reconcileDeps(Map.of("ECSA_REPAIR_RESTART", "true", "ECSA_REQUEST_QUEUE_URL",
                    "https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo")).restarts())
                    .isInstanceOf(dev.ecsa.functions.aws.SqsRepairRequests.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> components.reconcileDeps(
                    Map.of("ECSA_REPAIR_RESTART", "true"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ECSA_REQUEST_QUEUE_URL");
        } finally {
            components.clients().close();
        }
    }

    @Test
    void aConfiguredSha256PinWinsOverTheSigningKey() {
        FunctionsConfig config = FunctionsConfig.from(Map.of("ECSA_INSTALL_SCRIPT_SHA256", "a".repeat(64)));
        assertThat(CompositionRoot.productionPin(config)).isEqualTo(new InstallScriptPin.Sha256("a".repeat(64)));
    }

    /** Nothing is fetched at init (SnapStart runs init at publish time, maybe with no route out): the key ships. */
    @Test
    void theDefaultPinIsAmazonEcsSigningKeyShippedInTheZipAndCheckedAgainstTheFingerprint() {
        InstallScriptPin pin = CompositionRoot.productionPin(FunctionsConfig.from(Map.of()));

        assertThat(pin).isInstanceOfSatisfying(InstallScriptPin.Gpg.class, gpg -> {
            assertThat(gpg.primaryFingerprint()).isEqualTo("F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F");
            assertThat(dev.ecsa.functions.host.OpenPgpKeys.primaryFingerprint(gpg.armoredPublicKey()))
                    .isEqualTo(gpg.primaryFingerprint());
        });
    }

    @Test
    void aConfiguredFingerprintThatIsNotTheShippedKeysFailsTheInitWithAWayOut() {
        FunctionsConfig other = FunctionsConfig.from(Map.of("ECSA_INSTALL_SCRIPT_GPG_FINGERPRINT", "A".repeat(40)));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompositionRoot.productionPin(other))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ECSA_INSTALL_SCRIPT_SHA256");
    }

    @Test
    void theManagedClustersStartWithTheDefaultAndReachTheIntake() {
        FunctionsConfig config = FunctionsConfig.from(Map.of("ECSA_CLUSTER", "edge-a", "ECSA_CLUSTERS",
                "edge-a, edge-b",
                "ECSA_DRAIN_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:Edge-drain"));
        CompositionRoot.Components components = components(config);

        assertThat(config.clusters()).containsExactly("edge-a", "edge-b");
        assertThat(components.intake().managedClusters()).containsExactlyInAnyOrder("edge-a", "edge-b");
        assertThat(components.reconcileDeps(Map.of()).settings().clusters()).containsExactly("edge-a", "edge-b");
        components.clients().close();
    }

    /** The graph on a given configuration, its clients pointed at a port nothing answers on (nothing is called). */
    private static CompositionRoot.Components components(FunctionsConfig config) {
        AwsClients.Settings aws = AwsClients.Settings.aws(Region.EU_WEST_1)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .withEndpoint(URI.create("http://127.0.0.1:9"));
        return CompositionRoot.build(config, aws, new InstallScriptPin.Sha256("0".repeat(64)), Clock.systemUTC());
    }
}
