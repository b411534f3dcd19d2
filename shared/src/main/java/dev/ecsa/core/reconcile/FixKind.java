package dev.ecsa.core.reconcile;

/** How far a finding's fix reaches, which decides whether the reconciler may apply it on its own. */
public enum FixKind {
    /** Nothing to fix automatically: a person (or the node's own next request) must act. */
    NONE,
    /** Safe: deletes a leftover or closes an operation that already ended. On by default. */
    SAFE,
    /** Changes fleet membership (deregisters an instance). Off by default, and at most a budget per run. */
    MEMBERSHIP
}
