package dev.ecsa.core.deregister;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.DrainRequest;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.NodeGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * What the intakes of the requests that start with a drain (deregister, upgrade) do alike: start the node's drain
 * workflow and record it, and refuse a request at the guard.
 */
final class DrainIntakes {

    private DrainIntakes() {
    }

    /**
     * Starts the drain workflow with {@code input} and records the {@link DeregisterIntake#STEP_START_WORKFLOW} step
     * ({@code what} says what the workflow will do, for the record).
     *
     * @param notStarted what a failure to start becomes on the last delivery (or when it is not retryable)
     * @throws NodeOperationException a retryable failure to start, before the last delivery
     */
    static IntakeResult startWorkflow(NodeStore store, DrainWorkflow workflow, Clock clock, DrainStart input,
                                      String what, Attempt attempt,
                                      Function<NodeOperationException, IntakeResult> notStarted) {
        Instant at = clock.instant();
        boolean started;
        try {
            started = workflow.start(input);
        } catch (NodeOperationException e) {
            store.appendStep(input.requestId(), new Step(DeregisterIntake.STEP_START_WORKFLOW, at, clock.instant(),
                    StepResult.FAILED, e.detail()));
            if (e.retryable() && !attempt.isLast()) {
                throw e;
            }
            return notStarted.apply(e);
        }
        RequestRecord now = store.appendStep(input.requestId(), new Step(DeregisterIntake.STEP_START_WORKFLOW, at,
                clock.instant(), started ? StepResult.SUCCEEDED : StepResult.SKIPPED,
                (started ? "started" : "already started") + " execution "
                        + DrainWorkflow.executionName(input.requestId()) + what + ", deadline " + input.deadline()
                        + ", policy " + input.policy().wireName()));
        return IntakeResult.of(now, !started);
    }

    /** Refuses the request at the guard: the step, a NodeRequestRejected event, the request REJECTED. */
    static IntakeResult reject(NodeStore store, EventPublisher events, Clock clock, DrainRequest request,
                               Reason reason, String message) {
        Instant at = clock.instant();
        store.appendStep(request.requestId(), new Step(NodeGuard.STEP, at, at, StepResult.FAILED, message));
        events.publish(new NodeEvent.NodeRequestRejected(request.nodeId(), request.requestId(),
                request.action().wireName(), reason + ": " + message));
        return IntakeResult.of(store.finishRequest(request.requestId(), Outcome.REJECTED,
                new Failure(reason, message)), false);
    }

    /** Whether the request's record has {@code step} done (not failed, not merely started). */
    static boolean succeeded(RequestRecord record, String step) {
        return record.steps().stream().anyMatch(s -> s.name().equals(step) && s.result() != StepResult.FAILED
                && s.result() != StepResult.STARTED);
    }
}
