package dev.ecsa.core.reconcile;

/** What a reconcile run did about one finding. */
public enum FixAction {
    /** The finding has no automatic fix: it is reported. */
    REPORTED,
    /** This run fixed it. */
    FIXED,
    /** An earlier run fixed it and it is still seen (AWS listings lag): not fixed again. */
    ALREADY_FIXED,
    /** The re-check right before acting found it resolved: nothing done. */
    RESOLVED_ON_RECHECK,
    /** Its fix is turned off in the configuration. */
    SKIPPED_DISABLED,
    /** The run's budget of membership fixes was spent; a later run takes it. */
    SKIPPED_BUDGET,
    /** A safety held the repair back: it is paused stack-wide, or too much of the cluster is unhealthy at once. */
    SKIPPED_SAFETY,
    /** The fix was attempted and failed; the finding's action detail says why. A later run tries again. */
    FAILED
}
