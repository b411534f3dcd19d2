package dev.ecsa.core.deregister;

import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.NodeStore;
import java.time.Clock;

/**
 * The CheckDrain Task: lists every task on the container instance and lets {@link DrainCheck} decide (drained, wait,
 * deadline passed). The remaining tasks go into the request record's {@value #STEP} step (replaced at every check,
 * so the record holds the latest picture, not forty of them) and, bounded, into the workflow state.
 *
 * <p>Idempotent: it only reads ECS; a re-run of the same input writes the same step again.
 */
public final class CheckDrain {

    public static final String STEP = "check-drain";
    /** The detail of the check that found the instance drained; every other check is still waiting. */
    public static final String DRAINED = "no task left on the instance";

    private final ContainerInstances containers;
    private final Clock clock;
    private final RequestJournal journal;

    public CheckDrain(NodeStore store, ContainerInstances containers, Clock clock) {
        this.containers = containers;
        this.clock = clock;
        this.journal = new RequestJournal(store, clock);
    }

    public DrainState handle(DrainState state) {
        DrainCheck check = DrainCheck.decide(clock.instant(), state.deadline(),
                containers.listTasks(state.cluster(), state.containerInstanceArn()));
        DrainState next = state.withCheck(check, state.checks() + 1);
        String detail = "check " + next.checks() + ": " + switch (check.decision()) {
            case DRAINED -> DRAINED;
            case WAIT -> TaskText.summary(next.remainingTasks(), next.standaloneTasks(), next.blockingTasks());
            case DEADLINE_PASSED -> "deadline " + state.deadline() + " passed with "
                    + TaskText.summary(next.remainingTasks(), next.standaloneTasks(), next.blockingTasks());
            case DEREGISTER, END, UPGRADE, UPGRADED -> throw new IllegalStateException("a drain check never decides "
                    + check.decision());
        };
        journal.record(state.requestId(), STEP, StepResult.SUCCEEDED, detail);
        return next;
    }
}
