package dev.ecsa.local.sqs;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link EmbeddedSqs#createFifoQueueWithDlq(FifoQueueSpec)} creates: a FIFO queue {@code <baseName>.fifo}
 * with explicit deduplication (ContentBasedDeduplication false, so the producer's deduplication id, the
 * requestId, is what counts) and a FIFO dead-letter queue {@code <baseName>-dlq.fifo} that receives a message
 * after {@code maxReceiveCount} receives.
 *
 * @param baseName          queue name without the {@code .fifo} suffix, e.g. {@code node-requests}
 * @param maxReceiveCount   receives before the message is moved to the DLQ (RedrivePolicy)
 * @param visibilityTimeout the queue's default visibility timeout, whole seconds (SQS has no finer unit)
 */
public record FifoQueueSpec(String baseName, int maxReceiveCount, Duration visibilityTimeout) {

    /** Receives before redrive when nothing else is said; a bounded retry count, as the stack's redrive policy has it. */
    public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;
    /** SQS's own default visibility timeout. */
    public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    // SQS queue names: 1-80 characters of alphanumerics, hyphens and underscores (".fifo" included).
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,71}");

    public FifoQueueSpec {
        Objects.requireNonNull(baseName, "baseName");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        if (!NAME.matcher(baseName).matches()) {
            throw new IllegalArgumentException("invalid queue base name: " + baseName);
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("maxReceiveCount must be 1..1000, was " + maxReceiveCount);
        }
        if (visibilityTimeout.isNegative() || visibilityTimeout.toSeconds() > 43_200
                || visibilityTimeout.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("visibilityTimeout must be whole seconds in 0..43200, was "
                    + visibilityTimeout);
        }
    }

    /** A spec with the default receive count and visibility timeout. */
    public static FifoQueueSpec named(String baseName) {
        return new FifoQueueSpec(baseName, DEFAULT_MAX_RECEIVE_COUNT, DEFAULT_VISIBILITY_TIMEOUT);
    }

    public FifoQueueSpec withMaxReceiveCount(int count) {
        return new FifoQueueSpec(baseName, count, visibilityTimeout);
    }

    public FifoQueueSpec withVisibilityTimeout(Duration timeout) {
        return new FifoQueueSpec(baseName, maxReceiveCount, timeout);
    }

    public String queueName() {
        return baseName + ".fifo";
    }

    public String dlqName() {
        return baseName + "-dlq.fifo";
    }
}
