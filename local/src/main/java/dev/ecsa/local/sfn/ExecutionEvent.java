package dev.ecsa.local.sfn;

import java.time.Instant;

/**
 * One entry of an execution's event log, as aws-local-stepfunctions reports it (without state inputs and outputs).
 *
 * @param type         ExecutionStarted, StateEntered, StateExited, StateFailed, StateRetried, StateCaught,
 *                     ExecutionSucceeded, ExecutionFailed, ExecutionAborted, ExecutionTimeout, ...
 * @param timestamp    when it happened
 * @param stateName    the state, for state events; null otherwise
 * @param stateType    Task, Wait, Choice, ... for state events; null otherwise
 * @param error        the error name of a failure event; null otherwise
 * @param cause        the cause of a failure event; null otherwise
 * @param retryAttempt the attempt number of a StateRetried event; null otherwise
 */
public record ExecutionEvent(String type, Instant timestamp, String stateName, String stateType, String error,
                             String cause, Integer retryAttempt) {

    public static final String STATE_ENTERED = "StateEntered";
    public static final String STATE_EXITED = "StateExited";
    public static final String STATE_FAILED = "StateFailed";
    public static final String STATE_RETRIED = "StateRetried";
    public static final String STATE_CAUGHT = "StateCaught";

    public boolean is(String eventType, String state) {
        return type.equals(eventType) && state.equals(stateName);
    }
}
