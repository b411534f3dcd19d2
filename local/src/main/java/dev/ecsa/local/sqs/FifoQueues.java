package dev.ecsa.local.sqs;

import java.util.Objects;

/**
 * A FIFO queue and its dead-letter queue as created on an {@link EmbeddedSqs}.
 *
 * @param queueName the main queue's name, e.g. {@code node-requests.fifo}
 * @param queueUrl  the URL an SDK client passes as QueueUrl
 * @param queueArn  the queue's ARN as the server reports it
 * @param dlqName   the dead-letter queue's name, e.g. {@code node-requests-dlq.fifo}
 * @param dlqUrl    the dead-letter queue's URL
 * @param dlqArn    the dead-letter queue's ARN (the RedrivePolicy's deadLetterTargetArn)
 * @param spec      what was asked for
 */
public record FifoQueues(String queueName, String queueUrl, String queueArn,
                         String dlqName, String dlqUrl, String dlqArn, FifoQueueSpec spec) {

    public FifoQueues {
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(queueArn, "queueArn");
        Objects.requireNonNull(dlqName, "dlqName");
        Objects.requireNonNull(dlqUrl, "dlqUrl");
        Objects.requireNonNull(dlqArn, "dlqArn");
        Objects.requireNonNull(spec, "spec");
    }
}
