package dev.ecsa.core.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stored record of one request: who asked for what, every step with its time and result, and how it ended.
 *
 * @param outcome         {@code null} until {@code status} is {@link RequestStatus#COMPLETED}
 * @param failure         why it failed or was rejected, or {@code null}
 * @param finishedAt      {@code null} until completed
 */
public record RequestRecord(
        String requestId,
        String nodeId,
        Action action,
        String requestedBy,
        String reason,
        RequestStatus status,
        Outcome outcome,
        List<Step> steps,
        Failure failure,
        Instant receivedAt,
        Instant finishedAt) {

    public RequestRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(receivedAt, "receivedAt");
        steps = steps == null ? List.of() : List.copyOf(steps);
        reason = reason == null ? "" : reason;
        requestedBy = requestedBy == null ? "" : requestedBy;
        if ((status == RequestStatus.COMPLETED) != (outcome != null)) {
            throw new IllegalArgumentException("a request has an outcome exactly when it is completed");
        }
    }

    /** The record for a request that just arrived. */
    public static RequestRecord received(NodeRequest request, Instant now) {
        return new RequestRecord(request.requestId(), request.nodeId(), request.action(), request.requestedBy(),
                request.reason(), RequestStatus.RECEIVED, null, List.of(), null, now, null);
    }

    /**
     * The record for a request that failed validation; fields are whatever could be read (for the audit trail), the
     * failure says why.
     */
    public static RequestRecord rejected(String requestId, String nodeId, Action action, String requestedBy,
                                         Failure why, Instant now) {
        return new RequestRecord(requestId, nodeId, action, requestedBy, "", RequestStatus.COMPLETED,
                Outcome.REJECTED, List.of(), why, now, now);
    }

    /** This record with {@code step} added, or replacing the step of the same name and start time (a replay). */
    public RequestRecord withStep(Step step) {
        List<Step> next = new ArrayList<>(steps);
        boolean replaced = false;
        for (int i = 0; i < next.size(); i++) {
            Step s = next.get(i);
            if (s.name().equals(step.name()) && s.startedAt().equals(step.startedAt())) {
                next.set(i, step);
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            next.add(step);
        }
        RequestStatus nextStatus = status == RequestStatus.RECEIVED ? RequestStatus.IN_PROGRESS : status;
        return new RequestRecord(requestId, nodeId, action, requestedBy, reason, nextStatus, outcome, next, failure,
                receivedAt, finishedAt);
    }

    /** This record completed with {@code outcome}. */
    public RequestRecord finished(Outcome how, Failure why, Instant now) {
        return new RequestRecord(requestId, nodeId, action, requestedBy, reason, RequestStatus.COMPLETED, how, steps,
                why, receivedAt, now);
    }

    /** Whether the request has ended. */
    public boolean completed() {
        return status == RequestStatus.COMPLETED;
    }

    /** The outcome, once completed. */
    public Optional<Outcome> result() {
        return Optional.ofNullable(outcome);
    }
}
