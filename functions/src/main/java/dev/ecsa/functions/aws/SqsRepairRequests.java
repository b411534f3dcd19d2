package dev.ecsa.functions.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.validation.NodeRequestWire;
import dev.ecsa.core.reconcile.RepairRequests;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The repair's requests onto the node-request queue: one SQS {@code SendMessage} (the JSON protocol, SigV4
 * signed with the function's credentials) per request, with the node as MessageGroupId and the request id as
 * MessageDeduplicationId. It uses the SDK's signer and HTTP client, which every function already carries, instead of
 * the SQS client module: that module (0.8 MB) would take the deployment zip over its 25,000,000-byte limit for one
 * operation (docs/bench.md, "The zip's size").
 *
 * <p>Errors: a throttling answer or a 5xx is retryable (the next reconcile run sends again, with the same request id);
 * anything else (access denied, a queue that does not exist) is permanent, with SQS's error type in the message.
 */
public final class SqsRepairRequests implements RepairRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "AmazonSQS.SendMessage";

    private final SignedJsonCall sqs;
    private final String queueUrl;

    /**
     * @param endpoint where to send: the queue URL's own scheme, host and port unless the platform names another
     *                 ({@code AWS_ENDPOINT_URL_SQS}, as the SDK's clients honour it)
     */
    public SqsRepairRequests(SdkHttpClient http, AwsCredentialsProvider credentials, String region, String queueUrl,
                              URI endpoint) {
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.sqs = new SignedJsonCall(http, credentials, region, "sqs",
                endpoint != null ? endpoint : origin(URI.create(queueUrl)), "application/x-amz-json-1.0");
    }

    /** The scheme, host and port of a queue URL ({@code https://sqs.eu-west-1.amazonaws.com}). */
    static URI origin(URI queueUrl) {
        return URI.create(queueUrl.getScheme() + "://" + queueUrl.getAuthority());
    }

    @Override
    public void send(NodeRequest request) {
        SignedJsonCall.Answer answer;
        try {
            answer = sqs.post(TARGET, body(request));
        } catch (IOException e) {
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "SQS SendMessage: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        if (answer.ok()) {
            return;
        }
        String type = answer.errorType();
        String what = "SQS SendMessage of " + request.action().wireName() + " request " + request.requestId() + ": " + answer.status() + " " + type;
        if (answer.retryable()) {
            throw new RetryableException(answer.status() >= 500 ? Reason.AWS_UNAVAILABLE : Reason.THROTTLED, what);
        }
        throw new PermanentException(type.contains("AccessDenied") ? Reason.AWS_ACCESS_DENIED : Reason.INTERNAL,
                what);
    }

    /** The SendMessage input: the queue, the request as the documented body, the node's group, the request's id. */
    String body(NodeRequest request) {
        String message;
        try {
            message = JSON.writeValueAsString(NodeRequestWire.body(request));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write request " + request.requestId() + " as JSON");
        }
        ObjectNode input = JSON.createObjectNode()
                .put("QueueUrl", queueUrl)
                .put("MessageBody", message)
                .put("MessageGroupId", request.nodeId())
                .put("MessageDeduplicationId", request.requestId());
        return input.toString();
    }
}
