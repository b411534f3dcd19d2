package dev.ecsa.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.store.Json;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** PutEvents over HTTP against a scripted local endpoint: what is sent, how each answer is read, what is retried. */
class EventBridgeEventPublisherTest {

    private static final NodeEvent EVENT = new NodeEvent.NodeDrainTimedOut("node-1", "req-1", "revert", "reverted",
            List.of("arn:task/1"));

    private record Sent(Map<String, List<String>> headers, String body) {
    }

    private final Deque<String[]> answers = new ArrayDeque<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private AwsClients clients;
    private EventBridgeEventPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            sent.add(new Sent(Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            String[] answer = answers.isEmpty() ? new String[] {"200", "{\"FailedEntryCount\":0}"} : answers.poll();
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        clients = new AwsClients(AwsClients.Settings.aws(Region.US_EAST_1)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .withEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
        publisher = clients.eventPublisher("ecsa-bus");
    }

    @AfterEach
    void stop() {
        clients.close();
        server.stop(0);
    }

    private void answer(int status, String body) {
        answers.add(new String[] {String.valueOf(status), body});
    }

    private static String failed(String code) {
        return "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"" + code + "\",\"ErrorMessage\":\"m\"}]}";
    }

    @Test
    void publishesOneSignedEntryWithSourceDetailTypeDetailAndBus() throws Exception {
        answer(200, "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}");

        publisher.publish(EVENT);

        assertThat(sent).hasSize(1);
        Sent request = sent.get(0);
        assertThat(request.headers().get("X-amz-target")).containsExactly("AWSEvents.PutEvents");
        assertThat(request.headers().get("Content-type")).containsExactly("application/x-amz-json-1.1");
        assertThat(request.headers().get("Authorization").get(0))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/").contains("/us-east-1/events/aws4_request");
        JsonNode entry = Json.mapper().readTree(request.body()).path("Entries").get(0);
        assertThat(entry.path("Source").asText()).isEqualTo("ecsa.lifecycle");
        assertThat(entry.path("DetailType").asText()).isEqualTo("NodeDrainTimedOut");
        assertThat(entry.path("EventBusName").asText()).isEqualTo("ecsa-bus");
        JsonNode detail = Json.mapper().readTree(entry.path("Detail").asText());
        assertThat(detail.get("nodeId").asText()).isEqualTo("node-1");
        assertThat(detail.get("requestId").asText()).isEqualTo("req-1");
        assertThat(detail.get("blockingTasks").get(0).asText()).isEqualTo("arn:task/1");
    }

    @Test
    void aThrottledEntryIsTriedAgainAndSucceeds() {
        answer(200, failed("ThrottlingException"));

        publisher.publish(EVENT);

        assertThat(sent).hasSize(2);
    }

    @Test
    void aThrottledEntryThatStaysThrottledIsRetryableAfterThreeAttempts() {
        for (int i = 0; i < 3; i++) {
            answer(200, failed("ThrottlingException"));
        }

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
        assertThat(sent).hasSize(3);
    }

    @Test
    void aServerErrorIsRetryable() {
        for (int i = 0; i < 3; i++) {
            answer(503, "{\"__type\":\"ServiceUnavailableException\"}");
        }

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE));
    }

    @Test
    void aMalformedEntryIsPermanentAndNotTriedAgain() {
        answer(200, failed("MalformedDetail"));

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(PermanentException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.detail()).contains("MalformedDetail").contains("NodeDrainTimedOut");
        });
        assertThat(sent).hasSize(1);
    }

    @Test
    void aDeniedCallOrEntryIsAccessDenied() {
        answer(400, "{\"__type\":\"AccessDeniedException\",\"message\":\"no\"}");
        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(NodeOperationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_ACCESS_DENIED));

        answer(200, failed("NotAuthorizedForSourceException"));
        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(NodeOperationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_ACCESS_DENIED));
    }

    @Test
    void noAnswerIsRetryable() {
        server.stop(0);

        assertThatThrownBy(() -> publisher.publish(EVENT)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE));
    }
}
