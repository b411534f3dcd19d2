package dev.ecsa.core.reconcile;

import dev.ecsa.core.model.RestartRequest;

/**
 * Where the repair sends its restart requests: the node-request queue, as any producer sends (MessageGroupId = the
 * node, MessageDeduplicationId = the request id), so a restart is ordered with the node's other requests and taken by
 * the one function that reaches hosts. The reconcile package owns this port.
 */
public interface RestartRequests {

    /**
     * Sends the request. Idempotent by request id: sending the same request again within the queue's deduplication
     * window is dropped by the queue, and later the request's record makes it a replay.
     *
     * @throws dev.ecsa.core.error.NodeOperationException when the queue refuses it or cannot be reached
     */
    void send(RestartRequest request);

    /** For a stack whose repair does not restart: sending is a defect. */
    static RestartRequests none() {
        return request -> {
            throw new IllegalStateException("this reconciler sends no restart requests (ecsa:repairRestart is off)");
        };
    }
}
