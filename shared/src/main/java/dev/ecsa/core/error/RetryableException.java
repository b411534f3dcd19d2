package dev.ecsa.core.error;

/** A failure that may clear up on its own: retried with backoff (Step Functions) or redelivered (SQS). */
public final class RetryableException extends NodeOperationException {

    public RetryableException(Reason reason, String message) {
        this(reason, message, null);
    }

    public RetryableException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
