package dev.ecsa.local.mode;

import com.amazonaws.services.lambda.runtime.Context;
import dev.ecsa.functions.sqs.SqsBatchResponse;
import dev.ecsa.functions.sqs.SqsEvent;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs the node-request handler in-process ({@code NodeRequestHandler::handle}) behind the local
 * {@link SqsEventSourcePoller}: each received batch becomes the {@link SqsEvent} the handler reads (message id, body,
 * system attributes such as {@code ApproximateReceiveCount} and {@code MessageGroupId}) and the handler's
 * {@code batchItemFailures} become the ids to retry. Each invocation gets a {@link LocalLambdaContext} with the
 * function's timeout as its budget. (The function from the zip gets Lambda's whole event as JSON instead:
 * {@code StackOnBench}.)
 */
public final class SqsLambdaBridge implements SqsEventSourcePoller.BatchHandler {

    private final BiFunction<SqsEvent, Context, SqsBatchResponse> handler;
    private final String functionName;
    private final Duration timeout;

    /**
     * @param handler      the function
     * @param functionName the name the context reports
     * @param timeout      the function's timeout (the context's remaining time starts there)
     */
    public SqsLambdaBridge(BiFunction<SqsEvent, Context, SqsBatchResponse> handler, String functionName,
                           Duration timeout) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Set<String> handle(List<Message> batch) {
        SqsBatchResponse response = handler.apply(toEvent(batch), new LocalLambdaContext(functionName, timeout));
        Set<String> failed = new LinkedHashSet<>();
        if (response != null) {
            for (SqsBatchResponse.ItemFailure f : response.batchItemFailures()) {
                // A null id fails the whole batch, as with Lambda: the poller sees an id that is not in the batch.
                failed.add(String.valueOf(f.itemIdentifier()));
            }
        }
        return failed;
    }

    /** The event for this batch, as the handler reads it. */
    public static SqsEvent toEvent(List<Message> batch) {
        List<SqsEvent.Message> records = new ArrayList<>(batch.size());
        for (Message m : batch) {
            records.add(new SqsEvent.Message(m.messageId(), m.body(), m.attributesAsStrings()));
        }
        return new SqsEvent(records);
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
