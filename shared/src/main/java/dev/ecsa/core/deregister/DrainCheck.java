package dev.ecsa.core.deregister;

import dev.ecsa.core.port.TaskInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one place that decides whether a drain is done (docs/drain-workflow.md, "Decisions").
 *
 * <p>Drained means no task on the instance is in any state but STOPPED. ECS's counters are not used: runningTasksCount
 * counts desired status RUNNING, so a task that was told to stop but is still stopping is invisible to it, and
 * deregistering then would orphan it.
 *
 * @param decision        what to do next
 * @param blocking        every task not yet STOPPED
 * @param standalone      the blocking tasks no service owns: draining never stops these; they must finish or be
 *                        stopped by their owner, so they are reported by name
 */
public record DrainCheck(WorkflowDecision decision, List<TaskInfo> blocking, List<TaskInfo> standalone) {

    public DrainCheck {
        Objects.requireNonNull(decision, "decision");
        blocking = List.copyOf(blocking);
        standalone = List.copyOf(standalone);
    }

    /**
     * Decides from the tasks on the instance. A drained instance is DRAINED even past the deadline: the work is done,
     * there is nothing for a timeout policy to decide. The deadline is inclusive: at {@code now == deadline} the
     * drain has run out of time.
     */
    public static DrainCheck decide(Instant now, Instant deadline, List<TaskInfo> tasks) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(deadline, "deadline");
        List<TaskInfo> blocking = tasks.stream().filter(t -> !t.stopped()).toList();
        List<TaskInfo> standalone = blocking.stream().filter(t -> !t.serviceTask()).toList();
        WorkflowDecision d;
        if (blocking.isEmpty()) {
            d = WorkflowDecision.DRAINED;
        } else if (now.isBefore(deadline)) {
            d = WorkflowDecision.WAIT;
        } else {
            d = WorkflowDecision.DEADLINE_PASSED;
        }
        return new DrainCheck(d, blocking, standalone);
    }

    /** The ARNs of the blocking tasks, for events and the request record. */
    public List<String> blockingArns() {
        return blocking.stream().map(TaskInfo::arn).toList();
    }
}
