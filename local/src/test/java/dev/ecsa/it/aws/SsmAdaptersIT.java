package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.ManagedInstanceView;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilter;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilterKeys;
import software.amazon.awssdk.services.ssm.model.Tag;

/** SsmHybridActivations and SsmManagedInstances, unchanged, against the control-plane simulator. */
class SsmAdaptersIT {

    private static final String DESCRIBE = ControlPlaneSimulator.SSM_PREFIX + ".DescribeInstanceInformation";

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static AwsClients clients;
    private static SsmHybridActivations activations;
    private static SsmManagedInstances managed;

    @BeforeAll
    static void build() {
        clients = SimulatorClients.of(SIM.simulator());
        activations = new SsmHybridActivations(clients.ssm(), "ecsAnywhereRole", "EcsaIT");
        managed = new SsmManagedInstances(clients.ssm(), "EcsaIT");
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @AfterEach
    void clearFaults() {
        SIM.simulator().faults().clear();
    }

    private static ActivationSpec spec(String nodeId) {
        return new ActivationSpec(nodeId, "req-" + nodeId, Instant.now().plus(Duration.ofMinutes(30))
                .truncatedTo(ChronoUnit.SECONDS), Map.of("team", "edge"));
    }

    private static software.amazon.awssdk.services.ssm.model.Activation describeActivation(String id) {
        return clients.ssm().describeActivations(r -> r.filters(DescribeActivationsFilter.builder()
                        .filterKey(DescribeActivationsFilterKeys.ACTIVATION_IDS).filterValues(id).build()))
                .activationList().stream().findFirst().orElse(null);
    }

    @Test
    void createsASingleUseTaggedActivationNamedAfterTheNode() {
        ActivationSpec spec = spec("node-create");

        Activation a = activations.create(spec);

        software.amazon.awssdk.services.ssm.model.Activation stored = describeActivation(a.activationId());
        assertThat(stored).isNotNull();
        assertThat(stored.registrationLimit()).isEqualTo(1);
        assertThat(stored.defaultInstanceName()).isEqualTo("node-create");
        assertThat(stored.iamRole()).isEqualTo("ecsAnywhereRole");
        assertThat(stored.expirationDate()).isEqualTo(spec.expiresAt());
        assertThat(stored.tags()).extracting(Tag::key, Tag::value).contains(
                org.assertj.core.groups.Tuple.tuple("ecsa:nodeId", "node-create"),
                org.assertj.core.groups.Tuple.tuple("ecsa:requestId", "req-node-create"),
                org.assertj.core.groups.Tuple.tuple("ecsa:stack", "EcsaIT"),
                org.assertj.core.groups.Tuple.tuple("team", "edge"));
        assertThat(a.code()).isNotBlank();
        assertThat(a.toString()).doesNotContain(a.code());
    }

    @Test
    void findsTheManagedInstanceOnlyAfterTheHostRegisteredAndItCarriesTheActivationTags() {
        Activation a = activations.create(spec("node-find"));
        assertThat(activations.findManagedInstance(a.activationId())).isEmpty();

        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "host-find", "192.0.2.7");

        ManagedInstance found = activations.findManagedInstance(a.activationId()).orElseThrow();
        assertThat(found.instanceId()).isEqualTo(mi);
        assertThat(found.activationId()).isEqualTo(a.activationId());
        assertThat(found.name()).isEqualTo("node-find");
        assertThat(found.pingStatus()).isEqualTo(PingStatus.ONLINE);
        assertThat(found.ipAddress()).isEqualTo("192.0.2.7");
        assertThat(found.platformName()).isEqualTo("Ubuntu");
        assertThat(found.platformVersion()).isEqualTo("22.04");
        assertThat(SIM.simulator().managedInstance(mi)).map(ManagedInstanceView::tags).get()
                .satisfies(tags -> assertThat(tags).containsEntry("ecsa:stack", "EcsaIT")
                        .containsEntry("ecsa:nodeId", "node-find"));
        assertThat(managed.describe(mi)).contains(found);
    }

    @Test
    void deletingAnActivationTwiceOrAnUnknownOneIsDoneAndLeavesTheInstanceRegistered() {
        Activation a = activations.create(spec("node-delete"));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "host-delete", "192.0.2.8");

        activations.delete(a.activationId());
        activations.delete(a.activationId());
        activations.delete(UUID.randomUUID().toString());

        assertThat(describeActivation(a.activationId())).isNull();
        assertThat(managed.describe(mi)).map(ManagedInstance::instanceId).contains(mi);
    }

    @Test
    void theNodesInstancesAreFoundByThisStacksTagsAndNoOtherStacksOrNodes() {
        Activation first = activations.create(spec("node-tags"));
        Activation second = activations.create(spec("node-tags"));
        Activation otherNode = activations.create(spec("node-tags-2"));
        Activation otherStack = new SsmHybridActivations(clients.ssm(), "ecsAnywhereRole", "OtherStack")
                .create(spec("node-tags"));
        String a = SIM.simulator().registerManagedInstance(first.activationId(), first.code(), "h1", "192.0.2.21");
        String b = SIM.simulator().registerManagedInstance(second.activationId(), second.code(), "h2", "192.0.2.22");
        SIM.simulator().registerManagedInstance(otherNode.activationId(), otherNode.code(), "h3", "192.0.2.23");
        SIM.simulator().registerManagedInstance(otherStack.activationId(), otherStack.code(), "h4", "192.0.2.24");

        assertThat(managed.registeredFor("node-tags")).containsExactlyInAnyOrder(a, b);
        managed.deregister(a);
        assertThat(managed.registeredFor("node-tags")).containsExactly(b);
        assertThat(managed.registeredFor("node-never")).isEmpty();
    }

    @Test
    void deregisteringTwiceIsDoneAndTheInstanceIsThenUnknown() {
        Activation a = activations.create(spec("node-dereg"));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "host-dereg", "192.0.2.9");

        managed.deregister(mi);
        managed.deregister(mi);

        assertThat(managed.describe(mi)).isEmpty();
        assertThat(activations.findManagedInstance(a.activationId())).isEmpty();
        assertThat(SIM.simulator().managedInstance(mi)).map(ManagedInstanceView::deregistered).contains(true);
    }

    @Test
    void connectionLostIsReported() {
        Activation a = activations.create(spec("node-ping"));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "host-ping", "192.0.2.10");

        SIM.simulator().setPingStatus(mi, "ConnectionLost");

        assertThat(managed.describe(mi)).map(ManagedInstance::pingStatus).contains(PingStatus.CONNECTION_LOST);
    }

    @Test
    void describingAnUnknownInstanceIsEmpty() {
        assertThat(managed.describe("mi-0000000000000000f")).isEmpty();
    }

    @Test
    void throttlingIsRetriedByTheSdkAndSucceedsWithinItsAttempts() {
        Activation a = activations.create(spec("node-throttle-ok"));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "host-t", "192.0.2.11");
        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext(DESCRIBE, Fault.throttling(), 2);

        assertThat(activations.findManagedInstance(a.activationId())).map(ManagedInstance::instanceId).contains(mi);
        assertThat(SIM.simulator().calls(DESCRIBE)).isEqualTo(3);
    }

    @Test
    void throttlingBeyondTheSdkAttemptsBecomesRetryableThrottled() {
        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext(DESCRIBE, Fault.throttling(), 3);

        assertThatThrownBy(() -> activations.findManagedInstance(UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
        assertThat(SIM.simulator().calls(DESCRIBE)).isEqualTo(3);
    }

    @Test
    void persistentServerErrorsBecomeRetryableUnavailable() {
        String op = ControlPlaneSimulator.SSM_PREFIX + ".DeregisterManagedInstance";
        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext(op, Fault.serverError(), 3);

        assertThatThrownBy(() -> managed.deregister("mi-0000000000000000e"))
                .isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE);
                });
        assertThat(SIM.simulator().calls(op)).isEqualTo(3);
    }

    @Test
    void anActivationSsmRejectsIsAPermanentInvalidRequest() {
        // IamRole longer than SSM's 64 characters: SSM's validation rejects it.
        SsmHybridActivations badRole = new SsmHybridActivations(clients.ssm(), "r".repeat(65), "EcsaIT");

        assertThatThrownBy(() -> badRole.create(spec("node-bad")))
                .isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
                    assertThat(e.detail()).startsWith("SSM CreateActivation failed: ValidationException (HTTP 400)");
                });
    }
}
