package dev.ecsa.core.error;

/**
 * Why a node operation did not succeed. Every reason has a default classification: retryable reasons describe
 * conditions that can clear up on their own (throttling, an unreachable host), permanent ones need a person or a
 * different request. {@link NodeOperationException#of} picks the exception class from it.
 */
public enum Reason {
    /** The request failed validation; the message lists every violation. */
    INVALID_REQUEST(false),
    /** The node is in the middle of another operation (registering, draining, deregistering). */
    NODE_BUSY(true),
    /** A conditional write found the node in a state or version other than the expected one. */
    CONFLICT(false),
    /** A deregistration or drain was asked for a node that is not registered. */
    NOT_REGISTERED(false),
    /** A registration was asked for a node that is draining or otherwise not in a state that allows it. */
    INVALID_STATE(false),
    /** No TCP connection to the host's SSH port (refused, no route, DNS failure, connect timeout). */
    HOST_UNREACHABLE(true),
    /** The SSH server rejected the service's key or user. */
    SSH_AUTH_FAILED(false),
    /** The host presented a key other than the expected or pinned one (possible impersonation). */
    HOST_KEY_CHANGED(false),
    /** A host key was required but none was given or pinned, and trust-on-first-use was not allowed. */
    HOST_KEY_UNKNOWN(false),
    /** {@code sudo -n} was refused for the SSH user (no passwordless sudo). */
    SUDO_DENIED(false),
    /** A pre-flight check on the host failed (no systemd, wrong architecture, conflicting AWS credentials...). */
    PREFLIGHT_FAILED(false),
    /** The ECS Anywhere install script's checksum or signature did not verify; it was not run. */
    INSTALL_SCRIPT_UNVERIFIED(false),
    /** The install script ran and failed. */
    INSTALL_FAILED(false),
    /** The SSM or ECS agent did not come up on the host in time after installation. */
    AGENT_NOT_READY(true),
    /**
     * A registered node's agents stayed disconnected longer than the repair's debounce; the reconciler quarantined it
     * (docs/reconcile.md, "Health and repair").
     */
    AGENT_UNHEALTHY(false),
    /**
     * An in-place agent upgrade failed (docs/upgrade.md): rolled back, refused before any change (a download, a
     * signature, the identity), not confirmed by ECS and SSM, or left changed by a rollback that failed too.
     */
    UPGRADE_FAILED(false),
    /** The activation was rejected (expired, already used, deleted) while registering the host. */
    ACTIVATION_INVALID(false),
    /** The ids the host reports (managed instance, container instance) differ from what AWS reports. */
    IDS_MISMATCH(false),
    /** The host script's result line was missing or could not be parsed. */
    SCRIPT_OUTPUT_INVALID(false),
    /** The host cleanup script failed during deregistration. */
    CLEANUP_FAILED(false),
    /** An AWS API throttled the call. */
    THROTTLED(true),
    /** An AWS API returned a server error or could not be reached. */
    AWS_UNAVAILABLE(true),
    /** An AWS API denied the call (missing IAM permission); a deployment problem, not a transient one. */
    AWS_ACCESS_DENIED(false),
    /** An operation (SSH command, agent wait) ran past its time limit. */
    TIMED_OUT(true),
    /** A resource that had to exist does not (an expected managed or container instance). */
    NOT_FOUND(false),
    /** A secret (the SSH private key) could not be read. */
    SECRET_UNAVAILABLE(true),
    /** An unexpected error inside the service; a bug until shown otherwise. */
    INTERNAL(false);

    private final boolean retryable;

    Reason(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether a failure for this reason is worth retrying by default. */
    public boolean retryable() {
        return retryable;
    }
}
