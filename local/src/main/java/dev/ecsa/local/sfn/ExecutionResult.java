package dev.ecsa.local.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How an execution ended.
 *
 * @param executionId the id {@link LocalStepFunctions} gave it
 * @param status      SUCCEEDED, FAILED, TIMED_OUT or ABORTED
 * @param output      the final state's output when SUCCEEDED; null otherwise
 * @param error       the error name when FAILED or TIMED_OUT (a Fail state's Error, or an uncaught task error)
 * @param cause       the cause that goes with {@code error}
 * @param events      the event log, in order
 */
public record ExecutionResult(String executionId, ExecutionStatus status, JsonNode output, String error,
                              String cause, List<ExecutionEvent> events) {

    public ExecutionResult {
        events = List.copyOf(events);
    }

    /** The names of the states entered, in order (a state entered twice appears twice). */
    public List<String> enteredStates() {
        return events.stream().filter(e -> ExecutionEvent.STATE_ENTERED.equals(e.type()))
                .map(ExecutionEvent::stateName).toList();
    }

    /** How many events of this type the named state has (e.g. entered or retried). */
    public long count(String eventType, String stateName) {
        return events.stream().filter(e -> e.is(eventType, stateName)).count();
    }

    /** How many times the named state was entered (retries of a state don't re-enter it). */
    public long timesEntered(String stateName) {
        return count(ExecutionEvent.STATE_ENTERED, stateName);
    }

    /** States entered in all; a Retry of a state is not counted here (see {@link #count} with StateRetried). */
    public long transitions() {
        return enteredStates().size();
    }
}
