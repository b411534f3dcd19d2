package dev.ecsa.core.request;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.NodeRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * Which delivery of a queued request this is. The queue redelivers a message whose handling failed retryably; after
 * {@code maxReceives} deliveries it would go to the dead-letter queue, so the last attempt must end the request itself
 * (recorded, acknowledged) instead of asking for another retry.
 *
 * @param receiveCount SQS ApproximateReceiveCount of this delivery (1 for the first)
 * @param maxReceives  the bound: at this receive count a retryable condition becomes the request's outcome
 * @param timeLeft     how long the caller can still run (Lambda's remaining time minus a margin), or {@code null}
 *                     when unbounded; a registration's budget never exceeds it
 */
public record Attempt(int receiveCount, int maxReceives, Duration timeLeft) {

    public Attempt {
        if (receiveCount < 1) {
            throw new IllegalArgumentException("receiveCount starts at 1, got " + receiveCount);
        }
        if (maxReceives < 1) {
            throw new IllegalArgumentException("maxReceives must be at least 1, got " + maxReceives);
        }
        if (timeLeft != null && timeLeft.isNegative()) {
            timeLeft = Duration.ZERO;
        }
    }

    /** A first delivery with no time limit of its own, for callers that are not a queue (tests, the CLI). */
    public static Attempt first(int maxReceives) {
        return new Attempt(1, maxReceives, null);
    }

    /** Whether no retry will follow: a retryable failure must become the outcome now. */
    public boolean isLast() {
        return receiveCount >= maxReceives;
    }

    /**
     * What a delivery does about a node that another request holds busy: it waits (NODE_BUSY, so the queue delivers
     * it again), unless this is the last delivery, which gets back the reason to reject the request with.
     *
     * @throws RetryableException NODE_BUSY unless this is the last delivery
     */
    public String waitForBusyNode(NodeRecord node) {
        String message = "node " + node.nodeId() + " is " + node.state() + " for request " + node.lastRequestId();
        if (!isLast()) {
            throw new RetryableException(Reason.NODE_BUSY, message + "; the request waits");
        }
        return message + " and stayed busy for " + receiveCount + " deliveries";
    }

    /** {@code budget}, shortened to the time the caller has left. */
    public Duration cap(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        return timeLeft != null && timeLeft.compareTo(budget) < 0 ? timeLeft : budget;
    }
}
