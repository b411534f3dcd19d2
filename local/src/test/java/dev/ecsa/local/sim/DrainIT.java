package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Task;

/** Drain, deregistration and task-stop choreography, stepped with a {@link MutableClock}. */
class DrainIT {

    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final Duration REPLACE = Duration.ofSeconds(10);
    private static final Duration DEACTIVATE = Duration.ofSeconds(2);
    private static final Duration STOPPING = Duration.ofSeconds(3);
    private static final Duration STOPPED = Duration.ofSeconds(5);

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension(SimulatorConfig.defaults()
            .withClock(CLOCK).withTaskTiming(new SimulatorConfig.TaskTiming(REPLACE, DEACTIVATE, STOPPING, STOPPED)));

    private static EcsClient ecs;

    @BeforeAll
    static void setUp() {
        ecs = SdkClients.ecs(SIM.simulator());
    }

    @AfterAll
    static void tearDown() {
        ecs.close();
    }

    private static ControlPlaneSimulator sim() {
        return SIM.simulator();
    }

    private static List<SeededNode> cluster(String name, int nodes) {
        sim().createCluster(name);
        return sim().seedNodes(name, nodes, name);
    }

    private static ContainerInstance describe(String cluster, String arn) {
        return ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arn)).containerInstances().get(0);
    }

    private static Task task(String cluster, String arn) {
        return ecs.describeTasks(r -> r.cluster(cluster).tasks(arn)).tasks().get(0);
    }

    private static void drain(String cluster, String arn) {
        ecs.updateContainerInstancesState(r -> r.cluster(cluster).containerInstances(arn).status(ContainerInstanceStatus.DRAINING));
    }

    private static List<String> tasksOn(String cluster, String arn, DesiredStatus desired) {
        return ecs.listTasksPaginator(r -> r.cluster(cluster).containerInstance(arn).desiredStatus(desired)).taskArns()
                .stream().toList();
    }

    @Test
    void drainingReplacesServiceTasksStepByStepAndLeavesStandaloneTasks() {
        List<SeededNode> nodes = cluster("drain", 2);
        String a = nodes.get(0).containerInstanceArn();
        String b = nodes.get(1).containerInstanceArn();
        String web = sim().runServiceTask("drain", a, "web");
        String pending = sim().placeTask("drain", a, TaskSpec.service("web").asPending());
        String batch = sim().runStandaloneTask("drain", a, "nightly-report", "cron");
        assertThat(describe("drain", a).runningTasksCount()).isEqualTo(3);
        assertThat(describe("drain", a).pendingTasksCount()).isEqualTo(1);

        drain("drain", a);
        assertThat(task("drain", pending).lastStatus()).isEqualTo("STOPPED");
        assertThat(task("drain", web).lastStatus()).isEqualTo("RUNNING");
        assertThat(task("drain", web).desiredStatus()).isEqualTo("RUNNING");
        assertThat(describe("drain", a).pendingTasksCount()).isZero();

        CLOCK.advance(REPLACE);
        Task stopping = task("drain", web);
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopping.lastStatus()).isEqualTo("RUNNING");
        assertThat(stopping.stoppingAt()).isEqualTo(CLOCK.instant());
        // The counter and ListTasks(RUNNING) no longer see the stopping task; ListTasks(STOPPED) does.
        assertThat(describe("drain", a).runningTasksCount()).isEqualTo(1);
        assertThat(tasksOn("drain", a, DesiredStatus.RUNNING)).containsExactly(batch);
        assertThat(tasksOn("drain", a, DesiredStatus.STOPPED)).containsExactly(web, pending);
        List<String> replacements = tasksOn("drain", b, DesiredStatus.RUNNING);
        assertThat(replacements).hasSize(2);
        assertThat(replacements).allSatisfy(t -> assertThat(task("drain", t).group()).isEqualTo("service:web"));
        assertThat(ecs.listTasks(r -> r.cluster("drain").serviceName("web")).taskArns()).containsExactlyElementsOf(replacements);

        CLOCK.advance(DEACTIVATE);
        assertThat(task("drain", web).lastStatus()).isEqualTo("DEACTIVATING");
        CLOCK.advance(STOPPING);
        assertThat(task("drain", web).lastStatus()).isEqualTo("STOPPING");
        CLOCK.advance(STOPPED);
        Task stopped = task("drain", web);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedAt()).isEqualTo(CLOCK.instant());
        assertThat(stopped.stoppedReason()).contains("draining");

        CLOCK.advance(Duration.ofMinutes(10));
        Task standalone = task("drain", batch);
        assertThat(standalone.lastStatus()).isEqualTo("RUNNING");
        assertThat(standalone.desiredStatus()).isEqualTo("RUNNING");
        assertThat(standalone.group()).isEqualTo("family:nightly-report");
        assertThat(ecs.listTasks(r -> r.cluster("drain").startedBy("cron")).taskArns()).containsExactly(batch);
        assertThat(ecs.listTasks(r -> r.cluster("drain").family("nightly-report")).taskArns()).containsExactly(batch);
        assertThat(ecs.listTasks(r -> r.cluster("drain").desiredStatus(DesiredStatus.PENDING)).taskArns()).isEmpty();
        assertThat(describe("drain", a).runningTasksCount()).isEqualTo(1);
    }

    @Test
    void revertingToActiveBeforeTheSchedulerActsKeepsTheTasks() {
        List<SeededNode> nodes = cluster("revert", 2);
        String a = nodes.get(0).containerInstanceArn();
        String web = sim().runServiceTask("revert", a, "web");

        drain("revert", a);
        CLOCK.advance(REPLACE.dividedBy(2));
        ecs.updateContainerInstancesState(r -> r.cluster("revert").containerInstances(a).status(ContainerInstanceStatus.ACTIVE));
        CLOCK.advance(REPLACE.multipliedBy(3));

        assertThat(task("revert", web).desiredStatus()).isEqualTo("RUNNING");
        assertThat(tasksOn("revert", nodes.get(1).containerInstanceArn(), DesiredStatus.RUNNING)).isEmpty();
    }

    @Test
    void withoutAnotherActiveInstanceTheServiceTaskWaitsForCapacity() {
        List<SeededNode> nodes = cluster("single", 1);
        String a = nodes.get(0).containerInstanceArn();
        String web = sim().runServiceTask("single", a, "web");

        drain("single", a);
        CLOCK.advance(Duration.ofMinutes(5));
        assertThat(task("single", web).desiredStatus()).isEqualTo("RUNNING");

        String b = sim().seedNodes("single", 1, "single-late").get(0).containerInstanceArn();
        CLOCK.advance(REPLACE);
        assertThat(task("single", web).desiredStatus()).isEqualTo("STOPPED");
        assertThat(tasksOn("single", b, DesiredStatus.RUNNING)).hasSize(1);
    }

    @Test
    void deregisteringWithTasksNeedsForceAndOrphansThem() {
        List<SeededNode> nodes = cluster("dereg", 2);
        String a = nodes.get(0).containerInstanceArn();
        String b = nodes.get(1).containerInstanceArn();
        String web = sim().runServiceTask("dereg", a, "web");
        String batch = sim().runStandaloneTask("dereg", a, "etl", "operator");

        assertThatThrownBy(() -> ecs.deregisterContainerInstance(r -> r.cluster("dereg").containerInstance(a)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("running tasks");
        ContainerInstance gone = ecs.deregisterContainerInstance(r -> r.cluster("dereg").containerInstance(a).force(true))
                .containerInstance();
        assertThat(gone.status()).isEqualTo("INACTIVE");
        assertThat(ecs.listContainerInstances(r -> r.cluster("dereg")).containerInstanceArns()).containsExactly(b);
        assertThat(describe("dereg", a).status()).isEqualTo("INACTIVE");
        assertThatThrownBy(() -> ecs.deregisterContainerInstance(r -> r.cluster("dereg").containerInstance(a)))
                .isInstanceOf(InvalidParameterException.class);
        assertThat(ecs.updateContainerInstancesState(r -> r.cluster("dereg").containerInstances(a)
                .status(ContainerInstanceStatus.DRAINING)).failures()).hasSize(1);

        CLOCK.advance(REPLACE);
        assertThat(tasksOn("dereg", b, DesiredStatus.RUNNING)).singleElement()
                .satisfies(t -> assertThat(task("dereg", t).group()).isEqualTo("service:web"));
        // Orphans keep running on the host; ECS no longer manages them.
        assertThat(task("dereg", web).lastStatus()).isEqualTo("RUNNING");
        assertThat(task("dereg", batch).lastStatus()).isEqualTo("RUNNING");
    }

    @Test
    void stopTaskPassesThroughStoppingAndThenAllowsPlainDeregistration() {
        List<SeededNode> nodes = cluster("stop", 1);
        String a = nodes.get(0).containerInstanceArn();
        String batch = sim().runStandaloneTask("stop", a, "etl", "operator");

        Task stopping = ecs.stopTask(r -> r.cluster("stop").task(batch).reason("maintenance")).task();
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopping.lastStatus()).isEqualTo("RUNNING");
        assertThatThrownBy(() -> ecs.deregisterContainerInstance(r -> r.cluster("stop").containerInstance(a)))
                .isInstanceOf(InvalidParameterException.class);

        CLOCK.advance(DEACTIVATE.plus(STOPPING).plus(STOPPED));
        Task stopped = task("stop", batch);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedReason()).isEqualTo("maintenance");
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(ecs.deregisterContainerInstance(r -> r.cluster("stop").containerInstance(a)).containerInstance().status())
                .isEqualTo("INACTIVE");
        assertThat(ecs.describeTasks(r -> r.cluster("stop").tasks(batch, "0123456789abcdef0123456789abcdef")).failures())
                .singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
    }
}
