package dev.ecsa.core.fakes;


import dev.ecsa.core.deregister.DrainCheck;
import dev.ecsa.core.deregister.WorkflowDecision;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.TaskInfo;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryContainerInstancesTest {

    private final InMemoryContainerInstances ecs = new InMemoryContainerInstances();
    private final ContainerInstance ci = ecs.register("edge", "mi-0123456789abcdef0", Map.of("ecsa.nodeId", "node-1"));
    private final Instant now = Instant.parse("2026-03-01T12:00:00Z");

    private static Reason reasonOf(Throwable t) {
        return ((NodeOperationException) t).reason();
    }

    @Test
    void findsTheInstanceByManagedInstanceIdOrAttribute() {
        assertThat(ecs.findByManagedInstanceId("edge", "mi-0123456789abcdef0")).map(ContainerInstance::arn)
                .contains(ci.arn());
        assertThat(ecs.findByAttribute("edge", "ecsa.nodeId", "node-1")).map(ContainerInstance::arn).contains(ci.arn());
        assertThat(ecs.findByManagedInstanceId("other", "mi-0123456789abcdef0")).isEmpty();
        assertThat(ecs.findByAttribute("edge", "ecsa.nodeId", "node-2")).isEmpty();
    }

    @Test
    void settingAStatusTwiceChangesItOnce() {
        assertThat(ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING)).isTrue();
        assertThat(ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING)).isFalse();
        assertThat(ecs.describe("edge", ci.arn()).orElseThrow().status()).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.ACTIVE)).isTrue();
        assertThat(ecs.statusChanges()).containsExactly(ci.arn() + " DRAINING", ci.arn() + " ACTIVE");
    }

    @Test
    void anInstanceDrainedBySomeoneElseIsReportedAsNotChanged() {
        ecs.forceStatus(ci.arn(), ContainerInstanceStatus.DRAINING);
        assertThat(ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING)).isFalse();
    }

    @Test
    void onlyActiveCanBeDrainedAndOnlyActiveOrDrainingSet() {
        ecs.forceStatus(ci.arn(), ContainerInstanceStatus.REGISTERING);
        assertThatThrownBy(() -> ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.INACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void drainingStopsServiceTasksButNotStandaloneOnes() {
        ecs.addTask(ci.arn(), new TaskInfo("svc-1", "service:web", "RUNNING", "RUNNING", true));
        ecs.addTask(ci.arn(), new TaskInfo("job-1", "family:batch", "RUNNING", "RUNNING", false));
        ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING);
        assertThat(ecs.listTasks("edge", ci.arn())).extracting(TaskInfo::arn, TaskInfo::desiredStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("svc-1", "STOPPED"),
                        org.assertj.core.groups.Tuple.tuple("job-1", "RUNNING"));
        // The service task is still stopping: ECS's running counter no longer counts it, the drain check does.
        assertThat(ecs.describe("edge", ci.arn()).orElseThrow().runningTasksCount()).isEqualTo(1);
        DrainCheck stopping = DrainCheck.decide(now, now.plusSeconds(600), ecs.listTasks("edge", ci.arn()));
        assertThat(stopping.blockingArns()).containsExactly("svc-1", "job-1");

        ecs.finishStopping();
        DrainCheck c = DrainCheck.decide(now, now.plusSeconds(600), ecs.listTasks("edge", ci.arn()));
        assertThat(c.decision()).isEqualTo(WorkflowDecision.WAIT);
        assertThat(c.standalone()).extracting(TaskInfo::arn).containsExactly("job-1");

        ecs.setTaskStatus("job-1", "STOPPED", "STOPPED");
        assertThat(DrainCheck.decide(now, now.plusSeconds(600), ecs.listTasks("edge", ci.arn())).decision())
                .isEqualTo(WorkflowDecision.DRAINED);
    }

    @Test
    void deregisteringWithTasksLeftNeedsForce() {
        ecs.addTask(ci.arn(), new TaskInfo("job-1", "family:batch", "RUNNING", "RUNNING", false));
        assertThatThrownBy(() -> ecs.deregister("edge", ci.arn(), false))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(Reason.CONFLICT));
        ecs.deregister("edge", ci.arn(), true);
        assertThat(ecs.describe("edge", ci.arn()).orElseThrow().status()).isEqualTo(ContainerInstanceStatus.INACTIVE);
    }

    @Test
    void deregisteringIsIdempotentAndAGoneInstanceCannotBeDrained() {
        ecs.deregister("edge", ci.arn(), false);
        ecs.deregister("edge", ci.arn(), false);
        ecs.deregister("edge", "arn:unknown", false);
        assertThat(ecs.statusChanges()).containsExactly(ci.arn() + " DEREGISTERED");
        assertThat(ecs.findByManagedInstanceId("edge", "mi-0123456789abcdef0")).isEmpty();
        assertThatThrownBy(() -> ecs.setStatus("edge", ci.arn(), ContainerInstanceStatus.DRAINING))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(Reason.NOT_FOUND));
        assertThat(ecs.describe("edge", "arn:unknown")).isEmpty();
    }
}
