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
 */
public record NodeHealth(Instant unhealthySince, String problem, Instant quarantinedAt, Instant healthySince,
                         Instant restartRequestedAt, String restartRequestId) {

    private static final NodeHealth NONE = new NodeHealth(null, null, null, null, null, null);

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
        return new NodeHealth(start, what, quarantinedAt, null, restartRequestedAt, restartRequestId);
    }

    /**
     * A healthy run: the streak ends (and with it the restart it had); a quarantine stays until {@link #released()},
     * counting from {@code at}.
     */
    public NodeHealth healthy(Instant at) {
        if (quarantinedAt == null) {
            return NONE;
        }
        return new NodeHealth(null, null, quarantinedAt, healthySince == null ? at : healthySince, null, null);
    }

    public NodeHealth withQuarantine(Instant at) {
        return new NodeHealth(unhealthySince, problem, at, healthySince, restartRequestedAt, restartRequestId);
    }

    public NodeHealth withRestartRequested(Instant at, String requestId) {
        return new NodeHealth(unhealthySince, problem, quarantinedAt, healthySince, at, requestId);
    }

    /** The quarantine lifted: nothing left to remember. */
    public NodeHealth released() {
        return NONE;
    }
}
