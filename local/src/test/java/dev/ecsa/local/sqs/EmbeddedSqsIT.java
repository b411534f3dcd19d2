package dev.ecsa.local.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded ElasticMQ against an unmodified SDK v2 client: the SQS behaviour the service depends on. */
@ExtendWith(EmbeddedSqsExtension.class)
class EmbeddedSqsIT {

    /** Content-Type of every request the SDK sent, to pin down which wire protocol it speaks. */
    private static final List<String> CONTENT_TYPES = new CopyOnWriteArrayList<>();
    private static SqsClient sqs;
    private static EmbeddedSqs server;

    @BeforeAll
    static void client(EmbeddedSqs embedded) {
        server = embedded;
        sqs = SqsTestClients.client(embedded.endpoint(), new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                context.httpRequest().firstMatchingHeader("Content-Type").ifPresent(CONTENT_TYPES::add);
            }
        });
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

    private static SendMessageResponse send(String queueUrl, String group, String dedupId, String body) {
        return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageGroupId(group)
                .messageDeduplicationId(dedupId).messageBody(body));
    }

    private static List<Message> receive(String queueUrl, int max, int waitSeconds) {
        ReceiveMessageResponse response = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(max)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
        return response.messages();
    }

    private static void delete(String queueUrl, Message message) {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
    }

    private static int receiveCount(Message message) {
        return Integer.parseInt(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    }

    @Test
    void createsFifoQueueAndFifoDlqWithRedrivePolicy() {
        String base = unique("node-requests");
        FifoQueues q = queues(FifoQueueSpec.named(base).withMaxReceiveCount(3)
                .withVisibilityTimeout(Duration.ofSeconds(45)));

        assertThat(q.queueName()).isEqualTo(base + ".fifo");
        assertThat(q.dlqName()).isEqualTo(base + "-dlq.fifo");
        assertThat(sqs.getQueueUrl(b -> b.queueName(base + ".fifo")).queueUrl()).isEqualTo(q.queueUrl());
        assertThat(sqs.getQueueUrl(b -> b.queueName(base + "-dlq.fifo")).queueUrl()).isEqualTo(q.dlqUrl());

        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(q.queueUrl())
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attributes)
                .containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
                .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")
                .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "45")
                .containsEntry(QueueAttributeName.QUEUE_ARN, q.queueArn());
        assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
                .contains(q.dlqArn())
                .containsPattern("\"maxReceiveCount\"\\s*:\\s*\"?3\"?");
        assertThat(q.dlqArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + base + "-dlq.fifo");

        Map<QueueAttributeName, String> dlq = sqs.getQueueAttributes(b -> b.queueUrl(q.dlqUrl())
                .attributeNames(QueueAttributeName.FIFO_QUEUE)).attributes();
        assertThat(dlq).containsEntry(QueueAttributeName.FIFO_QUEUE, "true");
    }

    @Test
    void sdkSpeaksAwsJsonProtocolAndElasticMqAnswersIt() {
        CONTENT_TYPES.clear();
        sqs.listQueues();
        assertThat(CONTENT_TYPES).isNotEmpty().allMatch(t -> t.startsWith("application/x-amz-json-1.0"));
        // An error in JSON protocol still maps to the SDK's modelled exception type.
        assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName(unique("missing") + ".fifo")))
                .isInstanceOf(QueueDoesNotExistException.class);
    }

    @Test
    void keepsOrderWithinEachMessageGroup() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("order")));
        for (int i = 0; i < 8; i++) {
            send(q.queueUrl(), "node-a", "a-" + i, "a" + i);
            send(q.queueUrl(), "node-b", "b-" + i, "b" + i);
        }

        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        int received = 0;
        for (int attempt = 0; attempt < 50 && received < 16; attempt++) {
            for (Message m : receive(q.queueUrl(), 10, 1)) {
                byGroup.computeIfAbsent(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                        g -> new ArrayList<>()).add(m.body());
                delete(q.queueUrl(), m);
                received++;
            }
        }

        assertThat(byGroup.get("node-a")).containsExactly("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7");
        assertThat(byGroup.get("node-b")).containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7");
    }

    @Test
    void holdsBackAGroupWhileOneOfItsMessagesIsInFlight() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("inflight")));
        send(q.queueUrl(), "node-a", "r1", "first");
        send(q.queueUrl(), "node-a", "r2", "second");

        List<Message> first = receive(q.queueUrl(), 1, 0);
        assertThat(first).extracting(Message::body).containsExactly("first");
        // "second" is visible but its group is blocked until "first" is deleted or becomes visible again.
        assertThat(receive(q.queueUrl(), 10, 0)).isEmpty();

        delete(q.queueUrl(), first.get(0));
        assertThat(receive(q.queueUrl(), 10, 1)).extracting(Message::body).containsExactly("second");
    }

    @Test
    void dropsAMessageWhoseDeduplicationIdWasSeen() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("dedup")));
        SendMessageResponse original = send(q.queueUrl(), "node-a", "request-1", "original");
        SendMessageResponse duplicate = send(q.queueUrl(), "node-a", "request-1", "retry of the same request");
        send(q.queueUrl(), "node-a", "request-2", "another request");

        // SQS accepts the duplicate and answers with the first message's id, but delivers it once.
        assertThat(duplicate.messageId()).isEqualTo(original.messageId());
        List<String> bodies = new ArrayList<>();
        List<Message> batch;
        // Drain until a one-second poll comes back empty, so a late duplicate would still be seen.
        for (int attempt = 0; attempt < 10 && !(batch = receive(q.queueUrl(), 10, 1)).isEmpty(); attempt++) {
            for (Message m : batch) {
                bodies.add(m.body());
                delete(q.queueUrl(), m);
            }
        }
        assertThat(bodies).containsExactly("original", "another request");
    }

    @Test
    void hidesAReceivedMessageUntilItsVisibilityEnds() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("visibility")).withVisibilityTimeout(Duration.ofSeconds(60)));
        send(q.queueUrl(), "node-a", "r1", "payload");

        Message first = receive(q.queueUrl(), 1, 0).get(0);
        assertThat(receiveCount(first)).isEqualTo(1);
        assertThat(receive(q.queueUrl(), 1, 0)).isEmpty();

        // What a batch item failure amounts to once the timeout passes: the message is visible again.
        sqs.changeMessageVisibility(b -> b.queueUrl(q.queueUrl()).receiptHandle(first.receiptHandle())
                .visibilityTimeout(0));
        Message again = receive(q.queueUrl(), 1, 1).get(0);
        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(receiveCount(again)).isEqualTo(2);
        assertThat(again.receiptHandle()).isNotEqualTo(first.receiptHandle());
    }

    @Test
    void redeliversAfterTheQueuesVisibilityTimeout() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("redeliver")).withVisibilityTimeout(Duration.ofSeconds(1)));
        send(q.queueUrl(), "node-a", "r1", "payload");

        Message first = receive(q.queueUrl(), 1, 0).get(0);
        // Not deleted: the long poll returns it once the one-second timeout has passed.
        List<Message> again = receive(q.queueUrl(), 1, 10);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).messageId()).isEqualTo(first.messageId());
        assertThat(receiveCount(again.get(0))).isEqualTo(2);
    }

    @Test
    void movesAMessageToTheDlqAfterMaxReceiveCountReceives() {
        FifoQueues q = queues(FifoQueueSpec.named(unique("redrive")).withMaxReceiveCount(3)
                .withVisibilityTimeout(Duration.ofSeconds(30)));
        SendMessageResponse sent = send(q.queueUrl(), "node-a", "r1", "poison");

        for (int expectedCount = 1; expectedCount <= 3; expectedCount++) {
            List<Message> got = receive(q.queueUrl(), 1, 1);
            assertThat(got).as("receive %d", expectedCount).hasSize(1);
            assertThat(receiveCount(got.get(0))).isEqualTo(expectedCount);
            String handle = got.get(0).receiptHandle();
            sqs.changeMessageVisibility(b -> b.queueUrl(q.queueUrl()).receiptHandle(handle).visibilityTimeout(0));
        }

        assertThat(receive(q.queueUrl(), 10, 1)).isEmpty();
        List<Message> dead = receive(q.dlqUrl(), 10, 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageId()).isEqualTo(sent.messageId());
        assertThat(dead.get(0).body()).isEqualTo("poison");
        assertThat(dead.get(0).attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "node-a");
    }

    @Test
    void longPollReturnsAMessageSentWhileWaiting() throws Exception {
        FifoQueues q = queues(FifoQueueSpec.named(unique("longpoll")));
        CountDownLatch requestSent = new CountDownLatch(1);
        try (SqsClient poller = SqsTestClients.client(server.endpoint(), new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                requestSent.countDown();
            }
        })) {
            CompletableFuture<ReceiveMessageResponse> waiting = CompletableFuture.supplyAsync(() ->
                    poller.receiveMessage(b -> b.queueUrl(q.queueUrl()).waitTimeSeconds(15).maxNumberOfMessages(1)));
            assertThat(requestSent.await(10, TimeUnit.SECONDS)).isTrue();
            // Give the request time to reach the server; the poll waits 15 s, so this is not a race on the result.
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            send(q.queueUrl(), "node-a", "r1", "arrived later");

            assertThat(waiting.get(20, TimeUnit.SECONDS).messages())
                    .extracting(Message::body).containsExactly("arrived later");
        }
    }

    @Test
    void refusesToRecreateAQueueWithOtherAttributes() {
        String base = unique("conflict");
        queues(FifoQueueSpec.named(base).withMaxReceiveCount(2));
        assertThatThrownBy(() -> queues(FifoQueueSpec.named(base).withVisibilityTimeout(Duration.ofSeconds(5))))
                .isInstanceOf(EmbeddedSqs.SqsCallException.class);
    }
}
