package dev.ecsa.core.request;

/**
 * A request whose id already belongs to another request: another node or action, or a rejection of an invalid body.
 * A retry cannot help; {@link dev.ecsa.core.intake.AcceptNodeRequest} records it under the message's own key (reason
 * CONFLICT) and tells the producer, and the earlier request's record is left alone.
 */
public final class RequestIdConflict extends RuntimeException {

    public RequestIdConflict(String message) {
        super(message);
    }
}
