package dev.ecsa.core.deregister;


import dev.ecsa.core.port.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class DrainCheckTest {

    private static final Instant DEADLINE = Instant.parse("2026-01-01T10:10:00Z");
    private static final Instant BEFORE = DEADLINE.minus(Duration.ofMinutes(5));
    private static final Instant AFTER = DEADLINE.plusSeconds(1);

    private static TaskInfo service(String arn, String last, String desired) {
        return new TaskInfo(arn, "service:web", last, desired, true);
    }

    private static TaskInfo standalone(String arn, String last, String desired) {
        return new TaskInfo(arn, "family:batch", last, desired, false);
    }

    @Test
    void anInstanceWithoutTasksIsDrained() {
        DrainCheck c = DrainCheck.decide(BEFORE, DEADLINE, List.of());
        assertThat(c.decision()).isEqualTo(WorkflowDecision.DRAINED);
        assertThat(c.blocking()).isEmpty();
    }

    @Test
    void onlyStoppedTasksMeanDrained() {
        DrainCheck c = DrainCheck.decide(BEFORE, DEADLINE,
                List.of(service("t1", "STOPPED", "STOPPED"), standalone("t2", "STOPPED", "STOPPED")));
        assertThat(c.decision()).isEqualTo(WorkflowDecision.DRAINED);
    }

    @Test
    void aTaskStillStoppingBlocksAlthoughItsDesiredStatusIsStopped() {
        // runningTasksCount would already be 0 for this task: the reason counters are not used.
        for (String last : List.of("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING",
                "DEPROVISIONING")) {
            DrainCheck c = DrainCheck.decide(BEFORE, DEADLINE, List.of(service("t1", last, "STOPPED")));
            assertThat(c.decision()).as(last).isEqualTo(WorkflowDecision.WAIT);
            assertThat(c.blockingArns()).containsExactly("t1");
        }
    }

    @Test
    void standaloneTasksAreReportedSeparately() {
        DrainCheck c = DrainCheck.decide(BEFORE, DEADLINE, List.of(
                service("svc", "RUNNING", "STOPPED"),
                standalone("job", "RUNNING", "RUNNING"),
                standalone("done", "STOPPED", "STOPPED")));
        assertThat(c.decision()).isEqualTo(WorkflowDecision.WAIT);
        assertThat(c.blockingArns()).containsExactly("svc", "job");
        assertThat(c.standalone()).extracting(TaskInfo::arn).containsExactly("job");
    }

    @Test
    void tasksLeftAtOrAfterTheDeadlineMeanDeadlinePassed() {
        List<TaskInfo> tasks = List.of(standalone("job", "RUNNING", "RUNNING"));
        assertThat(DrainCheck.decide(DEADLINE, DEADLINE, tasks).decision()).isEqualTo(WorkflowDecision.DEADLINE_PASSED);
        assertThat(DrainCheck.decide(AFTER, DEADLINE, tasks).decision()).isEqualTo(WorkflowDecision.DEADLINE_PASSED);
        assertThat(DrainCheck.decide(DEADLINE.minusMillis(1), DEADLINE, tasks).decision())
                .isEqualTo(WorkflowDecision.WAIT);
        assertThat(DrainCheck.decide(AFTER, DEADLINE, tasks).standalone()).extracting(TaskInfo::arn)
                .containsExactly("job");
    }

    @Test
    void aDrainedInstanceIsDrainedEvenPastTheDeadline() {
        DrainCheck c = DrainCheck.decide(AFTER, DEADLINE, List.of(service("t1", "STOPPED", "STOPPED")));
        assertThat(c.decision()).isEqualTo(WorkflowDecision.DRAINED);
    }
}
