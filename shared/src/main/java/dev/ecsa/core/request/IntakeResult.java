package dev.ecsa.core.request;

import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What handling one request delivery came to, for the handler to log and acknowledge.
 *
 * @param status  COMPLETED with an outcome, or IN_PROGRESS (a drain workflow now owns the request)
 * @param outcome the outcome once completed, else {@code null}
 * @param failure why it failed or was rejected, or {@code null}
 * @param replay  whether this delivery found the request already completed and only reported it
 */
public record IntakeResult(String requestId, String nodeId, RequestStatus status, Outcome outcome, Failure failure,
                           boolean replay) {

    public IntakeResult {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(status, "status");
    }

    /** The result a stored record describes. */
    public static IntakeResult of(RequestRecord record, boolean replay) {
        return new IntakeResult(record.requestId(), record.nodeId(), record.status(), record.outcome(),
                record.failure(), replay);
    }

    /** The outcome, once completed. */
    public Optional<Outcome> result() {
        return Optional.ofNullable(outcome);
    }
}
