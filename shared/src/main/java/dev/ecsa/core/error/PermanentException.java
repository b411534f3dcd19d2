package dev.ecsa.core.error;

/** A failure a retry will not fix: recorded on the request and acknowledged. */
public final class PermanentException extends NodeOperationException {

    public PermanentException(Reason reason, String message) {
        this(reason, message, null);
    }

    public PermanentException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
