package dev.ecsa.local.sfn;

/**
 * Thrown by a {@link TaskHandler} to make the Lambda service itself fail the Task's invocation, as opposed to the
 * function: Step Functions then reports {@code Lambda.SdkClientException} when it could not reach Lambda at all
 * ({@link #unreachable()}: the task endpoint drops the connection) or {@code Lambda.ServiceException} when Lambda
 * answered with a server error (the endpoint answers 503). The drain workflow retries both, as AWS advises.
 */
public final class LambdaServiceFault extends RuntimeException {

    private final boolean unreachable;

    public LambdaServiceFault(boolean unreachable, String message) {
        super(message);
        this.unreachable = unreachable;
    }

    /** Whether the invocation never reached the service (else the service answered a 5xx). */
    public boolean unreachable() {
        return unreachable;
    }
}
