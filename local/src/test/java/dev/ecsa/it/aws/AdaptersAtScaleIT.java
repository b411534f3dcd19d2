package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.SeededNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With 5,000 managed instances and a 5,000-instance cluster, the adapters' lookups cost the same few calls as in an
 * empty account (the node id is the identity: no scans, README "Architecture"). Counted by the simulator, per operation, retries included.
 */
class AdaptersAtScaleIT {

    private static final int FLEET = 5_000;
    private static final String CLUSTER = "fleet";
    private static final String SSM_DESCRIBE = ControlPlaneSimulator.SSM_PREFIX + ".DescribeInstanceInformation";
    private static final String ECS_LIST = ControlPlaneSimulator.ECS_PREFIX + ".ListContainerInstances";
    private static final String ECS_DESCRIBE = ControlPlaneSimulator.ECS_PREFIX + ".DescribeContainerInstances";

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static AwsClients clients;
    private static SsmHybridActivations activations;
    private static SsmManagedInstances managed;
    private static EcsContainerInstances ecs;
    private static List<SeededNode> fleet;

    @BeforeAll
    static void seed() {
        SIM.simulator().createCluster(CLUSTER);
        fleet = SIM.simulator().seedNodes(CLUSTER, FLEET, "seeded");
        clients = SimulatorClients.of(SIM.simulator());
        activations = new SsmHybridActivations(clients.ssm(), "ecsAnywhereRole", "EcsaIT");
        managed = new SsmManagedInstances(clients.ssm(), "EcsaIT");
        ecs = new EcsContainerInstances(clients.ecs());
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @Test
    void aNewNodeIsFoundInOneSsmCallAndTwoEcsCallsAmongFiveThousand() {
        Activation a = activations.create(new ActivationSpec("new-node", "req-new", Instant.now().plus(
                Duration.ofMinutes(30)), Map.of()));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), "new-node", "192.0.2.50");
        String arn = SIM.simulator().registerContainerInstance(CLUSTER, mi, Map.of("ecsa.nodeId", "new-node"),
                Map.of());
        assertThat(SIM.simulator().managedInstanceCount()).isEqualTo(FLEET + 1);
        SIM.simulator().resetCalls();

        ManagedInstance found = activations.findManagedInstance(a.activationId()).orElseThrow();
        assertThat(SIM.simulator().calls(SSM_DESCRIBE)).isEqualTo(1);

        ContainerInstance ci = ecs.findByManagedInstanceId(CLUSTER, found.instanceId()).orElseThrow();
        assertThat(SIM.simulator().calls(ECS_LIST)).isEqualTo(1);
        assertThat(SIM.simulator().calls(ECS_DESCRIBE)).isEqualTo(1);

        assertThat(found.instanceId()).isEqualTo(mi);
        assertThat(ci.arn()).isEqualTo(arn);
    }

    @Test
    void seededNodesAnywhereInTheFleetCostTheSameCalls() {
        for (SeededNode node : List.of(fleet.get(0), fleet.get(FLEET / 2), fleet.get(FLEET - 1))) {
            SIM.simulator().resetCalls();

            assertThat(activations.findManagedInstance(node.activationId())).map(ManagedInstance::instanceId)
                    .contains(node.managedInstanceId());
            assertThat(managed.describe(node.managedInstanceId())).map(ManagedInstance::name)
                    .contains(node.nodeId());
            assertThat(ecs.findByManagedInstanceId(CLUSTER, node.managedInstanceId())).map(ContainerInstance::arn)
                    .contains(node.containerInstanceArn());
            assertThat(ecs.findByAttribute(CLUSTER, "nodeId", node.nodeId())).map(ContainerInstance::arn)
                    .contains(node.containerInstanceArn());

            assertThat(SIM.simulator().calls(SSM_DESCRIBE)).isEqualTo(2);
            assertThat(SIM.simulator().calls(ECS_LIST)).isEqualTo(2);
            assertThat(SIM.simulator().calls(ECS_DESCRIBE)).isEqualTo(2);
        }
    }

    @Test
    void anUnknownIdIsAnsweredWithoutScanningTheFleet() {
        SIM.simulator().resetCalls();

        assertThat(activations.findManagedInstance("00000000-0000-4000-8000-000000000000")).isEmpty();
        assertThat(ecs.findByManagedInstanceId(CLUSTER, "mi-0000000000000000c")).isEmpty();

        assertThat(SIM.simulator().calls(SSM_DESCRIBE)).isEqualTo(1);
        assertThat(SIM.simulator().calls(ECS_LIST)).isEqualTo(1);
        assertThat(SIM.simulator().calls(ECS_DESCRIBE)).isZero();
    }
}
