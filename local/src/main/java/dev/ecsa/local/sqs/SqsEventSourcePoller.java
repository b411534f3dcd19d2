package dev.ecsa.local.sqs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The local mode's stand-in for Lambda's SQS event source mapping: up to {@link Settings#concurrency()} threads
 * poll a queue, each handing its batch to the handler and settling it the way Lambda does with
 * {@code ReportBatchItemFailures}. For a FIFO queue the queue itself keeps one batch per message group in flight (a
 * group's next message is not delivered while one is unacknowledged), so, as with Lambda's mapping, many groups are
 * worked on at once and each group in order.
 *
 * <ul>
 *   <li>The handler returns the ids of the messages that failed (Lambda's {@code SQSBatchResponse}
 *       batchItemFailures); every other message of the batch is deleted.</li>
 *   <li>Failed messages are left alone and reappear after the queue's visibility timeout, or after
 *       {@link Settings#retryDelay()} if one is set (Lambda has no such knob; it makes local retries quick).</li>
 *   <li>A handler exception, or a failure id that is not in the batch, fails the whole batch, as Lambda does.</li>
 *   <li>A {@link FunctionError} (the function crashed or timed out) fails the whole batch and leaves it to the
 *       queue's visibility timeout even with a retry delay set: that is when SQS brings such a message back under
 *       Lambda, and what the service's registration lease is sized against.</li>
 *   <li>Redrive to the DLQ is the queue's business: after maxReceiveCount receives the server moves the
 *       message, so nothing here counts receives.</li>
 * </ul>
 *
 * <p>For FIFO queues Lambda leaves ordering to the handler: it should fail the first failing message and every
 * later message of the same group. This poller does the same (it does not add group failures itself).
 *
 * <p>Each thread receives without waiting and, when the queue has nothing for it, pauses a little before it looks
 * again ({@link #idlePause()}: why not long polls). {@link #close()} stops polling and waits for the batch in hand to
 * be settled; it returns within that pause plus the handler's time.
 */
public final class SqsEventSourcePoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSourcePoller.class);
    private static final Duration ERROR_BACKOFF = Duration.ofMillis(500);
    /** The longest pause after an empty receive (bounded by {@link Settings#waitTime()}). */
    static final long IDLE_PAUSE_MILLIS = 200;
    static final Duration IDLE_PAUSE = Duration.ofMillis(IDLE_PAUSE_MILLIS);

    /** Handles one batch; the contract of a Lambda SQS handler with partial batch responses. */
    @FunctionalInterface
    public interface BatchHandler {
        /**
         * @param batch 1..batchSize messages, with all system attributes (MessageGroupId,
         *              ApproximateReceiveCount, ...) and message attributes
         * @return the message ids that failed and must be retried; empty when all succeeded
         * @throws Exception to fail the whole batch
         */
        Set<String> handle(List<Message> batch) throws Exception;
    }

    /**
     * @param queueUrl   the queue to poll
     * @param batchSize  1..10 messages per receive (the design uses 1: a registration can take minutes)
     * @param waitTime   how long a thread may wait when the queue has nothing for it, 0..20 s (it looks again after
     *                   at most {@value SqsEventSourcePoller#IDLE_PAUSE_MILLIS} ms of it)
     * @param retryDelay if present, failed messages get this visibility timeout instead of the queue's
     * @param concurrency batches handled at once at most (the mapping's maximum concurrency), 1..1000
     */
    public record Settings(String queueUrl, int batchSize, Duration waitTime, Optional<Duration> retryDelay,
                           int concurrency) {
        public Settings {
            Objects.requireNonNull(queueUrl, "queueUrl");
            Objects.requireNonNull(waitTime, "waitTime");
            Objects.requireNonNull(retryDelay, "retryDelay");
            if (batchSize < 1 || batchSize > 10) {
                throw new IllegalArgumentException("batchSize must be 1..10, was " + batchSize);
            }
            if (waitTime.isNegative() || waitTime.toSeconds() > 20) {
                throw new IllegalArgumentException("waitTime must be 0..20 s, was " + waitTime);
            }
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("concurrency must be 1..1000, was " + concurrency);
            }
            retryDelay.ifPresent(d -> {
                if (d.isNegative() || d.toSeconds() > 43_200) {
                    throw new IllegalArgumentException("retryDelay must be 0..43200 s, was " + d);
                }
            });
        }

        /** Batch size 1, a 2 s wait, failures wait for the queue's visibility timeout. */
        public static Settings of(String queueUrl) {
            return new Settings(queueUrl, 1, Duration.ofSeconds(2), Optional.empty(), 1);
        }

        public Settings withBatchSize(int size) {
            return new Settings(queueUrl, size, waitTime, retryDelay, concurrency);
        }

        public Settings withWaitTime(Duration wait) {
            return new Settings(queueUrl, batchSize, wait, retryDelay, concurrency);
        }

        public Settings withRetryDelay(Duration delay) {
            return new Settings(queueUrl, batchSize, waitTime, Optional.of(delay), concurrency);
        }

        public Settings withConcurrency(int n) {
            return new Settings(queueUrl, batchSize, waitTime, retryDelay, n);
        }
    }

    /**
     * Thrown by a {@link BatchHandler} when the function itself failed (its environment crashed or the invocation
     * timed out), as opposed to reporting failed messages: the batch comes back after the queue's visibility timeout,
     * never sooner.
     */
    public static final class FunctionError extends Exception {
        public FunctionError(String message) {
            super(message);
        }
    }

    /** What one invocation left to settle: the messages to retry, and whether the function failed as a whole. */
    private record Handled(Set<String> retry, boolean functionError) {
    }

    /** Counts since start, for the local mode's status output and for tests. */
    public record Stats(long batches, long succeeded, long failed) {
    }

    private final SqsClient sqs;
    private final Settings settings;
    private final BatchHandler handler;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private SqsEventSourcePoller(SqsClient sqs, Settings settings, BatchHandler handler) {
        this.sqs = sqs;
        this.settings = settings;
        this.handler = handler;
        for (int i = 0; i < settings.concurrency(); i++) {
            Thread t = new Thread(this::run, "sqs-poller-" + queueName(settings.queueUrl())
                    + (settings.concurrency() == 1 ? "" : "-" + (i + 1)));
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /**
     * Starts polling on new threads, one per unit of concurrency. The client stays the caller's: it is not closed by
     * {@link #close()}.
     */
    public static SqsEventSourcePoller start(SqsClient sqs, Settings settings, BatchHandler handler) {
        SqsEventSourcePoller poller = new SqsEventSourcePoller(Objects.requireNonNull(sqs, "sqs"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(handler, "handler"));
        poller.threads.forEach(Thread::start);
        return poller;
    }

    public Stats stats() {
        return new Stats(batches.get(), succeeded.get(), failed.get());
    }

    public boolean isRunning() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    private void run() {
        while (running) {
            List<Message> batch;
            try {
                batch = sqs.receiveMessage(b -> b.queueUrl(settings.queueUrl())
                        .maxNumberOfMessages(settings.batchSize())
                        .waitTimeSeconds(0)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All")).messages();
            } catch (AbortedException e) {
                break; // interrupted: only close() does that
            } catch (SdkException e) {
                if (running) {
                    LOG.warn("receive from {} failed, retrying: {}", settings.queueUrl(), e.toString());
                    pause(ERROR_BACKOFF);
                }
                continue;
            }
            if (!batch.isEmpty()) {
                // A batch in hand is settled even if close() was called meanwhile, so no message is left
                // invisible for a whole visibility timeout without having been handled.
                settle(batch, invoke(batch));
            } else if (running) {
                pause(idlePause());
            }
        }
    }

    /** Runs the handler; returns the ids to retry (all of them if the batch failed as a whole). */
    private Handled invoke(List<Message> batch) {
        Set<String> all = batch.stream().map(Message::messageId).collect(Collectors.toSet());
        Set<String> failures;
        try {
            failures = handler.handle(List.copyOf(batch));
        } catch (FunctionError e) {
            LOG.warn("the function failed a batch of {} from {}: {}; it comes back after the visibility timeout",
                    batch.size(), settings.queueUrl(), e.getMessage());
            return new Handled(all, true);
        } catch (Exception e) {
            // Log the class and message only: the handler owns its errors, and bodies may be sensitive.
            LOG.warn("handler failed a batch of {} from {}: {}", batch.size(), settings.queueUrl(), e.toString());
            return new Handled(all, false);
        }
        if (failures == null) {
            return new Handled(Set.of(), false);
        }
        if (!all.containsAll(failures)) {
            // Lambda treats an unknown, null or empty itemIdentifier as a failure of the whole batch.
            LOG.warn("handler reported failure ids that are not in the batch; failing the whole batch");
            return new Handled(all, false);
        }
        return new Handled(failures, false);
    }

    private void settle(List<Message> batch, Handled handled) {
        Set<String> failures = handled.retry();
        batches.incrementAndGet();
        List<Message> done = new ArrayList<>();
        List<Message> retry = new ArrayList<>();
        for (Message m : batch) {
            (failures.contains(m.messageId()) ? retry : done).add(m);
        }
        try {
            delete(done);
            if (!handled.functionError()) {
                settings.retryDelay().ifPresent(delay -> changeVisibility(retry, delay));
            }
        } catch (SdkException e) {
            // Undeleted messages come back after the visibility timeout: at-least-once, as with Lambda.
            LOG.warn("settling a batch on {} failed: {}", settings.queueUrl(), e.toString());
        }
        succeeded.addAndGet(done.size());
        failed.addAndGet(retry.size());
    }

    private void delete(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i)).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        List<BatchResultErrorEntry> errors = sqs.deleteMessageBatch(b -> b.queueUrl(settings.queueUrl())
                .entries(entries)).failed();
        if (!errors.isEmpty()) {
            LOG.warn("{} of {} deletes on {} failed: {}", errors.size(), messages.size(), settings.queueUrl(),
                    errors.stream().map(BatchResultErrorEntry::code).collect(Collectors.toSet()));
        }
    }

    private void changeVisibility(List<Message> messages, Duration delay) {
        if (messages.isEmpty()) {
            return;
        }
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i)).receiptHandle(messages.get(i).receiptHandle())
                    .visibilityTimeout((int) delay.toSeconds()).build());
        }
        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries));
    }

    /**
     * The look again after an empty receive: short receives and a jittered pause instead of long polls. ElasticMQ
     * answers a long poll on a FIFO queue by looking through the queue's message groups again and again while any
     * message is visible but held behind its group's in-flight one; with twenty pollers waiting that took about 90%
     * of a core in the soak (measured per thread), more than every function environment together.
     */
    private Duration idlePause() {
        long bound = Math.min(settings.waitTime().toMillis(), IDLE_PAUSE.toMillis());
        return bound <= 0 ? Duration.ZERO
                : Duration.ofMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops polling and waits until every thread's current receive returns and its batch is settled. Idempotent.
     */
    @Override
    public void close() {
        running = false;
        if (threads.contains(Thread.currentThread())) {
            return;
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }
}
