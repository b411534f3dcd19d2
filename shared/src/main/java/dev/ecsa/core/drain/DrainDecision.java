package dev.ecsa.core.drain;

/** Where a drain stands after one check. */
public enum DrainDecision {
    /** No task on the instance is in any state but STOPPED: deregister. */
    DRAINED,
    /** Tasks remain and the deadline has not passed: wait and check again. */
    WAIT,
    /** Tasks remain and the deadline has passed: the timeout policy decides. */
    DEADLINE_PASSED
}
