package dev.ecsa.local.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * SQS for the offline bench: ElasticMQ embedded in this JVM, bound to 127.0.0.1 on a port the OS picks.
 *
 * <p>An unmodified AWS SDK v2 {@code SqsClient} talks to it through {@code endpointOverride(endpoint())}
 * with region {@value #REGION} and any static credentials (ElasticMQ does not check signatures). ElasticMQ
 * 1.7.1 speaks both SQS wire protocols: the AWS JSON 1.0 protocol that current SDKs use and the older query
 * protocol.
 *
 * <p>Queues are created over the same JSON protocol the SDK uses, so this class needs no SDK itself.
 */
public final class EmbeddedSqs implements AutoCloseable {

    /** The region queue ARNs carry; clients should be built with it. */
    public static final String REGION = "us-east-1";
    /** The account id in queue ARNs and URLs; the conventional one of local emulators. */
    public static final String ACCOUNT_ID = "000000000000";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSqs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final SQSRestServer server;
    private final URI endpoint;
    private final HttpClient http;
    private boolean closed;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
    }

    /**
     * Starts ElasticMQ on 127.0.0.1 with a dynamic port and waits until it is bound.
     *
     * <p>Port 0 is handed to the server itself ({@code withDynamicPort}), so there is no window in which
     * another process could take a port we picked; queue URLs then carry the port actually bound.
     */
    public static EmbeddedSqs start() {
        SQSRestServer server = SQSRestServerBuilder
                .withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        try {
            InetSocketAddress bound = server.waitUntilStarted().localAddress();
            URI endpoint = URI.create("http://127.0.0.1:" + bound.getPort());
            LOG.info("ElasticMQ listening at {}", endpoint);
            return new EmbeddedSqs(server, endpoint);
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw e;
        }
    }

    /** The endpoint for {@code endpointOverride}, e.g. {@code http://127.0.0.1:41233}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Creates the dead-letter queue, then the FIFO queue that redrives into it. Both are FIFO (a FIFO queue's
     * DLQ must be FIFO too) with ContentBasedDeduplication false.
     *
     * @throws SqsCallException if the server refuses, e.g. a queue of that name exists with other attributes
     */
    public FifoQueues createFifoQueueWithDlq(FifoQueueSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String visibility = Long.toString(spec.visibilityTimeout().toSeconds());

        String dlqUrl = createQueue(spec.dlqName(), fifoAttributes(visibility));
        String dlqArn = queueArn(dlqUrl);

        ObjectNode redrive = JSON.createObjectNode()
                .put("deadLetterTargetArn", dlqArn)
                .put("maxReceiveCount", Integer.toString(spec.maxReceiveCount()));
        ObjectNode attributes = fifoAttributes(visibility).put("RedrivePolicy", redrive.toString());
        String queueUrl = createQueue(spec.queueName(), attributes);

        return new FifoQueues(spec.queueName(), queueUrl, queueArn(queueUrl), spec.dlqName(), dlqUrl, dlqArn, spec);
    }

    private static ObjectNode fifoAttributes(String visibilitySeconds) {
        return JSON.createObjectNode()
                .put("FifoQueue", "true")
                .put("ContentBasedDeduplication", "false")
                .put("VisibilityTimeout", visibilitySeconds);
    }

    private String createQueue(String name, ObjectNode attributes) {
        ObjectNode body = JSON.createObjectNode().put("QueueName", name);
        body.set("Attributes", attributes);
        return call("CreateQueue", body).path("QueueUrl").asText();
    }

    private String queueArn(String queueUrl) {
        ObjectNode body = JSON.createObjectNode().put("QueueUrl", queueUrl);
        body.putArray("AttributeNames").add("QueueArn");
        return call("GetQueueAttributes", body).path("Attributes").path("QueueArn").asText();
    }

    /** One call in the AWS JSON 1.0 protocol, as the SDK makes it. */
    private JsonNode call(String action, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "AmazonSQS." + action)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new SqsCallException(action, response.statusCode(),
                        json.path("__type").asText(""), json.path("message").asText(response.body()));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("SQS " + action + " failed at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during SQS " + action, e);
        }
    }

    /** Stops the server and its actor system; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stopAndWait();
        LOG.info("ElasticMQ at {} stopped", endpoint);
    }

    @Override
    public String toString() {
        return "EmbeddedSqs[" + endpoint + "]";
    }

    /** The embedded server refused a setup call; carries the SQS error code. */
    public static final class SqsCallException extends RuntimeException {
        private final int status;
        private final String errorCode;

        SqsCallException(String action, int status, String errorCode, String message) {
            super("SQS " + action + " failed: HTTP " + status + " " + errorCode + ": " + message);
            this.status = status;
            this.errorCode = errorCode;
        }

        public int status() {
            return status;
        }

        public String errorCode() {
            return errorCode;
        }
    }
}
