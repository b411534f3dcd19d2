package dev.ecsa.core.model;

/** Where a request is in its life. */
public enum RequestStatus {
    /** Recorded, not yet started. */
    RECEIVED,
    /** Steps are running (possibly inside the drain workflow). */
    IN_PROGRESS,
    /** Finished; the request's outcome says how. */
    COMPLETED
}
