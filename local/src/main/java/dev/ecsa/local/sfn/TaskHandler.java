package dev.ecsa.local.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a Task state does when the local interpreter runs it: the Java side of the state machine's Lambda call.
 *
 * <p>It gets the Task's effective input (after {@code InputPath} and {@code Parameters}, i.e. the Lambda payload)
 * and returns the Lambda's result. A thrown exception fails the Task the way a Lambda function error does on AWS:
 * the error name Step Functions matches in {@code Retry} and {@code Catch} is the exception's class name (the
 * Lambda runtime's {@code errorType}), unless the exception is a {@link TaskFailedException}, which names its
 * error explicitly.
 */
@FunctionalInterface
public interface TaskHandler {

    /**
     * Runs one Task state.
     *
     * @param stateName the Task state's name in the definition
     * @param input     the payload the state would send to its Lambda function
     * @return the function's result (any JSON value)
     * @throws Exception to fail the Task, named by the exception's class (see the type's Javadoc)
     */
    JsonNode handle(String stateName, JsonNode input) throws Exception;

    /**
     * Binds a Lambda stream handler, e.g. {@code TaskHandler.stream((in, out) -> handler.handleRequest(in, out, ctx))}:
     * the payload goes in as JSON bytes and the bytes written out are the result, as with a deployed function.
     */
    static TaskHandler stream(StreamFunction function) {
        ObjectMapper json = new ObjectMapper();
        return (stateName, input) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            function.handle(new ByteArrayInputStream(json.writeValueAsBytes(input)), out);
            return out.size() == 0 ? json.nullNode() : json.readTree(out.toByteArray());
        };
    }

    /** The shape of {@code RequestStreamHandler.handleRequest} without the Lambda context. */
    @FunctionalInterface
    interface StreamFunction {
        void handle(InputStream input, OutputStream output) throws Exception;
    }
}
