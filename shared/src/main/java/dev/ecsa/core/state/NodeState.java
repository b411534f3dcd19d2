package dev.ecsa.core.state;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle state of a node, and the one place that says which moves between states are legal.
 *
 * <p>A node that has no item in the store has never been seen; its first item is written in {@link #initial()}
 * ({@code REGISTERING}). Every later change is one conditional move {@code from → to} that {@link #canMoveTo}
 * allows; {@link Transitions#decide} tells a first attempt from a replay and from a conflict.
 *
 * <pre>
 *  (none) ──▶ REGISTERING ──▶ REGISTERED ──▶ DRAINING ──▶ DEREGISTERING ──▶ DEREGISTERED
 *                 │   ▲            ▲  │          │  │          │                 │
 *                 ▼   │            │  │          │  ▼          ▼                 │
 *         REGISTRATION_FAILED      │  │          │ DRAIN_KEPT  DEREGISTRATION_FAILED
 *                                  └──┼──────────┘ (revert)                     │
 *                                     └─▶ DEREGISTERING (nothing to drain)      └─▶ REGISTERING (re-register)
 *
 *  REGISTERED ◀──▶ DRAIN_KEPT: the reconciler's repair quarantines an unhealthy node, and releases its own quarantine
 * </pre>
 */
public enum NodeState {
    /** A registration is running: activation created, host being bootstrapped, ids being verified. */
    REGISTERING,
    /** Registered in SSM and ECS; the container instance is (as far as this service knows) ACTIVE. */
    REGISTERED,
    /** The last registration failed; the node item holds the reason. It may have left a partial registration. */
    REGISTRATION_FAILED,
    /** A drain workflow set (or found) the container instance DRAINING and is waiting for its tasks to stop. */
    DRAINING,
    /**
     * The container instance is held DRAINING: a drain reached its deadline with policy {@code keep} (or the drain was
     * not ours), or the reconciler's repair quarantined the node because its agents stayed unhealthy.
     */
    DRAIN_KEPT,
    /** Deregistering from ECS and SSM and cleaning up the host. */
    DEREGISTERING,
    /** Gone from ECS and SSM. The item stays as history; the node may register again. */
    DEREGISTERED,
    /** The last drain or deregistration failed; the node item holds the reason. */
    DEREGISTRATION_FAILED;

    /** The state a node's item is created in. */
    public static NodeState initial() {
        return REGISTERING;
    }

    /** Whether an operation is in flight: another request for the node must wait or be refused. */
    public boolean isBusy() {
        return this == REGISTERING || this == DRAINING || this == DEREGISTERING;
    }

    /** Whether the node has no registration in AWS that this service knows of. */
    public boolean isGone() {
        return this == DEREGISTERED;
    }

    /** Whether moving from this state to {@code target} is legal. Staying put is not a move. */
    public boolean canMoveTo(NodeState target) {
        return successors().contains(target);
    }

    /** Every state this state may move to. */
    public Set<NodeState> successors() {
        return Collections.unmodifiableSet(switch (this) {
            case REGISTERING -> EnumSet.of(REGISTERED, REGISTRATION_FAILED);
            // A failed registration may be retried, or cleaned up (it can leave an mi- or container instance behind).
            case REGISTRATION_FAILED -> EnumSet.of(REGISTERING, DEREGISTERING);
            // DEREGISTERING directly: nothing to drain (e.g. the container instance is already gone). DRAIN_KEPT: the
            // reconciler's repair quarantines a node whose agents stay unhealthy (docs/reconcile.md).
            case REGISTERED -> EnumSet.of(DRAINING, DEREGISTERING, DRAIN_KEPT);
            // REGISTERED = drain reverted to ACTIVE; DEREGISTRATION_FAILED = the drain itself failed.
            case DRAINING -> EnumSet.of(DEREGISTERING, REGISTERED, DRAIN_KEPT, DEREGISTRATION_FAILED);
            // A later deregister request drains again, or goes straight to deregistering (policy force). REGISTERED:
            // the repair releases a quarantine of its own once the node is healthy again.
            case DRAIN_KEPT -> EnumSet.of(DRAINING, DEREGISTERING, REGISTERED);
            case DEREGISTERING -> EnumSet.of(DEREGISTERED, DEREGISTRATION_FAILED);
            case DEREGISTRATION_FAILED -> EnumSet.of(DRAINING, DEREGISTERING);
            // SSM requires a new activation to re-register, which a new registration creates anyway.
            case DEREGISTERED -> EnumSet.of(REGISTERING);
        });
    }
}
