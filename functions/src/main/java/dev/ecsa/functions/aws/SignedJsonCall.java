package dev.ecsa.functions.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * One call of an AWS JSON-protocol operation ({@code X-Amz-Target}, a JSON body), SigV4-signed with the function's
 * credentials and sent on the HTTP client every SDK client of the function shares, without the service's SDK module.
 * For the operations where a whole module would cost more zip than the function can spare (docs/bench.md, "The zip's
 * size"): SQS SendMessage, EventBridge PutEvents.
 */
final class SignedJsonCall {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the service answered: the HTTP status and at most 16 KB of the body. */
    record Answer(int status, String body) {

        boolean ok() {
            return status / 100 == 2;
        }

        /** The service's error type ({@code __type}, without its namespace), or what little the answer says. */
        String errorType() {
            try {
                JsonNode json = JSON.readTree(body);
                String type = json == null ? "" : json.path("__type").asText("");
                return type.isEmpty() ? "(no error type)" : type.substring(type.lastIndexOf('#') + 1);
            } catch (JsonProcessingException e) {
                return "(not a JSON answer)";
            }
        }

        /** Whether another attempt may succeed: a 5xx or a throttling answer. */
        boolean retryable() {
            String type = status >= 500 ? "" : errorType();
            return status >= 500 || type.contains("Throttl");
        }
    }

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String signingName;
    private final URI endpoint;
    private final String contentType;

    /**
     * @param signingName the service's SigV4 name ({@code sqs}, {@code events})
     * @param contentType {@code application/x-amz-json-1.0} or {@code -1.1}, as the service's protocol says
     */
    SignedJsonCall(SdkHttpClient http, AwsCredentialsProvider credentials, String region, String signingName,
                   URI endpoint, String contentType) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.signingName = Objects.requireNonNull(signingName, "signingName");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
    }

    /**
     * Sends one request.
     *
     * @param target the operation, e.g. {@code AWSEvents.PutEvents}
     * @throws IOException when no answer came (connection refused, reset, timed out)
     */
    Answer post(String target, String body) throws IOException {
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/"
                        : endpoint.getRawPath())
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", target)
                .build();
        ContentStreamProvider payload = ContentStreamProvider.fromUtf8String(body);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request()).contentStreamProvider(signed.payload().orElse(payload)).build()).call();
        return new Answer(response.httpResponse().statusCode(),
                response.responseBody().map(SignedJsonCall::read).orElse(""));
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
