package dev.ecsa.local.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The Lambda-like poller against ElasticMQ: partial batch failures, whole-batch failures, redrive, stop. */
@ExtendWith(EmbeddedSqsExtension.class)
class SqsEventSourcePollerIT {

    private static SqsClient sqs;
    private static EmbeddedSqs server;

    /** Receive counts seen by the handler, per message body. */
    private final Map<String, List<Integer>> deliveries = new ConcurrentHashMap<>();

    @BeforeAll
    static void client(EmbeddedSqs embedded) {
        server = embedded;
        sqs = SqsTestClients.client(embedded.endpoint());
    }

    @AfterAll
    static void closeClient() {
        sqs.close();
    }

    private static FifoQueues queues(FifoQueueSpec spec) {
        return server.createFifoQueueWithDlq(spec);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void send(String queueUrl, String group, String body) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageGroupId(group)
                .messageDeduplicationId(UUID.randomUUID().toString()).messageBody(body));
    }

    private static List<Message> drain(String queueUrl) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    private static int receiveCount(Message m) {
        return Integer.parseInt(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    }

    private void record(List<Message> batch) {
        for (Message m : batch) {
            deliveries.computeIfAbsent(m.body(), k -> new CopyOnWriteArrayList<>()).add(receiveCount(m));
        }
    }

    private static Set<String> idsWithBody(List<Message> batch, String body) {
        return batch.stream().filter(m -> m.body().equals(body)).map(Message::messageId).collect(Collectors.toSet());
    }

    /** Polls a condition; the bound only keeps a broken run from hanging, it is not a speed assertion. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void deletesSucceededMessagesAndRetriesOnlyReportedFailures() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("partial")));
        send(q.queueUrl(), "node-a", "a");
        send(q.queueUrl(), "node-b", "b");
        send(q.queueUrl(), "node-c", "c");

        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withBatchSize(10).withWaitTime(Duration.ofSeconds(1)).withRetryDelay(Duration.ZERO);
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            // "b" fails on its first delivery only.
            return batch.stream().filter(m -> m.body().equals("b") && receiveCount(m) == 1)
                    .map(Message::messageId).collect(Collectors.toSet());
        })) {
            await("b retried", () -> deliveries.getOrDefault("b", List.of()).size() == 2);
            await("all settled", () -> poller.stats().succeeded() == 3);
            assertThat(poller.stats().failed()).isEqualTo(1);
        }

        assertThat(deliveries).containsOnlyKeys("a", "b", "c");
        assertThat(deliveries.get("a")).containsExactly(1);
        assertThat(deliveries.get("b")).containsExactly(1, 2);
        assertThat(deliveries.get("c")).containsExactly(1);
        assertThat(drain(q.queueUrl())).isEmpty();
        assertThat(drain(q.dlqUrl())).isEmpty();
    }

    @Test
    void aHandlerExceptionFailsTheWholeBatch() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("throws")));
        send(q.queueUrl(), "node-a", "a");
        send(q.queueUrl(), "node-b", "b");

        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withBatchSize(10).withWaitTime(Duration.ofSeconds(1)).withRetryDelay(Duration.ZERO);
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            if (batch.stream().anyMatch(m -> receiveCount(m) == 1)) {
                throw new IllegalStateException("first delivery fails");
            }
            return Set.of();
        })) {
            await("both retried and settled", () -> poller.stats().succeeded() == 2);
        }

        // Nothing of a thrown batch was deleted: every message came back once.
        assertThat(deliveries.get("a")).containsExactly(1, 2);
        assertThat(deliveries.get("b")).containsExactly(1, 2);
        assertThat(drain(q.queueUrl())).isEmpty();
    }

    @Test
    void aFailureIdThatIsNotInTheBatchFailsTheWholeBatch() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("badid")));
        send(q.queueUrl(), "node-a", "a");

        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withWaitTime(Duration.ofSeconds(1)).withRetryDelay(Duration.ZERO);
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            return receiveCount(batch.get(0)) == 1 ? Set.of("not-a-message-id") : Set.of();
        })) {
            await("a settled", () -> poller.stats().succeeded() == 1);
        }
        assertThat(deliveries.get("a")).containsExactly(1, 2);
    }

    @Test
    void failuresReappearAfterTheQueuesVisibilityTimeout() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("vt")).withVisibilityTimeout(Duration.ofSeconds(1)));
        send(q.queueUrl(), "node-a", "a");

        // No retry delay: the poller leaves the failed message alone, as Lambda does.
        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withWaitTime(Duration.ofSeconds(1));
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            return receiveCount(batch.get(0)) == 1 ? idsWithBody(batch, "a") : Set.of();
        })) {
            await("a settled", () -> poller.stats().succeeded() == 1);
        }
        assertThat(deliveries.get("a")).containsExactly(1, 2);
    }

    /**
     * A crashed or timed-out function is not a reported failure: Lambda leaves its batch to the queue's visibility
     * timeout, and the retry delay (the bench's shortcut for reported failures) must not bring it back sooner.
     */
    @Test
    void aFunctionErrorLeavesTheBatchToTheVisibilityTimeoutDespiteARetryDelay() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("crash")).withVisibilityTimeout(Duration.ofSeconds(8)));
        send(q.queueUrl(), "node-a", "a");

        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withWaitTime(Duration.ofSeconds(1)).withRetryDelay(Duration.ZERO);
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            if (receiveCount(batch.get(0)) == 1) {
                throw new SqsEventSourcePoller.FunctionError("Runtime.ExitError");
            }
            return Set.of();
        })) {
            await("the crash settled", () -> poller.stats().failed() == 1);
            // With the retry delay applied the message would be visible again at once.
            Map<String, String> counts = sqs.getQueueAttributes(b -> b.queueUrl(q.queueUrl()).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            assertThat(counts).containsEntry("ApproximateNumberOfMessagesNotVisible", "1")
                    .containsEntry("ApproximateNumberOfMessages", "0");
            await("a redelivered after the visibility timeout", () -> poller.stats().succeeded() == 1);
        }
        assertThat(deliveries.get("a")).containsExactly(1, 2);
    }

    @Test
    void aMessageThatAlwaysFailsEndsInTheDlqAfterMaxReceiveCount() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("poison")).withMaxReceiveCount(3));
        send(q.queueUrl(), "node-a", "poison");
        send(q.queueUrl(), "node-b", "good");

        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withBatchSize(10).withWaitTime(Duration.ofSeconds(1)).withRetryDelay(Duration.ZERO);
        try (SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            return idsWithBody(batch, "poison");
        })) {
            await("poison failed 3 times", () -> poller.stats().failed() == 3);
            await("good settled", () -> poller.stats().succeeded() == 1);
            // One more receive makes ElasticMQ move the message; give the poller a few polls.
            List<Message> dead = new CopyOnWriteArrayList<>();
            await("poison in the DLQ", () -> dead.addAll(drain(q.dlqUrl())) && !dead.isEmpty());
            assertThat(dead).extracting(Message::body).containsExactly("poison");
        }

        assertThat(deliveries.get("poison")).containsExactly(1, 2, 3);
        assertThat(deliveries.get("good")).containsExactly(1);
        assertThat(drain(q.queueUrl())).isEmpty();
    }

    @Test
    void stopsCleanlyAndConsumesNothingAfterClose() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("stop")));
        SqsEventSourcePoller.Settings settings = SqsEventSourcePoller.Settings.of(q.queueUrl())
                .withWaitTime(Duration.ofSeconds(1));
        SqsEventSourcePoller poller = SqsEventSourcePoller.start(sqs, settings, batch -> {
            record(batch);
            return Set.of();
        });
        send(q.queueUrl(), "node-a", "before");
        await("before handled", () -> poller.stats().succeeded() == 1);

        poller.close();
        assertThat(poller.isRunning()).isFalse();
        poller.close(); // idempotent

        send(q.queueUrl(), "node-a", "after");
        assertThat(drain(q.queueUrl())).extracting(Message::body).containsExactly("after");
        assertThat(deliveries).containsOnlyKeys("before");
    }
}
