package dev.ecsa.functions;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;

/**
 * Puts the Lambda request id into the MDC for one invocation, so every log line of it carries
 * {@value #KEY} next to the service's own requestId and nodeId (log4j2.xml puts the MDC on each JSON line).
 */
final class InvocationMdc implements AutoCloseable {

    static final String KEY = "AWSRequestId";

    private InvocationMdc(Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            MDC.put(KEY, context.getAwsRequestId());
        }
    }

    static InvocationMdc open(Context context) {
        return new InvocationMdc(context);
    }

    @Override
    public void close() {
        MDC.remove(KEY);
    }
}
