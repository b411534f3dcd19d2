package dev.ecsa.core.model;

/** How one step of a request went. */
public enum StepResult {
    /** Still running. */
    STARTED,
    /** Did what it had to. */
    SUCCEEDED,
    /** Nothing to do (already done, or not applicable). */
    SKIPPED,
    /** Failed; the detail says why. */
    FAILED
}
