package dev.ecsa.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.validation.RequestValidator;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The restart request as SQS gets it, and SQS's answers as the repair sees them. The wire is tested on the bench. */
class SqsRepairRequestsTest {

    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/EcsaLifecycle-requests.fifo";
    private final List<HttpExecuteRequest> sent = new ArrayList<>();
    private int status = 200;
    private String answer = "{\"MessageId\":\"m-1\"}";

    private final SdkHttpClient http = new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            sent.add(request);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(status).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(
                                    answer.getBytes(StandardCharsets.UTF_8)))).build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    };

    private final SqsRepairRequests queue = new SqsRepairRequests(http,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), "eu-west-1",
            QUEUE, null);
    private final RestartRequest request = new RestartRequest("repair-1", "rack1.host-07", "ecsa-reconciler",
            "repair: agents unhealthy", null);

    @Test
    void theMessageIsTheDocumentedRequestInTheNodesGroupDeduplicatedByItsId() throws Exception {
        JsonNode input = new ObjectMapper().readTree(queue.body(request));

        assertThat(input.path("QueueUrl").asText()).isEqualTo(QUEUE);
        assertThat(input.path("MessageGroupId").asText()).isEqualTo("rack1.host-07");
        assertThat(input.path("MessageDeduplicationId").asText()).isEqualTo("repair-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new ObjectMapper().readValue(input.path("MessageBody").asText(), Map.class);
        assertThat(RequestValidator.validate(body).request()).contains(request);
    }

    @Test
    void theCallIsASignedJsonSendMessageToTheQueuesOwnEndpoint() {
        queue.send(request);

        var http = sent.get(0).httpRequest();
        assertThat(http.getUri()).isEqualTo(URI.create("https://sqs.eu-west-1.amazonaws.com/"));
        assertThat(http.firstMatchingHeader("X-Amz-Target")).contains("AmazonSQS.SendMessage");
        assertThat(http.firstMatchingHeader("Content-Type")).contains("application/x-amz-json-1.0");
        assertThat(http.firstMatchingHeader("Authorization")).hasValueSatisfying(a -> assertThat(a)
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/eu-west-1/sqs/aws4_request"));
    }

    @Test
    void throttlingAndServerErrorsAreRetryableTheRestPermanent() {
        status = 400;
        answer = "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"slow down\"}";
        assertThatThrownBy(() -> queue.send(request)).isInstanceOf(RetryableException.class)
                .satisfies(e -> assertThat(((NodeOperationException) e).reason()).isEqualTo(Reason.THROTTLED));
        status = 503;
        answer = "";
        assertThatThrownBy(() -> queue.send(request)).isInstanceOf(RetryableException.class)
                .satisfies(e -> assertThat(((NodeOperationException) e).reason()).isEqualTo(Reason.AWS_UNAVAILABLE));
        status = 400;
        answer = "{\"__type\":\"com.amazonaws.sqs#AccessDeniedException\"}";
        assertThatThrownBy(() -> queue.send(request)).isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(((NodeOperationException) e).reason()).isEqualTo(Reason.AWS_ACCESS_DENIED))
                .hasMessageContaining("AccessDeniedException").hasMessageContaining("repair-1");
        answer = "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}";
        assertThatThrownBy(() -> queue.send(request)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("QueueDoesNotExist");
    }
}
