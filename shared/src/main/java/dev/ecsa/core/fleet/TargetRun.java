package dev.ecsa.core.fleet;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a rollout as it runs.
 *
 * @param index     the node's place in the plan, from 1: its request is {@code <rolloutId>-<index>}
 * @param batch     its batch, from 1
 * @param outcome   the node request's outcome once it ended (its {@code Outcome} name), else {@code null}
 * @param detail    the failure's reason and message, or why the node was not started; at most 300 characters
 */
public record TargetRun(int index, String nodeId, int batch, String cluster, String managedInstanceId,
                        String containerInstanceArn, Map<String, String> attributes, State state, String requestId,
                        String outcome, String detail, Instant startedAt, Instant endedAt) {

    static final int MAX_DETAIL = 300;

    /** A target's progress. */
    public enum State {
        WAITING, IN_FLIGHT, SUCCEEDED, FAILED, NOT_STARTED;

        public boolean ended() {
            return this == SUCCEEDED || this == FAILED || this == NOT_STARTED;
        }
    }

    public TargetRun {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(state, "state");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (detail != null && detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL - 1) + "…";
        }
    }

    /** The target as admission and the plan see it. */
    public RolloutTarget target() {
        return new RolloutTarget(nodeId, cluster, attributes, managedInstanceId, containerInstanceArn);
    }

    TargetRun started(String id, Instant at) {
        return new TargetRun(index, nodeId, batch, cluster, managedInstanceId, containerInstanceArn, attributes,
                State.IN_FLIGHT, id, null, null, at, null);
    }

    TargetRun ended(State to, String outcomeName, String why, Instant at) {
        return new TargetRun(index, nodeId, batch, cluster, managedInstanceId, containerInstanceArn, attributes, to,
                requestId, outcomeName, why, startedAt, at);
    }
}
