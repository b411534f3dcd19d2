package dev.ecsa.core.port;

import dev.ecsa.core.model.NodeRequest;

/** Sends node requests onto the node-request queue, as a producer would (the repair and the rollouts do). */
public interface NodeRequestSender {

    /**
     * Sends the request. Idempotent by request id: sending the same request again within the queue's deduplication
     * window is dropped by the queue, and later the request's record makes it a replay.
     *
     * @throws dev.ecsa.core.error.NodeOperationException when the queue refuses it or cannot be reached
     */
    void send(NodeRequest request);
}
