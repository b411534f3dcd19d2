package dev.ecsa.local.mode;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Runs a Lambda SQS handler ({@code RequestHandler<SQSEvent, SQSBatchResponse>}) behind the local
 * {@link SqsEventSourcePoller}: each received batch becomes the {@link SQSEvent} Lambda would deliver (message id,
 * receipt handle, body, system attributes such as {@code ApproximateReceiveCount} and {@code MessageGroupId}, message
 * attributes, event source ARN and region) and the handler's {@code batchItemFailures} become the ids to retry.
 * Each invocation gets a {@link LocalLambdaContext} with the function's timeout as its budget.
 */
public final class SqsLambdaBridge implements SqsEventSourcePoller.BatchHandler {

    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final String queueArn;
    private final String region;
    private final String functionName;
    private final Duration timeout;

    /**
     * @param handler      the function
     * @param queueArn     the queue's ARN, as {@code eventSourceARN}
     * @param region       {@code awsRegion} of every record
     * @param functionName the name the context reports
     * @param timeout      the function's timeout (the context's remaining time starts there)
     */
    public SqsLambdaBridge(RequestHandler<SQSEvent, SQSBatchResponse> handler, String queueArn, String region,
                           String functionName, Duration timeout) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.queueArn = Objects.requireNonNull(queueArn, "queueArn");
        this.region = Objects.requireNonNull(region, "region");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Set<String> handle(List<Message> batch) {
        SQSBatchResponse response = handler.handleRequest(toEvent(batch), new LocalLambdaContext(functionName, timeout));
        Set<String> failed = new LinkedHashSet<>();
        if (response != null && response.getBatchItemFailures() != null) {
            for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                // A null id fails the whole batch, as with Lambda: the poller sees an id that is not in the batch.
                failed.add(String.valueOf(f.getItemIdentifier()));
            }
        }
        return failed;
    }

    /** The event Lambda's SQS integration would deliver for this batch. */
    public SQSEvent toEvent(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.size());
        for (Message m : batch) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
            r.setAttributes(new HashMap<>(m.attributesAsStrings()));
            r.setMessageAttributes(attributes(m.messageAttributes()));
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion(region);
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, SQSEvent.MessageAttribute> attributes(Map<String, MessageAttributeValue> in) {
        Map<String, SQSEvent.MessageAttribute> out = new HashMap<>();
        in.forEach((name, v) -> {
            SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
            a.setDataType(v.dataType());
            a.setStringValue(v.stringValue());
            if (v.binaryValue() != null) {
                a.setBinaryValue(v.binaryValue().asByteBuffer());
            }
            out.put(name, a);
        });
        return out;
    }

    /** The Lambda context of one local invocation: its remaining time counts down from the function's timeout. */
    static final class LocalLambdaContext implements Context {
        private final String functionName;
        private final long deadlineNanos;
        private final String requestId = java.util.UUID.randomUUID().toString();

        LocalLambdaContext(String functionName, Duration timeout) {
            this.functionName = functionName;
            this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:local:000000000000:function:" + functionName;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        }

        @Override
        public int getMemoryLimitInMB() {
            return 512;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
            return new com.amazonaws.services.lambda.runtime.LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.write(message, 0, message.length);
                }
            };
        }
    }
}
