package dev.ecsa.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.reconcile.RestartRequests;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The repair's restart requests onto the node-request queue: one SQS {@code SendMessage} (the JSON protocol, SigV4
 * signed with the function's credentials) per request, with the node as MessageGroupId and the request id as
 * MessageDeduplicationId. It uses the SDK's signer and HTTP client, which every function already carries, instead of
 * the SQS client module: that module (0.8 MB) would take the deployment zip over its 25,000,000-byte limit for one
 * operation (docs/bench.md, "The zip's size").
 *
 * <p>Errors: a throttling answer or a 5xx is retryable (the next reconcile run sends again, with the same request id);
 * anything else (access denied, a queue that does not exist) is permanent, with SQS's error type in the message.
 */
public final class SqsRestartRequests implements RestartRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "AmazonSQS.SendMessage";

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String queueUrl;
    private final URI endpoint;

    /**
     * @param endpoint where to send: the queue URL's own scheme, host and port unless the platform names another
     *                 ({@code AWS_ENDPOINT_URL_SQS}, as the SDK's clients honour it)
     */
    public SqsRestartRequests(SdkHttpClient http, AwsCredentialsProvider credentials, String region, String queueUrl,
                              URI endpoint) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.endpoint = endpoint != null ? endpoint : origin(URI.create(queueUrl));
    }

    /** The scheme, host and port of a queue URL ({@code https://sqs.eu-west-1.amazonaws.com}). */
    static URI origin(URI queueUrl) {
        return URI.create(queueUrl.getScheme() + "://" + queueUrl.getAuthority());
    }

    @Override
    public void send(RestartRequest request) {
        String body = body(request);
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("X-Amz-Target", TARGET)
                .build();
        ContentStreamProvider payload = ContentStreamProvider.fromUtf8String(body);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        int status;
        String answer;
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(signed.payload().orElse(payload)).build()).call();
            status = response.httpResponse().statusCode();
            answer = response.responseBody().map(SqsRestartRequests::read).orElse("");
        } catch (IOException e) {
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "SQS SendMessage: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        if (status / 100 == 2) {
            return;
        }
        String type = errorType(answer);
        String what = "SQS SendMessage of restart request " + request.requestId() + ": " + status + " " + type;
        if (status >= 500 || type.contains("Throttl") || type.contains("RequestThrottled")) {
            throw new RetryableException(status >= 500 ? Reason.AWS_UNAVAILABLE : Reason.THROTTLED, what);
        }
        throw new PermanentException(type.contains("AccessDenied") ? Reason.AWS_ACCESS_DENIED : Reason.INTERNAL,
                what);
    }

    /** The SendMessage input: the queue, the request as the documented body, the node's group, the request's id. */
    String body(RestartRequest request) {
        ObjectNode message = JSON.createObjectNode()
                .put("action", request.action().wireName())
                .put("requestId", request.requestId())
                .put("nodeId", request.nodeId())
                .put("requestedBy", request.requestedBy());
        if (!request.reason().isEmpty()) {
            message.put("reason", request.reason());
        }
        if (request.hostKeyFingerprint() != null) {
            message.put("hostKeyFingerprint", request.hostKeyFingerprint());
        }
        ObjectNode input = JSON.createObjectNode()
                .put("QueueUrl", queueUrl)
                .put("MessageBody", message.toString())
                .put("MessageGroupId", request.nodeId())
                .put("MessageDeduplicationId", request.requestId());
        return input.toString();
    }

    /** SQS's error type ({@code __type}, without its namespace), or what little the answer says. */
    static String errorType(String answer) {
        try {
            JsonNode json = JSON.readTree(answer);
            String type = json == null ? "" : json.path("__type").asText("");
            return type.isEmpty() ? "(no error type)" : type.substring(type.lastIndexOf('#') + 1);
        } catch (JsonProcessingException e) {
            return "(not a JSON answer)";
        }
    }

    private static String read(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(16 * 1024);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
