package dev.ecsa.core.reconcile;

import dev.ecsa.core.model.NodeRequest;

/**
 * Where the repair sends its requests (a restart; a deregistration and a registration for a re-registration): the
 * node-request queue, as any producer sends (MessageGroupId = the node, MessageDeduplicationId = the request id), so a
 * repair's request is ordered with the node's other requests and taken by the functions that reach hosts. The
 * reconcile package owns this port.
 */
public interface RepairRequests {

    /**
     * Sends the request. Idempotent by request id: sending the same request again within the queue's deduplication
     * window is dropped by the queue, and later the request's record makes it a replay.
     *
     * @throws dev.ecsa.core.error.NodeOperationException when the queue refuses it or cannot be reached
     */
    void send(NodeRequest request);

    /** For a stack whose repair sends nothing: sending is a defect. */
    static RepairRequests none() {
        return request -> {
            throw new IllegalStateException("this reconciler sends no requests (ecsa:repairRestart and "
                    + "ecsa:repairReregister are off)");
        };
    }
}
