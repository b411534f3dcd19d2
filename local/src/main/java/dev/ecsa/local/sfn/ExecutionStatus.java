package dev.ecsa.local.sfn;

/** The status of an execution, with the names the Step Functions API uses. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED;

    public boolean isTerminal() {
        return this != RUNNING;
    }
}
