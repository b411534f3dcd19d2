package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.ServerException;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;

@ExtendWith(ControlPlaneSimulatorExtension.class)
class EcsApiIT {

    private static final String CLUSTER = "fleet";
    private static EcsClient ecs;
    private static List<SeededNode> nodes;

    @BeforeAll
    static void setUp(ControlPlaneSimulator sim) {
        ecs = SdkClients.ecs(sim);
        sim.createCluster(CLUSTER);
        nodes = sim.seedNodes(CLUSTER, 250, "ecs");
    }

    @AfterAll
    static void tearDown() {
        ecs.close();
    }

    private static List<String> list(String filter) {
        return ecs.listContainerInstancesPaginator(r -> r.cluster(CLUSTER).filter(filter)).containerInstanceArns()
                .stream().toList();
    }

    @Test
    void everyOperationRejectsAnUnknownCluster() {
        String arn = nodes.get(0).containerInstanceArn();
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster("nope"))).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.describeContainerInstances(r -> r.cluster("nope").containerInstances(arn)))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r -> r.cluster("nope").containerInstances(arn)
                .status(ContainerInstanceStatus.DRAINING))).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.deregisterContainerInstance(r -> r.cluster("nope").containerInstance(arn)))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.listTasks(r -> r.cluster("nope"))).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.describeTasks(r -> r.cluster("nope").tasks("x"))).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> { })).isInstanceOf(ClusterNotFoundException.class);
        assertThat(ecs.describeClusters(r -> r.clusters(CLUSTER, "nope")).failures())
                .singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        assertThat(ecs.describeClusters(r -> r.clusters(CLUSTER)).clusters().get(0).registeredContainerInstancesCount())
                .isEqualTo(250);
    }

    @Test
    void listsInPagesOfAtMostOneHundred() {
        ListContainerInstancesResponse first = ecs.listContainerInstances(r -> r.cluster(CLUSTER));
        assertThat(first.containerInstanceArns()).hasSize(100);
        assertThat(first.nextToken()).isNotBlank();
        List<String> all = ecs.listContainerInstancesPaginator(r -> r.cluster(CLUSTER).maxResults(70))
                .containerInstanceArns().stream().toList();
        assertThat(all).containsExactlyElementsOf(nodes.stream().map(SeededNode::containerInstanceArn).toList());
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER).maxResults(101)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER).maxResults(0)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER).nextToken("garbage!")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void filtersWithTheClusterQueryLanguage() {
        SeededNode a = nodes.get(3);
        SeededNode b = nodes.get(7);
        assertThat(list("ec2InstanceId == " + a.managedInstanceId())).containsExactly(a.containerInstanceArn());
        assertThat(list("ec2InstanceId in ['" + a.managedInstanceId() + "', \"" + b.managedInstanceId() + "\"]"))
                .containsExactly(a.containerInstanceArn(), b.containerInstanceArn());
        assertThat(list("ec2InstanceId in [" + a.managedInstanceId() + ", " + b.managedInstanceId() + "]")).hasSize(2);
        assertThat(list("attribute:nodeId == " + b.nodeId())).containsExactly(b.containerInstanceArn());
        assertThat(list("attribute:ecs.capability.external exists")).hasSize(250);
        assertThat(list("attribute:missing exists")).isEmpty();
        assertThat(list("attribute:nodeId == " + a.nodeId() + " || attribute:nodeId == " + b.nodeId())).hasSize(2);
        assertThat(list("attribute:nodeId == " + a.nodeId() + " and ec2InstanceId == " + b.managedInstanceId())).isEmpty();
        assertThat(list("(attribute:nodeId == " + a.nodeId() + " or attribute:nodeId == " + b.nodeId()
                + ") && agentConnected == true")).hasSize(2);
        assertThat(list("agentConnected == false")).isEmpty();
        assertThat(list("ec2InstanceId =~ " + a.managedInstanceId().substring(0, 10) + ".*")).contains(a.containerInstanceArn());

        for (String bad : List.of("ec2InstanceId ==", "foo == bar", "ec2InstanceId ~~ x", "(agentConnected == true",
                "ec2InstanceId in [a, b", "agentConnected == true &&")) {
            assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER).filter(bad)))
                    .as(bad).isInstanceOf(InvalidParameterException.class);
        }
    }

    @Test
    void describesUpToOneHundredAndReportsMissingOnes() {
        SeededNode a = nodes.get(0);
        String unknown = "arn:aws:ecs:us-east-1:123456789012:container-instance/" + CLUSTER + "/0123456789abcdef0123456789abcdef";
        DescribeContainerInstancesResponse got = ecs.describeContainerInstances(r -> r.cluster(CLUSTER)
                .containerInstances(a.containerInstanceArn(), unknown));
        assertThat(got.containerInstances()).singleElement().satisfies(ci -> {
            assertThat(ci.ec2InstanceId()).isEqualTo(a.managedInstanceId());
            assertThat(ci.status()).isEqualTo("ACTIVE");
            assertThat(ci.runningTasksCount()).isZero();
            assertThat(ci.registeredAt()).isNotNull();
            assertThat(ci.tags()).isEmpty();
        });
        assertThat(got.failures()).singleElement().satisfies(f -> {
            assertThat(f.arn()).isEqualTo(unknown);
            assertThat(f.reason()).isEqualTo("MISSING");
        });
        String shortId = a.containerInstanceArn().substring(a.containerInstanceArn().lastIndexOf('/') + 1);
        assertThat(ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(shortId))
                .containerInstances()).hasSize(1);

        List<String> hundredOne = IntStream.range(0, 101).mapToObj(i -> nodes.get(i).containerInstanceArn()).toList();
        assertThatThrownBy(() -> ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(hundredOne)))
                .isInstanceOf(InvalidParameterException.class);
        assertThat(ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(hundredOne.subList(0, 100)))
                .containerInstances()).hasSize(100);
    }

    @Test
    void updatesStateOfAtMostTenAndOnlyToActiveOrDraining() {
        List<String> eleven = IntStream.range(200, 211).mapToObj(i -> nodes.get(i).containerInstanceArn()).toList();
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r -> r.cluster(CLUSTER).containerInstances(eleven)
                .status(ContainerInstanceStatus.DRAINING))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r -> r.cluster(CLUSTER).containerInstances(eleven.get(0))
                .status("INACTIVE"))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r -> r.cluster(CLUSTER).containerInstances(eleven.get(0))
                .status(ContainerInstanceStatus.REGISTERING))).isInstanceOf(InvalidParameterException.class);

        String unknown = "0123456789abcdef0123456789abcdef";
        UpdateContainerInstancesStateResponse done = ecs.updateContainerInstancesState(r -> r.cluster(CLUSTER)
                .containerInstances(eleven.get(0), unknown).status(ContainerInstanceStatus.DRAINING));
        assertThat(done.containerInstances()).singleElement().satisfies(ci -> assertThat(ci.status()).isEqualTo("DRAINING"));
        assertThat(done.failures()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        assertThat(ecs.listContainerInstances(r -> r.cluster(CLUSTER).status(ContainerInstanceStatus.DRAINING))
                .containerInstanceArns()).containsExactly(eleven.get(0));

        ecs.updateContainerInstancesState(r -> r.cluster(CLUSTER).containerInstances(eleven.get(0))
                .status(ContainerInstanceStatus.ACTIVE));
        assertThat(ecs.listContainerInstances(r -> r.cluster(CLUSTER).status(ContainerInstanceStatus.DRAINING))
                .containerInstanceArns()).isEmpty();
    }

    @Test
    void throttlingIsRetriedAndServerErrorsSurfaceTyped(ControlPlaneSimulator sim) {
        String op = "AmazonEC2ContainerServiceV20141113.ListContainerInstances";
        sim.resetCalls();
        sim.faults().failNext(op, Fault.throttling(), 2);
        assertThat(ecs.listContainerInstances(r -> r.cluster(CLUSTER).maxResults(1)).containerInstanceArns()).hasSize(1);
        assertThat(sim.calls(op)).isEqualTo(3);

        sim.faults().failNext(op, Fault.throttling(), 3);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER)))
                .isInstanceOfSatisfying(EcsException.class, e -> {
                    assertThat(e.isThrottlingException()).isTrue();
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                });

        sim.faults().failNext(op, Fault.serverError(), 3);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster(CLUSTER))).isInstanceOf(ServerException.class);
        assertThat(sim.calls(op)).isEqualTo(9);
        assertThat(sim.faults().allCalls()).containsEntry(op, 9L);
    }

    @Test
    void rateBasedFaultsHitAboutTheirShareOfCalls(ControlPlaneSimulator sim) {
        String op = "AmazonEC2ContainerServiceV20141113.DescribeClusters";
        sim.faults().seed(7).failAtRate(op, Fault.throttling(), 0.5);
        sim.resetCalls();
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            try {
                ecs.describeClusters(r -> r.clusters(CLUSTER));
            } catch (EcsException e) {
                assertThat(e.isThrottlingException()).isTrue();
                failed++;
            }
        }
        sim.faults().clear();
        // Every call that finally failed used all its attempts; the rest needed retries now and then.
        assertThat(sim.calls(op)).isGreaterThan(20).isGreaterThanOrEqualTo(20 + 2L * failed);
        assertThat(failed).isLessThan(20);
        // Attempts that met the fault = all attempts minus the ones that succeeded: about half of them.
        long attempts = sim.calls(op);
        double throttledShare = (attempts - (20.0 - failed)) / attempts;
        assertThat(throttledShare).isBetween(0.3, 0.7);
    }
}
