package dev.ecsa.core.port;

/** The drain-and-deregister workflow (a Step Functions state machine in AWS). */
public interface DrainWorkflow {

    /** The execution name for a request: the request id itself (≤ 64 of [A-Za-z0-9_-], within the 80-char limit). */
    static String executionName(String requestId) {
        return requestId;
    }

    /**
     * Starts the workflow for {@code input} under {@link #executionName} of its request id. Idempotent by execution
     * name: starting the same request twice with the same input does nothing the second time.
     *
     * @return {@code true} if this call started it, {@code false} if it had already been started
     * @throws dev.ecsa.core.error.PermanentException CONFLICT if an execution of that name exists with other input
     */
    boolean start(DrainStart input);
}
