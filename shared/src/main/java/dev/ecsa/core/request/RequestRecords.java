package dev.ecsa.core.request;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.NodeStore;
import java.time.Instant;

/** Recording a request idempotently on its id, shared by every use case that takes requests from the queue. */
public final class RequestRecords {

    private RequestRecords() {
    }

    /**
     * Stores the request as RECEIVED unless its id already has a record, and returns the stored record: a first
     * delivery gets a new record, a redelivery finds the one it (or an earlier delivery) wrote, with its steps.
     *
     * @throws RequestIdConflict if the id's record is about another node or action (the producer reused a
     *     request id, and the earlier request's record must not be touched), or if it is a rejection of an invalid
     *     body (a corrected resend needs a new id: the queue's deduplication would drop it within five minutes
     *     anyway, and the record keeps what was rejected)
     */
    public static RequestRecord recordOrFind(NodeStore store, NodeRequest request, Instant now) {
        RequestRecord fresh = RequestRecord.received(request, now);
        if (store.putRequestIfAbsent(fresh)) {
            return fresh;
        }
        RequestRecord existing = store.getRequest(request.requestId())
                .orElseThrow(() -> new PermanentException(Reason.CONFLICT,
                        "request " + request.requestId() + " exists but cannot be read back"));
        if (!existing.nodeId().equals(request.nodeId()) || existing.action() != request.action()) {
            throw new RequestIdConflict("request id " + request.requestId()
                    + " is already used by a " + existing.action().wireName() + " request for node "
                    + existing.nodeId() + "; use a new request id");
        }
        if (isInvalidBodyRejection(existing)) {
            throw new RequestIdConflict("request id " + request.requestId() + " was rejected as invalid; a corrected"
                    + " request needs a new request id");
        }
        return existing;
    }

    /** A record written by {@link dev.ecsa.core.intake.RequestRejections}: REJECTED for its content, nothing run. */
    private static boolean isInvalidBodyRejection(RequestRecord record) {
        return record.outcome() == Outcome.REJECTED && record.failure() != null
                && record.failure().reason() == Reason.INVALID_REQUEST && record.steps().isEmpty();
    }
}
