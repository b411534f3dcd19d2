package dev.ecsa.core.model;

import java.time.Duration;
import java.time.Instant;

/**
 * What the reconciler has seen of a registered node's agents over time, and what its repair did about it. Every field
 * is {@code null} while the node is healthy and nothing was done ({@link #none()}; nothing is stored then). Written only
 * when it changes, conditional on the node's state, so a healthy fleet costs no writes.
 *
 * @param unhealthySince     the start of the current streak of runs that found the node unhealthy (SSM's last ping
 *                           when that is earlier: SSM has not heard from the agent since); one healthy run ends it
 * @param problem            what the last unhealthy run saw (which agent, which status), for people
 * @param quarantinedAt      when the repair set the container instance DRAINING and the node DRAIN_KEPT; only a
 *                           quarantine of the repair's own is ever released by it
 * @param healthySince       a quarantined node found healthy again: since when (released once it stayed so)
 * @param restartRequestedAt when the repair sent a restart request for this streak (once per streak)
 * @param restartRequestId   that request's id
 * @param reregisterRequestedAt when the repair, as its last resort, sent the deregistration of a re-registration
 *                           (the registration follows once the node is deregistered); the repair leaves the node to
 *                           that escalation until it ends
 * @param replacedIdentity   the identity being replaced, {@code <mi->|<container instance ARN>}
 */
public record NodeHealth(Instant unhealthySince, String problem, Instant quarantinedAt, Instant healthySince,
                         Instant restartRequestedAt, String restartRequestId, Instant reregisterRequestedAt,
                         String replacedIdentity) {

    private static final NodeHealth NONE = new NodeHealth(null, null, null, null, null, null, null, null);

    /** Health with no re-registration started. */
    public NodeHealth(Instant unhealthySince, String problem, Instant quarantinedAt, Instant healthySince,
                      Instant restartRequestedAt, String restartRequestId) {
        this(unhealthySince, problem, quarantinedAt, healthySince, restartRequestedAt, restartRequestId, null, null);
    }

    /** Health with no restart requested. */
    public NodeHealth(Instant unhealthySince, String problem, Instant quarantinedAt, Instant healthySince) {
        this(unhealthySince, problem, quarantinedAt, healthySince, null, null);
    }

    /** Healthy, nothing done. */
    public static NodeHealth none() {
        return NONE;
    }

    /** Whether there is nothing to store. */
    public boolean isNone() {
        return equals(NONE);
    }

    /** Whether the current streak has lasted at least {@code debounce} at {@code now}. */
    public boolean unhealthyFor(Duration debounce, Instant now) {
        return unhealthySince != null && !unhealthySince.plus(debounce).isAfter(now);
    }

    /** Whether the repair holds the node in quarantine. */
    public boolean quarantined() {
        return quarantinedAt != null;
    }

    /** The streak as seen by one more unhealthy run: it starts now (or at {@code since}) unless it runs already. */
    public NodeHealth unhealthy(Instant since, String what) {
        Instant start = unhealthySince == null || since.isBefore(unhealthySince) ? since : unhealthySince;
        return new NodeHealth(start, what, quarantinedAt, null, restartRequestedAt, restartRequestId,
                reregisterRequestedAt, replacedIdentity);
    }

    /**
     * A healthy run: the streak ends (and with it the restart it had); a quarantine stays until {@link #released()},
     * counting from {@code at}.
     */
    public NodeHealth healthy(Instant at) {
        if (quarantinedAt == null) {
            return NONE;
        }
        return new NodeHealth(null, null, quarantinedAt, healthySince == null ? at : healthySince, null, null, null,
                null);
    }

    public NodeHealth withQuarantine(Instant at) {
        return new NodeHealth(unhealthySince, problem, at, healthySince, restartRequestedAt, restartRequestId,
                reregisterRequestedAt, replacedIdentity);
    }

    public NodeHealth withRestartRequested(Instant at, String requestId) {
        return new NodeHealth(unhealthySince, problem, quarantinedAt, healthySince, at, requestId,
                reregisterRequestedAt, replacedIdentity);
    }

    /** The last resort started: the deregistration of a re-registration was sent at {@code at}. */
    public NodeHealth withReregisterRequested(Instant at, String identity) {
        return new NodeHealth(unhealthySince, problem, quarantinedAt, healthySince, restartRequestedAt,
                restartRequestId, at, identity);
    }

    /**
     * What a registration keeps when it is the repair's re-registration: the streak's start (its requests' ids derive
     * from it) and the re-registration's mark, for the next run to report the new identity; the rest is history.
     */
    public NodeHealth afterReregistration() {
        return new NodeHealth(unhealthySince, problem, null, null, null, null, reregisterRequestedAt,
                replacedIdentity);
    }

    /** Whether a re-registration is under way (the repair leaves the node to it). */
    public boolean reregistering() {
        return reregisterRequestedAt != null;
    }

    /** The quarantine lifted: nothing left to remember. */
    public NodeHealth released() {
        return NONE;
    }
}
