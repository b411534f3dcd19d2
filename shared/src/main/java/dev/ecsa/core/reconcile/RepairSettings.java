package dev.ecsa.core.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * The reconciler's health-gated repair (docs/reconcile.md, "Health and repair"). Reporting is always on; every step
 * that acts is off unless enabled.
 *
 * @param unhealthyAfter      a node counts as unhealthy once every run for this long found an agent disconnected
 *                            (ECS {@code agentConnected} false, SSM ping not Online) or ECS
 *                            reporting the container instance IMPAIRED: one healthy run starts the count
 *                            again, so an agent that flips briefly is never acted on; a quarantined node is released
 *                            once it stayed healthy this long. Default 15 min (with the default schedule: two
 *                            consecutive runs)
 * @param quarantine          quarantine an unhealthy REGISTERED node: its container instance DRAINING, the node
 *                            DRAIN_KEPT, so no new tasks land there and service tasks move away (default off)
 * @param restart             send a {@code restart} request (the agents restarted over SSH, identity kept) for an
 *                            unhealthy node, once per unhealthy streak: when it counts as unhealthy, or
 *                            {@code stepAfter} after its quarantine when quarantine is on (default off)
 * @param stepAfter           how long the quarantine is given before the restart (default 15 min)
 * @param maxUnhealthyPercent repair acts in a cluster only while at most this share of its registered nodes is
 *                            unhealthy: more at once is a network or AWS problem, not a node problem (default 40: in
 *                            a cluster of 3 one node may be repaired, in a cluster of 2 none; 100 turns it off)
 * @param reregister          the last resort (default off): {@code stepAfter} after the streak's restart request ended
 *                            with the node still unhealthy, deregister the node (policy force: its agents are gone
 *                            anyway) and, once it is deregistered, register it again from its record (address, SSH
 *                            user, pinned key, cluster, attributes, tags): a new managed instance and container
 *                            instance, reported as {@code NodeReregistered}. Needs {@code restart}
 */
public record RepairSettings(Duration unhealthyAfter, boolean quarantine, boolean restart, Duration stepAfter,
                             int maxUnhealthyPercent, boolean reregister) {

    public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_UNHEALTHY_PERCENT = 40;
    public static final Duration DEFAULT_STEP_AFTER = Duration.ofMinutes(15);

    /** Quarantine at most: no restarts. */
    public RepairSettings(Duration unhealthyAfter, boolean quarantine, int maxUnhealthyPercent) {
        this(unhealthyAfter, quarantine, false, DEFAULT_STEP_AFTER, maxUnhealthyPercent);
    }

    /** No re-registration. */
    public RepairSettings(Duration unhealthyAfter, boolean quarantine, boolean restart, Duration stepAfter,
                          int maxUnhealthyPercent) {
        this(unhealthyAfter, quarantine, restart, stepAfter, maxUnhealthyPercent, false);
    }

    public RepairSettings {
        Objects.requireNonNull(unhealthyAfter, "unhealthyAfter");
        Objects.requireNonNull(stepAfter, "stepAfter");
        if (unhealthyAfter.isNegative() || stepAfter.isNegative()) {
            throw new IllegalArgumentException("unhealthyAfter and stepAfter must not be negative");
        }
        if (reregister && !restart) {
            throw new IllegalArgumentException("re-registration is the step after the restart: turn restart on too");
        }
        if (maxUnhealthyPercent < 0 || maxUnhealthyPercent > 100) {
            throw new IllegalArgumentException("maxUnhealthyPercent must be 0-100, not " + maxUnhealthyPercent);
        }
    }

    /** Report only. */
    public static RepairSettings reportOnly() {
        return new RepairSettings(DEFAULT_UNHEALTHY_AFTER, false, DEFAULT_MAX_UNHEALTHY_PERCENT);
    }

    public RepairSettings withQuarantine(boolean on) {
        return new RepairSettings(unhealthyAfter, on, restart, stepAfter, maxUnhealthyPercent, reregister);
    }

    public RepairSettings withRestart(boolean on, Duration after) {
        return new RepairSettings(unhealthyAfter, quarantine, on, after, maxUnhealthyPercent, reregister);
    }

    /** The last resort: re-register a node whose agents stayed unhealthy after their restart ({@code stepAfter}). */
    public RepairSettings withReregister(boolean on) {
        return new RepairSettings(unhealthyAfter, quarantine, restart, stepAfter, maxUnhealthyPercent, on);
    }

    /** Whether {@code unhealthy} of {@code registered} nodes in one cluster is more than the limit allows. */
    public boolean outage(int unhealthy, int registered) {
        return registered > 0 && unhealthy * 100L > (long) maxUnhealthyPercent * registered;
    }
}
