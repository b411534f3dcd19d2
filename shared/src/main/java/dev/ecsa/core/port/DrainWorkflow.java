package dev.ecsa.core.port;

import java.util.Optional;

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

    /**
     * The execution for this request, if one was ever started (DescribeExecution on its name: one call). Read-only;
     * the reconciler uses it to tell a drain in progress from a node left DRAINING by an execution that ended.
     *
     * <p>Default: unsupported (implementations that are not listings, e.g. test decorators, need not offer it).
     */
    default Optional<DrainExecution> find(String requestId) {
        throw new UnsupportedOperationException(getClass().getName() + " does not describe executions");
    }
}
