package dev.ecsa.functions.aws;


import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.store.AwsFailures;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.DeregisterContainerInstanceRequest;
import software.amazon.awssdk.services.ecs.model.DeregisterContainerInstanceResponse;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;
import software.amazon.awssdk.services.ecs.model.VersionInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ECS adapter's filters, status logic, idempotency and task listing, against a scripted EcsClient. */
class EcsContainerInstancesTest {

    private static final String ARN = "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/abc";
    private static final String MI = "mi-0123456789abcdef0";

    private final Script script = new Script();
    private final EcsClient client = new EcsClient() {
        @Override
        public ListContainerInstancesResponse listContainerInstances(ListContainerInstancesRequest r) {
            return script.answer(r);
        }

        @Override
        public DescribeContainerInstancesResponse describeContainerInstances(DescribeContainerInstancesRequest r) {
            return script.answer(r);
        }

        @Override
        public UpdateContainerInstancesStateResponse updateContainerInstancesState(
                UpdateContainerInstancesStateRequest r) {
            return script.answer(r);
        }

        @Override
        public DeregisterContainerInstanceResponse deregisterContainerInstance(DeregisterContainerInstanceRequest r) {
            return script.answer(r);
        }

        @Override
        public ListTasksResponse listTasks(ListTasksRequest r) {
            return script.answer(r);
        }

        @Override
        public DescribeTasksResponse describeTasks(DescribeTasksRequest r) {
            return script.answer(r);
        }

        @Override
        public String serviceName() {
            return "ecs";
        }

        @Override
        public void close() {
        }
    };
    private final EcsContainerInstances ecs = new EcsContainerInstances(client);

    private static software.amazon.awssdk.services.ecs.model.ContainerInstance instance(String arn, String status,
                                                                                      Instant registeredAt) {
        return software.amazon.awssdk.services.ecs.model.ContainerInstance.builder()
                .containerInstanceArn(arn).ec2InstanceId(MI).status(status).agentConnected(true)
                .runningTasksCount(2).pendingTasksCount(1).registeredAt(registeredAt)
                .versionInfo(VersionInfo.builder().agentVersion("1.90.0").dockerVersion("DockerVersion: 25.0.5").build())
                .attributes(Attribute.builder().name("ecsa.nodeId").value("node-1").build(),
                        Attribute.builder().name("ecs.capability.external").build())
                .build();
    }

    private static DescribeContainerInstancesResponse described(String status) {
        return DescribeContainerInstancesResponse.builder()
                .containerInstances(instance(ARN, status, Instant.EPOCH)).build();
    }

    private static DescribeContainerInstancesResponse missing() {
        return DescribeContainerInstancesResponse.builder()
                .failures(Failure.builder().arn(ARN).reason("MISSING").build()).build();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(value = {"DockerVersion: 25.0.5|25.0.5", "20.10.17|20.10.17",
            "'  '|", "DockerVersion:|"}, delimiter = '|')
    void dockersVersionIsReadWithoutEcsPrefix(String reported, String expected) {
        assertThat(EcsContainerInstances.dockerVersion(reported)).isEqualTo(expected);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(value = {"256|256", "1 vCPU|1024", "0.5 vCPU|512", "2 GB|2048",
            "2gb|2048", "|0", "lots|0"}, delimiter = '|')
    void taskSizesAreReadInUnitsAndMebibytes(String value, int expected) {
        assertThat(EcsContainerInstances.units(value)).isEqualTo(expected);
    }

    @Test
    void tasksWithoutATaskLevelSizeShareWhatTheInstanceReservedBeyondTheSizedOnes() {
        List<dev.ecsa.core.port.ClusterLoad.Task> tasks = List.of(
                new dev.ecsa.core.port.ClusterLoad.Task("sized", "service:a", 512, 1024, true),
                new dev.ecsa.core.port.ClusterLoad.Task("u1", "service:b", 0, 0, true),
                new dev.ecsa.core.port.ClusterLoad.Task("u2", "family:c", 0, 0, false));

        assertThat(EcsContainerInstances.sized(tasks, 1536, 3072)).extracting(t -> t.cpu() + "/" + t.memory())
                .containsExactly("512/1024", "512/1024", "512/1024");
        assertThat(EcsContainerInstances.sized(tasks.subList(0, 1), 1536, 3072)).isEqualTo(tasks.subList(0, 1));
    }

    @Test
    void findsByManagedInstanceIdWithOneFilteredListAndOneDescribe() {
        script.thenReturn(ListContainerInstancesResponse.builder().containerInstanceArns(ARN).build())
                .thenReturn(described("ACTIVE"));

        ContainerInstance ci = ecs.findByManagedInstanceId("edge", MI).orElseThrow();

        assertThat(ci).isEqualTo(new ContainerInstance(ARN, "edge", MI, ContainerInstanceStatus.ACTIVE, true, 2, 1,
                "1.90.0", java.util.Map.of("ecsa.nodeId", "node-1", "ecs.capability.external", ""), "25.0.5"));
        ListContainerInstancesRequest list = script.requestsOf(ListContainerInstancesRequest.class).get(0);
        assertThat(list.cluster()).isEqualTo("edge");
        assertThat(list.filter()).isEqualTo("ec2InstanceId == " + MI);
        assertThat(list.status()).isNull(); // every status but INACTIVE
        assertThat(script.requestsOf(DescribeContainerInstancesRequest.class).get(0).containerInstances())
                .containsExactly(ARN);
        assertThat(script.requests).hasSize(2);
    }

    @Test
    void nothingListedMeansEmptyWithoutDescribing() {
        script.thenReturn(ListContainerInstancesResponse.builder().build());

        assertThat(ecs.findByManagedInstanceId("edge", MI)).isEmpty();
        assertThat(script.requests).hasSize(1);
    }

    @Test
    void duplicateRegistrationsResolveToTheNewest() {
        String older = ARN + "1";
        String newer = ARN + "2";
        script.thenReturn(ListContainerInstancesResponse.builder().containerInstanceArns(older, newer).build())
                .thenReturn(DescribeContainerInstancesResponse.builder().containerInstances(
                        instance(older, "ACTIVE", Instant.parse("2026-01-01T00:00:00Z")),
                        instance(newer, "ACTIVE", Instant.parse("2026-06-01T00:00:00Z"))).build());

        assertThat(ecs.findByManagedInstanceId("edge", MI)).map(ContainerInstance::arn).contains(newer);
    }

    @Test
    void refusesValuesThatCouldChangeTheFilter() {
        assertThatThrownBy(() -> ecs.findByManagedInstanceId("edge", "mi-1 || agentConnected == true"))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
        assertThatThrownBy(() -> ecs.findByAttribute("edge", "ecsa.nodeId", "x' or 'a'=='a"))
                .isInstanceOf(PermanentException.class);
        assertThat(script.requests).isEmpty();
    }

    @Test
    void findsByAttributeFilter() {
        script.thenReturn(ListContainerInstancesResponse.builder().containerInstanceArns(ARN).build())
                .thenReturn(described("DRAINING"));

        assertThat(ecs.findByAttribute("edge", "ecsa.nodeId", "node-1")).map(ContainerInstance::status)
                .contains(ContainerInstanceStatus.DRAINING);
        assertThat(script.requestsOf(ListContainerInstancesRequest.class).get(0).filter())
                .isEqualTo("attribute:ecsa.nodeId == node-1");
    }

    @Test
    void describeOfAMissingInstanceIsEmpty() {
        script.thenReturn(missing());

        assertThat(ecs.describe("edge", ARN)).isEmpty();
    }

    @Test
    void setStatusReportsWhetherThisCallChangedIt() {
        script.thenReturn(described("ACTIVE"))
                .thenReturn(UpdateContainerInstancesStateResponse.builder()
                        .containerInstances(instance(ARN, "DRAINING", Instant.EPOCH)).build())
                .thenReturn(described("DRAINING"));

        assertThat(ecs.setStatus("edge", ARN, ContainerInstanceStatus.DRAINING)).isTrue();
        assertThat(ecs.setStatus("edge", ARN, ContainerInstanceStatus.DRAINING)).isFalse();

        List<UpdateContainerInstancesStateRequest> updates =
                script.requestsOf(UpdateContainerInstancesStateRequest.class);
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.statusAsString()).isEqualTo("DRAINING");
            assertThat(u.containerInstances()).containsExactly(ARN);
        });
    }

    @Test
    void setStatusOnAGoneInstanceIsNotFound() {
        script.thenReturn(missing()).thenReturn(described("INACTIVE"));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> ecs.setStatus("edge", ARN, ContainerInstanceStatus.ACTIVE))
                    .isInstanceOfSatisfying(PermanentException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }
    }

    @Test
    void setStatusRefusedByEcsIsAConflict() {
        script.thenReturn(described("REGISTERING"))
                .thenReturn(UpdateContainerInstancesStateResponse.builder().failures(Failure.builder().arn(ARN)
                        .reason("REGISTERING").detail("cannot be updated").build()).build());

        assertThatThrownBy(() -> ecs.setStatus("edge", ARN, ContainerInstanceStatus.DRAINING))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.detail()).contains("REGISTERING");
                });
    }

    @Test
    void onlyActiveAndDrainingCanBeSet() {
        assertThatThrownBy(() -> ecs.setStatus("edge", ARN, ContainerInstanceStatus.INACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deregisterOfAMissingOrInactiveInstanceIsDoneWithoutCallingDeregister() {
        script.thenReturn(missing()).thenReturn(described("INACTIVE"));

        ecs.deregister("edge", ARN, false);
        ecs.deregister("edge", ARN, false);

        assertThat(script.requestsOf(DeregisterContainerInstanceRequest.class)).isEmpty();
    }

    @Test
    void deregisterPassesForce() {
        script.thenReturn(described("DRAINING")).thenReturn(DeregisterContainerInstanceResponse.builder().build());

        ecs.deregister("edge", ARN, true);

        assertThat(script.requestsOf(DeregisterContainerInstanceRequest.class)).singleElement()
                .satisfies(d -> assertThat(d.force()).isTrue());
    }

    @Test
    void deregisterRefusedBecauseOfTasksIsAConflict() {
        script.thenReturn(described("DRAINING"))
                .thenReturn(AwsFailures.error(InvalidParameterException.builder(), "InvalidParameterException", 400,
                        "Found running tasks on the instance."))
                .thenReturn(described("DRAINING"));

        assertThatThrownBy(() -> ecs.deregister("edge", ARN, false))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }

    @Test
    void deregisterRacingAnotherDeregistrationIsDone() {
        script.thenReturn(described("ACTIVE"))
                .thenReturn(AwsFailures.error(InvalidParameterException.builder(), "InvalidParameterException", 400,
                        "The referenced container instance was not found."))
                .thenReturn(described("INACTIVE"));

        ecs.deregister("edge", ARN, false);

        // done because a second look found it INACTIVE, not because the refusal was ignored
        assertThat(script.requestsOf(DescribeContainerInstancesRequest.class)).hasSize(2);
    }

    @Test
    void deregisterThrottledStaysRetryable() {
        script.thenReturn(described("ACTIVE"))
                .thenReturn(AwsFailures.error(EcsException.builder(), "ThrottlingException", 400, "Rate exceeded"));

        assertThatThrownBy(() -> ecs.deregister("edge", ARN, false))
                .isInstanceOfSatisfying(NodeOperationException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void listTasksReadsBothDesiredStatusesAcrossPagesAndDescribesInChunksOf100() {
        List<String> running = IntStream.range(0, 150).mapToObj(i -> "task/r" + i).toList();
        List<String> stopped = IntStream.range(0, 70).mapToObj(i -> "task/s" + i).toList();
        script.thenReturn(ListTasksResponse.builder().taskArns(running.subList(0, 100)).nextToken("p2").build())
                .thenReturn(ListTasksResponse.builder().taskArns(running.subList(100, 150)).build())
                // r149 changed its desired status between the listings: seen twice, described once.
                .thenReturn(ListTasksResponse.builder().taskArns(concat(stopped, List.of("task/r149"))).build());
        for (int i = 0; i < 3; i++) {
            script.then(r -> DescribeTasksResponse.builder().tasks(((DescribeTasksRequest) r).tasks().stream()
                    .map(arn -> Task.builder().taskArn(arn)
                            .group(arn.contains("/r") ? "service:web" : "family:batch")
                            .lastStatus(arn.contains("/r") ? "RUNNING" : "STOPPED")
                            .desiredStatus(arn.contains("/r") ? "RUNNING" : "STOPPED").build())
                    .toList()).build());
        }

        List<TaskInfo> tasks = ecs.listTasks("edge", ARN);

        assertThat(tasks).hasSize(220);
        assertThat(tasks).filteredOn(TaskInfo::serviceTask).hasSize(150)
                .allSatisfy(t -> assertThat(t.group()).isEqualTo("service:web"));
        assertThat(tasks).filteredOn(TaskInfo::stopped).hasSize(70).noneMatch(TaskInfo::serviceTask);
        assertThat(script.requestsOf(ListTasksRequest.class))
                .extracting(ListTasksRequest::desiredStatus, ListTasksRequest::nextToken)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DesiredStatus.RUNNING, null),
                        org.assertj.core.groups.Tuple.tuple(DesiredStatus.RUNNING, "p2"),
                        org.assertj.core.groups.Tuple.tuple(DesiredStatus.STOPPED, null));
        assertThat(script.requestsOf(ListTasksRequest.class))
                .allSatisfy(l -> assertThat(l.containerInstance()).isEqualTo(ARN));
        assertThat(script.requestsOf(DescribeTasksRequest.class)).extracting(d -> d.tasks().size())
                .containsExactly(100, 100, 20);
    }

    @Test
    void listTasksOfAnInstanceEcsNoLongerKnowsIsEmpty() {
        script.thenReturn(AwsFailures.error(InvalidParameterException.builder(), "InvalidParameterException", 400,
                "The referenced container instance was not found.")).thenReturn(missing());

        assertThat(ecs.listTasks("edge", ARN)).isEmpty();
    }

    @Test
    void clusterNotFoundIsPermanentNotFound() {
        script.thenReturn(AwsFailures.error(EcsException.builder(), "ClusterNotFoundException", 400,
                "Cluster not found."));

        assertThatThrownBy(() -> ecs.findByManagedInstanceId("nope", MI))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
