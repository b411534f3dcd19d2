package dev.ecsa.core.deregister;

import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.port.DrainStart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the drain workflow the way the definition in infra-cdk (DrainStateMachine) routes it — StartDrain → DrainDecision
 * → [WaitForDrain → CheckDrain → DrainDecision]* → Deregister → CleanHost | UpgradeAgents → UpgradeDecision |
 * ApplyTimeoutPolicy → TimeoutDecision;
 * Retry on RetryableException (5 retries), Catch all → RecordFailure → DrainFailed — with waits taken on a
 * {@link MutableClock}. It records every state entered, which is what Step Functions bills as state transitions.
 * (The real definition runs on the local interpreter in the integration tests; this is for fast unit tests.)
 */
final class StateMachineDriver {

    /** The path taken and the last state. */
    record Run(List<String> states, String end, DrainState last, int retries) {
        long count(DrainStep step) {
            return states.stream().filter(step.stateName()::equals).count();
        }
    }

    private static final int RETRIES = 5;

    private final DrainTasks tasks;
    private final MutableClock clock;
    private final java.util.function.IntConsumer onWait;

    StateMachineDriver(DrainTasks tasks, MutableClock clock) {
        this(tasks, clock, n -> { });
    }

    /** {@code onWait} runs after the n-th wait (1-based): the world moving on while the workflow waits. */
    StateMachineDriver(DrainTasks tasks, MutableClock clock, java.util.function.IntConsumer onWait) {
        this.tasks = tasks;
        this.clock = clock;
        this.onWait = onWait;
    }

    Run run(DrainStart input) {
        List<String> states = new ArrayList<>();
        int[] retries = {0};
        int waits = 0;
        DrainState state = DrainState.initial(input);
        DrainStep at = DrainStep.START_DRAIN;
        while (true) {
            states.add(at.stateName());
            if (states.size() > 10_000) {
                throw new AssertionError("the workflow does not end: " + states.subList(0, 20));
            }
            switch (at) {
                case START_DRAIN, CHECK_DRAIN, APPLY_TIMEOUT_POLICY, DEREGISTER, CLEAN_HOST, UPGRADE_AGENTS -> {
                    DrainState input2 = state;
                    DrainStep step = at;
                    try {
                        state = withRetries(() -> invoke(step, input, input2), retries);
                    } catch (RuntimeException e) {
                        states.add(DrainStep.RECORD_FAILURE.stateName());
                        tasks.recordFailure(input2, new CaughtError(e.getClass().getName(), e.getMessage()));
                        states.add(DrainStep.DRAIN_FAILED.stateName());
                        return new Run(states, DrainStep.DRAIN_FAILED.stateName(), input2, retries[0]);
                    }
                    at = switch (step) {
                        case START_DRAIN, CHECK_DRAIN -> DrainStep.DRAIN_DECISION;
                        case APPLY_TIMEOUT_POLICY -> DrainStep.TIMEOUT_DECISION;
                        case DEREGISTER -> DrainStep.CLEAN_HOST;
                        case UPGRADE_AGENTS -> DrainStep.UPGRADE_DECISION;
                        default -> DrainStep.NODE_DEREGISTERED;
                    };
                }
                case DRAIN_DECISION -> at = switch (state.decision()) {
                    case DRAINED, DEREGISTER -> DrainStep.DEREGISTER;
                    case UPGRADE -> DrainStep.UPGRADE_AGENTS;
                    case DEADLINE_PASSED -> DrainStep.APPLY_TIMEOUT_POLICY;
                    default -> DrainStep.WAIT_FOR_DRAIN;
                };
                case TIMEOUT_DECISION -> at = state.decision() == WorkflowDecision.DEREGISTER
                        ? DrainStep.DEREGISTER : state.decision() == WorkflowDecision.UPGRADE
                        ? DrainStep.UPGRADE_AGENTS : DrainStep.DRAIN_ENDED_WITHOUT_DEREGISTRATION;
                case UPGRADE_DECISION -> at = state.decision() == WorkflowDecision.UPGRADED
                        ? DrainStep.NODE_UPGRADED : DrainStep.UPGRADE_NOT_APPLIED;
                case WAIT_FOR_DRAIN -> {
                    clock.advance(Duration.ofSeconds(state.pollSeconds()));
                    onWait.accept(++waits);
                    at = DrainStep.CHECK_DRAIN;
                }
                default -> {
                    return new Run(states, at.stateName(), state, retries[0]);
                }
            }
        }
    }

    private DrainState invoke(DrainStep step, DrainStart input, DrainState state) {
        return switch (step) {
            case START_DRAIN -> tasks.startDrain(input);
            case CHECK_DRAIN -> tasks.checkDrain(state);
            case APPLY_TIMEOUT_POLICY -> tasks.applyTimeoutPolicy(state);
            case DEREGISTER -> tasks.deregister(state);
            case CLEAN_HOST -> tasks.cleanHost(state);
            case UPGRADE_AGENTS -> tasks.upgradeAgents(state);
            default -> throw new IllegalArgumentException(step.name());
        };
    }

    private DrainState withRetries(java.util.function.Supplier<DrainState> task, int[] retries) {
        for (int attempt = 0; ; attempt++) {
            try {
                return task.get();
            } catch (RetryableException e) {
                if (attempt == RETRIES) {
                    throw e;
                }
                retries[0]++;
                // Retry interval 5 s, backoff 2 (the definition's); time passes for the drain too.
                clock.advance(Duration.ofSeconds(5L << attempt));
            }
        }
    }
}
