package dev.ecsa.it.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.fleet.CapacityCheck;
import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.MutableClock;
import dev.ecsa.local.sim.SeededNode;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sim.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster's load as the rollout's capacity check reads it (EcsContainerInstances.load, unchanged, against the
 * simulator): registered and remaining resources per container instance, each running task's reservation; and the
 * simulator's service scheduler placing a drained node's tasks only where they fit, so the check and ECS agree.
 */
class ClusterLoadIT {

    private static final MutableClock CLOCK = MutableClock.startingNow();

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension(
            SimulatorConfig.defaults().withClock(CLOCK));

    private static AwsClients clients;
    private static EcsContainerInstances ecs;

    @BeforeAll
    static void build() {
        clients = SimulatorClients.of(SIM.simulator());
        ecs = new EcsContainerInstances(clients.ecs());
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @Test
    void registeredRemainingAndTaskReservationsAreRead() {
        ControlPlaneSimulator sim = SIM.simulator();
        sim.createCluster("load-a");
        List<SeededNode> nodes = sim.seedNodes("load-a", 2, "la");
        String a = nodes.get(0).containerInstanceArn();
        sim.setRegisteredResources(a, 2048, 4096);
        String web = sim.placeTask("load-a", a, TaskSpec.service("web").reserving(512, 1024));
        String job = sim.placeTask("load-a", a, TaskSpec.standalone("nightly", "cron").reserving(256, 256));

        ClusterLoad load = ecs.load("load-a", Set.of(a));

        assertThat(load.registered()).hasSize(2);
        ClusterLoad.Instance first = load.byArn(a).orElseThrow();
        assertThat(first.managedInstanceId()).isEqualTo(nodes.get(0).managedInstanceId());
        assertThat(first.status()).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(first.available()).isTrue();
        assertThat(List.of(first.registeredCpu(), first.registeredMemory(), first.remainingCpu(),
                first.remainingMemory())).containsExactly(2048, 4096, 2048 - 768, 4096 - 1280);
        assertThat(first.tasks()).containsExactlyInAnyOrder(
                new ClusterLoad.Task(web, "service:web", 512, 1024, true),
                new ClusterLoad.Task(job, "family:nightly", 256, 256, false));
        assertThat(load.byArn(nodes.get(1).containerInstanceArn()).orElseThrow().tasks()).isEmpty();
        sim.placeTask("load-a", nodes.get(1).containerInstanceArn(), TaskSpec.service("web"));
        assertThat(ecs.load("load-a", Set.of(a)).byArn(nodes.get(1).containerInstanceArn()).orElseThrow().tasks())
                .as("tasks are read only for the instances named").isEmpty();
    }

    @Test
    void theCheckRefusesWhatTheSchedulerCouldNotPlaceAndAllowsWhatItDoes() {
        ControlPlaneSimulator sim = SIM.simulator();
        sim.createCluster("load-b");
        List<SeededNode> nodes = sim.seedNodes("load-b", 2, "lb");
        String full = nodes.get(0).containerInstanceArn();
        String small = nodes.get(1).containerInstanceArn();
        sim.setRegisteredResources(small, 1024, 1024);
        sim.placeTask("load-b", full, TaskSpec.service("api").reserving(512, 2048));

        CapacityCheck.Verdict verdict = CapacityCheck.check(ecs.load("load-b", Set.of(full)), Set.of(full));
        assertThat(verdict.fits()).isFalse();
        // ECS agrees: draining anyway leaves the task where it is, with nowhere to go.
        ecs.setStatus("load-b", full, ContainerInstanceStatus.DRAINING);
        CLOCK.advance(Duration.ofMinutes(2));
        assertThat(sim.tasksOn(small)).isEmpty();

        // With room on the other instance, the check lets the drain go and the scheduler moves the task there.
        sim.setRegisteredResources(small, 1024, 4096);
        ecs.setStatus("load-b", full, ContainerInstanceStatus.ACTIVE);
        assertThat(CapacityCheck.check(ecs.load("load-b", Set.of(full)), Set.of(full)).fits()).isTrue();
        ecs.setStatus("load-b", full, ContainerInstanceStatus.DRAINING);
        CLOCK.advance(Duration.ofMinutes(2));
        assertThat(sim.tasksOn(small)).extracting(t -> t.group()).contains("service:api");
    }
}
