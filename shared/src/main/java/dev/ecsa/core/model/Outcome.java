package dev.ecsa.core.model;

/** How a request ended. Every outcome is published as an event and recorded on the request. */
public enum Outcome {
    /** The node was registered by this request. */
    REGISTERED(true),
    /** The node was already registered; nothing was done. */
    ALREADY_REGISTERED(true),
    /** The request was invalid or not allowed in the node's state; nothing was done. */
    REJECTED(false),
    /** The operation failed; the request and node record say why. */
    FAILED(false),
    /** The operation ran out of time (other than a drain deadline). */
    TIMED_OUT(false),
    /** The node was drained and deregistered by this request. */
    DEREGISTERED(true),
    /** The node was already gone (never registered here, or already deregistered); nothing was done. */
    ALREADY_GONE(true),
    /** The drain deadline passed with tasks left and the policy ({@code force}) deregistered anyway. */
    FORCE_DEREGISTERED(true),
    /** The drain deadline passed with tasks left; the instance was put back to ACTIVE (policy {@code revert}). */
    DRAIN_TIMED_OUT(false),
    /** The drain deadline passed with tasks left; the instance stays DRAINING and a person was alerted. */
    DRAIN_KEPT(false),
    /** The node's agents were restarted and both reconnected under the same ids. */
    AGENTS_RESTARTED(true),
    /** The node's agents were upgraded in place and report the new versions under the same ids; ACTIVE again. */
    UPGRADED(true);

    private final boolean success;

    Outcome(boolean success) {
        this.success = success;
    }

    /** Whether the request achieved what it asked for. */
    public boolean success() {
        return success;
    }
}
