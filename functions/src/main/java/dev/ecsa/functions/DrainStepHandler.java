package dev.ecsa.functions;

import dev.ecsa.store.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.deregister.CaughtError;
import dev.ecsa.core.deregister.DrainState;
import dev.ecsa.core.deregister.DrainStep;
import dev.ecsa.core.deregister.DrainTasks;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.functions.drain.DrainPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The drain function: every Task of the drain workflow (infra-cdk DrainWorkflow) invokes it with
 * {@code {"step": <state name>, "state": <workflow state>}} and takes its answer as the next workflow state.
 * StartDrain's state is the execution input ({@link DrainStart}); RecordFailure's carries the caught error at
 * {@code error} ({@code {"Error", "Cause"}}); every other state is a {@link DrainState}. docs/drain-workflow.md
 * describes the shapes.
 *
 * <p>It throws only {@link dev.ecsa.core.error.RetryableException} (matched by the definition's Retry on its exact
 * class name, which the Lambda runtime reports as the error type) and {@link PermanentException} (caught into
 * RecordFailure). It owns its JSON so that the project's mapper and records are used, not the runtime's serializer.
 */
public final class DrainStepHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DrainStepHandler.class);
    private static final int MAX_ERROR_TEXT = 300;

    private final DrainTasks tasks;
    private final ObjectMapper json = Json.mapper();

    /** For Lambda: the dependencies come from the composition root, once per environment. */
    public DrainStepHandler() {
        this(CompositionRoot.drainStep());
    }

    /**
     * With given dependencies: for tests, and for the local mode, which runs the handlers in-process on the bench's
     * adapters (hence public).
     */
    public DrainStepHandler(DrainPorts steps) {
        this.tasks = steps.tasks();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (InvocationMdc mdc = InvocationMdc.open(context)) {
            handle(input, output, context);
        }
    }

    /** One invocation, with Lambda's request id in the MDC for every line it logs. */
    private void handle(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode payload = readPayload(input);
        DrainStep step = stepOf(payload);
        JsonNode state = payload.get("state");
        if (!(state instanceof ObjectNode stateObject)) {
            throw new PermanentException(Reason.INTERNAL, "the drain function's payload has no state object");
        }
        MDC.put("nodeId", state.path("nodeId").asText(""));
        MDC.put("requestId", state.path("requestId").asText(""));
        try {
            DrainState next = run(step, stateObject.deepCopy());
            LOG.info("drain step {} done: decision {}, node {} at version {}", step.stateName(), next.decision(),
                    next.nodeState(), next.nodeVersion());
            json.writeValue(output, next);
        } catch (NodeOperationException e) {
            // Logged here, once; Step Functions retries or records it.
            LOG.warn("drain step {} failed ({}): {}", step.stateName(), e.retryable() ? "retryable" : "permanent",
                    e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            LOG.error("drain step {} failed unexpectedly", step.stateName(), e);
            throw new PermanentException(Reason.INTERNAL, step.stateName() + " failed unexpectedly: "
                    + bounded(e.getClass().getName() + ": " + e.getMessage()), e);
        } finally {
            MDC.remove("nodeId");
            MDC.remove("requestId");
        }
    }

    private DrainState run(DrainStep step, ObjectNode state) {
        return switch (step) {
            case START_DRAIN -> tasks.startDrain(decode(state, DrainStart.class));
            case CHECK_DRAIN -> tasks.checkDrain(decode(state, DrainState.class));
            case APPLY_TIMEOUT_POLICY -> tasks.applyTimeoutPolicy(decode(state, DrainState.class));
            case DEREGISTER -> tasks.deregister(decode(state, DrainState.class));
            case CLEAN_HOST -> tasks.cleanHost(decode(state, DrainState.class));
            case RECORD_FAILURE -> {
                CaughtError error = caughtError(state.remove("error"));
                // A failure in StartDrain is caught with the execution input; later ones with a workflow state.
                DrainState failed = state.has("pollSeconds") ? decode(state, DrainState.class)
                        : DrainState.initial(decode(state, DrainStart.class));
                yield tasks.recordFailure(failed, error);
            }
            default -> throw new PermanentException(Reason.INTERNAL,
                    step.stateName() + " is not a Task of the drain function");
        };
    }

    private ObjectNode readPayload(InputStream input) {
        try {
            JsonNode node = json.readTree(input);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // Not JSON: reported below without quoting it.
        }
        throw new PermanentException(Reason.INTERNAL, "the drain function's payload is not a JSON object");
    }

    private static DrainStep stepOf(ObjectNode payload) {
        try {
            return DrainStep.ofStateName(payload.path("step").asText(""));
        } catch (IllegalArgumentException e) {
            throw new PermanentException(Reason.INTERNAL, bounded(e.getMessage()));
        }
    }

    private <T> T decode(ObjectNode state, Class<T> type) {
        try {
            return json.treeToValue(state, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new PermanentException(Reason.INTERNAL,
                    "the workflow state is not a valid " + type.getSimpleName() + ": " + bounded(originalMessage(e)));
        }
    }

    /**
     * The Catch's {@code {"Error", "Cause"}}. For a Lambda function error the Cause is the runtime's JSON
     * ({@code errorMessage}, {@code errorType}, {@code stackTrace}); only the message is kept.
     */
    private CaughtError caughtError(JsonNode error) {
        if (error == null || !error.isObject()) {
            return new CaughtError("Unknown", "RecordFailure was invoked without an error");
        }
        String cause = error.path("Cause").asText("");
        String message = cause;
        try {
            JsonNode parsed = json.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                message = parsed.get("errorMessage").asText();
            }
        } catch (JsonProcessingException notJson) {
            // A States.* error's cause is plain text.
        }
        return new CaughtError(error.path("Error").asText(""), message);
    }

    /** Jackson's message without its location suffix (the source is our own tree, not worth quoting). */
    private static String originalMessage(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static String bounded(String text) {
        String t = String.valueOf(text);
        return t.length() <= MAX_ERROR_TEXT ? t : t.substring(0, MAX_ERROR_TEXT - 1) + "…";
    }
}
