package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;

/** A 5,000-node fleet: the design's lookups stay one call each, whatever the fleet size. */
class ScaleIT {

    private static final int FLEET = 5_000;
    private static final String CLUSTER = "big";

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static SsmClient ssm;
    private static EcsClient ecs;
    private static List<SeededNode> nodes;

    @BeforeAll
    static void seed() {
        SIM.simulator().createCluster(CLUSTER);
        nodes = SIM.simulator().seedNodes(CLUSTER, FLEET, "node");
        ssm = SdkClients.ssm(SIM.simulator());
        ecs = SdkClients.ecs(SIM.simulator());
    }

    @AfterAll
    static void close() {
        ssm.close();
        ecs.close();
    }

    @Test
    void findsOneNodeByActivationIdAndClusterQueryInOneCallEach() {
        ControlPlaneSimulator sim = SIM.simulator();
        assertThat(sim.managedInstanceCount()).isEqualTo(FLEET);
        for (SeededNode node : List.of(nodes.get(0), nodes.get(FLEET / 2), nodes.get(FLEET - 1))) {
            sim.resetCalls();
            List<InstanceInformation> found = ssm.describeInstanceInformationPaginator(r -> r.filters(
                    InstanceInformationStringFilter.builder().key("ActivationIds").values(node.activationId()).build()))
                    .instanceInformationList().stream().toList();
            assertThat(found).extracting(InstanceInformation::instanceId).containsExactly(node.managedInstanceId());
            assertThat(found.get(0).name()).isEqualTo(node.nodeId());

            List<String> byMi = ecs.listContainerInstancesPaginator(r -> r.cluster(CLUSTER)
                    .filter("ec2InstanceId == " + node.managedInstanceId())).containerInstanceArns().stream().toList();
            List<String> byAttribute = ecs.listContainerInstancesPaginator(r -> r.cluster(CLUSTER)
                    .filter("attribute:nodeId == " + node.nodeId())).containerInstanceArns().stream().toList();
            assertThat(byMi).containsExactly(node.containerInstanceArn());
            assertThat(byAttribute).containsExactly(node.containerInstanceArn());

            assertThat(sim.calls("AmazonSSM.DescribeInstanceInformation")).isEqualTo(1);
            assertThat(sim.calls("AmazonEC2ContainerServiceV20141113.ListContainerInstances")).isEqualTo(2);
        }
    }

    @Test
    void paginatingTheWholeFleetTakesOneCallPerPage() {
        ControlPlaneSimulator sim = SIM.simulator();
        sim.resetCalls();
        long ssmCount = ssm.describeInstanceInformationPaginator(r -> r.maxResults(50)).instanceInformationList()
                .stream().count();
        long ecsCount = ecs.listContainerInstancesPaginator(r -> r.cluster(CLUSTER)).containerInstanceArns().stream().count();

        assertThat(ssmCount).isEqualTo(FLEET);
        assertThat(ecsCount).isEqualTo(FLEET);
        assertThat(sim.calls("AmazonSSM.DescribeInstanceInformation")).isEqualTo(FLEET / 50);
        assertThat(sim.calls("AmazonEC2ContainerServiceV20141113.ListContainerInstances")).isEqualTo(FLEET / 100);
    }
}
