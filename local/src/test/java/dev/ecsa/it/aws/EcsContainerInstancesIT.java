package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.local.sim.ContainerInstanceView;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.MutableClock;
import dev.ecsa.local.sim.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EcsContainerInstances, unchanged, against the control-plane simulator, with hosts registered the way the install
 * script registers them (activation, then the agents' registration calls) and the simulator's clock stepped by hand.
 */
class EcsContainerInstancesIT {

    private static final String CLUSTER = "edge";
    private static final String ECS = ControlPlaneSimulator.ECS_PREFIX + ".";
    private static final MutableClock CLOCK = MutableClock.startingNow();

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension(
            SimulatorConfig.defaults().withClock(CLOCK));

    private static final AtomicInteger NODES = new AtomicInteger();
    private static AwsClients clients;
    private static SsmHybridActivations activations;
    private static EcsContainerInstances ecs;

    /** One registered host: its managed instance and container instance. */
    private record Node(String nodeId, String managedInstanceId, String arn) {
    }

    @BeforeAll
    static void build() {
        SIM.simulator().createCluster(CLUSTER);
        clients = SimulatorClients.of(SIM.simulator());
        activations = new SsmHybridActivations(clients.ssm(), "ecsAnywhereRole", "EcsaIT");
        ecs = new EcsContainerInstances(clients.ecs());
        // Somewhere for the service scheduler to move tasks when a node drains.
        register();
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @AfterEach
    void clearFaults() {
        SIM.simulator().faults().clear();
    }

    private static Node register() {
        String nodeId = "node-" + NODES.incrementAndGet();
        Activation a = activations.create(new ActivationSpec(nodeId, "req-" + nodeId,
                CLOCK.instant().plus(Duration.ofMinutes(30)), Map.of()));
        String mi = SIM.simulator().registerManagedInstance(a.activationId(), a.code(), nodeId, "192.0.2.1");
        String arn = SIM.simulator().registerContainerInstance(CLUSTER, mi, Map.of("ecsa.nodeId", nodeId),
                Map.of("ecsa:nodeId", nodeId));
        activations.delete(a.activationId());
        return new Node(nodeId, mi, arn);
    }

    private static String unknownArn() {
        return "arn:aws:ecs:us-east-1:123456789012:container-instance/" + CLUSTER + "/"
                + "0123456789abcdef0123456789abcdef";
    }

    private static long calls(String operation) {
        return SIM.simulator().calls(ECS + operation);
    }

    @Test
    void findsTheInstanceByManagedInstanceIdAndByNodeAttributeInTwoCallsEach() {
        Node node = register();
        SIM.simulator().resetCalls();

        ContainerInstance byMi = ecs.findByManagedInstanceId(CLUSTER, node.managedInstanceId()).orElseThrow();

        assertThat(calls("ListContainerInstances")).isEqualTo(1);
        assertThat(calls("DescribeContainerInstances")).isEqualTo(1);
        assertThat(byMi.arn()).isEqualTo(node.arn());
        assertThat(byMi.cluster()).isEqualTo(CLUSTER);
        assertThat(byMi.managedInstanceId()).isEqualTo(node.managedInstanceId());
        assertThat(byMi.status()).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(byMi.agentConnected()).isTrue();
        assertThat(byMi.agentVersion()).isNotBlank();
        assertThat(byMi.dockerVersion()).as("versionInfo.dockerVersion without its prefix").isEqualTo("25.0.5");
        assertThat(byMi.attributes()).containsEntry("ecsa.nodeId", node.nodeId())
                .containsEntry("ecs.capability.external", "");
        assertThat(ecs.findByAttribute(CLUSTER, "ecsa.nodeId", node.nodeId())).contains(byMi);
        assertThat(ecs.describe(CLUSTER, node.arn())).contains(byMi);
    }

    @Test
    void theListingCarriesEachInstancesHealthAsItsAgentReportsIt() {
        Node ok = register();
        Node impaired = register();
        SIM.simulator().setRuntimeHealth(impaired.arn(), "IMPAIRED");

        java.util.Map<String, ContainerInstance> listed = new java.util.HashMap<>();
        ecs.listAll(CLUSTER).forEach(ci -> listed.put(ci.arn(), ci));

        assertThat(listed.get(ok.arn()).healthStatus()).isEqualTo("OK");
        assertThat(listed.get(impaired.arn()).healthStatus()).isEqualTo("IMPAIRED");
        assertThat(listed.get(impaired.arn()).impaired()).isTrue();
        assertThat(ecs.describe(CLUSTER, ok.arn()).orElseThrow().healthStatus())
                .as("a single describe does not ask for it").isNull();
    }

    @Test
    void unknownIdsAndValuesFindNothing() {
        assertThat(ecs.findByManagedInstanceId(CLUSTER, "mi-0000000000000000a")).isEmpty();
        assertThat(ecs.findByAttribute(CLUSTER, "ecsa.nodeId", "nobody")).isEmpty();
        assertThat(ecs.describe(CLUSTER, unknownArn())).isEmpty();
    }

    @Test
    void aMissingClusterIsPermanentNotFound() {
        assertThatThrownBy(() -> ecs.findByManagedInstanceId("no-such-cluster", "mi-0000000000000000a"))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.detail()).contains("cluster does not exist");
                });
    }

    @Test
    void setStatusSaysWhetherThisCallChangedIt() {
        Node node = register();

        assertThat(ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.DRAINING)).isTrue();
        assertThat(ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.DRAINING)).isFalse();
        assertThat(status(node)).isEqualTo("DRAINING");
        assertThat(ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.ACTIVE)).isTrue();
        assertThat(ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.ACTIVE)).isFalse();
        assertThat(status(node)).isEqualTo("ACTIVE");
    }

    @Test
    void setStatusOfAnUnknownInstanceIsNotFound() {
        assertThatThrownBy(() -> ecs.setStatus(CLUSTER, unknownArn(), ContainerInstanceStatus.DRAINING))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void drainingShowsServiceTasksStoppingAndStandaloneTasksBlockDeregistrationUntilStopped() {
        Node node = register();
        String service = SIM.simulator().runServiceTask(CLUSTER, node.arn(), "web");
        String standalone = SIM.simulator().runStandaloneTask(CLUSTER, node.arn(), "batch", "cron");

        assertThat(ecs.listTasks(CLUSTER, node.arn())).extracting(TaskInfo::arn, TaskInfo::serviceTask,
                TaskInfo::group, TaskInfo::desiredStatus).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(service, true, "service:web", "RUNNING"),
                org.assertj.core.groups.Tuple.tuple(standalone, false, "family:batch", "RUNNING"));

        ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.DRAINING);
        CLOCK.advance(Duration.ofSeconds(2)); // the scheduler replaces the service task and tells it to stop

        TaskInfo stopping = task(node, service);
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopping.stopped()).isFalse(); // still holds the instance: listed through desiredStatus STOPPED

        CLOCK.advance(Duration.ofSeconds(5));
        assertThat(task(node, service).stopped()).isTrue();
        assertThat(task(node, standalone).lastStatus()).isEqualTo("RUNNING");
        assertThatThrownBy(() -> ecs.deregister(CLUSTER, node.arn(), false))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThat(status(node)).isEqualTo("DRAINING");

        SIM.simulator().stopTask(standalone, "done");
        CLOCK.advance(Duration.ofSeconds(5));
        ecs.deregister(CLUSTER, node.arn(), false);
        ecs.deregister(CLUSTER, node.arn(), false);

        assertThat(status(node)).isEqualTo("INACTIVE");
        assertThat(ecs.findByManagedInstanceId(CLUSTER, node.managedInstanceId())).isEmpty();
        assertThat(ecs.describe(CLUSTER, node.arn())).map(ContainerInstance::status)
                .contains(ContainerInstanceStatus.INACTIVE);
        assertThatThrownBy(() -> ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.ACTIVE))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void forceDeregistersWithTasksStillRunning() {
        Node node = register();
        SIM.simulator().runStandaloneTask(CLUSTER, node.arn(), "batch", "cron");

        ecs.deregister(CLUSTER, node.arn(), true);

        assertThat(status(node)).isEqualTo("INACTIVE");
        SIM.simulator().resetCalls();
        ecs.deregister(CLUSTER, node.arn(), true);
        assertThat(calls("DeregisterContainerInstance")).isZero();
    }

    @Test
    void listsMoreThan100TasksWithDescribeTasksInChunksOf100() {
        Node node = register();
        for (int i = 0; i < 130; i++) {
            SIM.simulator().runStandaloneTask(CLUSTER, node.arn(), "batch", "cron-" + i);
        }
        SIM.simulator().resetCalls();

        List<TaskInfo> tasks = ecs.listTasks(CLUSTER, node.arn());

        assertThat(tasks).hasSize(130).allSatisfy(t -> assertThat(t.serviceTask()).isFalse());
        assertThat(calls("DescribeTasks")).isEqualTo(2);
        assertThat(calls("ListTasks")).isEqualTo(3); // RUNNING: two pages of 100; STOPPED: one empty page
    }

    @Test
    void throttlingBeyondTheSdkAttemptsIsRetryableThrottled() {
        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext(ECS + "ListContainerInstances", Fault.throttling(), 3);

        assertThatThrownBy(() -> ecs.findByManagedInstanceId(CLUSTER, "mi-0000000000000000b"))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
        assertThat(calls("ListContainerInstances")).isEqualTo(3);
    }

    @Test
    void aServerErrorTheSdkRetriesAwayIsInvisible() {
        Node node = register();
        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext(ECS + "DescribeContainerInstances", Fault.serverError(), 1);

        assertThat(ecs.describe(CLUSTER, node.arn())).isPresent();
        assertThat(calls("DescribeContainerInstances")).isEqualTo(2);
    }

    @Test
    void persistentServerErrorsAreRetryableUnavailable() {
        Node node = register();
        SIM.simulator().faults().failNext(ECS + "UpdateContainerInstancesState", Fault.serverError(), 3);

        assertThatThrownBy(() -> ecs.setStatus(CLUSTER, node.arn(), ContainerInstanceStatus.DRAINING))
                .isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE);
                });
        assertThat(status(node)).isEqualTo("ACTIVE");
    }

    private static String status(Node node) {
        return SIM.simulator().containerInstance(node.arn()).map(ContainerInstanceView::status).orElseThrow();
    }

    private static TaskInfo task(Node node, String arn) {
        return ecs.listTasks(CLUSTER, node.arn()).stream().filter(t -> t.arn().equals(arn)).findFirst()
                .orElseThrow(() -> new AssertionError("task not listed: " + arn));
    }
}
