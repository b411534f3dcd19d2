package dev.ecsa.functions.drain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.deregister.CaughtError;
import dev.ecsa.core.deregister.DrainState;
import dev.ecsa.core.deregister.DrainStep;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a Task of the drain workflow sends the drain function, decoded: {@code {"step": <state name>, "state": <workflow
 * state>}}. StartDrain's state is the execution input ({@link DrainStart}); RecordFailure's carries the caught error
 * at {@code error} ({@code {"Error", "Cause"}}); every other state is a {@link DrainState} (docs/drain-workflow.md).
 * Anything malformed is a {@link PermanentException} INTERNAL whose message never quotes more than a bounded excerpt.
 */
public final class DrainPayload {

    private static final int MAX_ERROR_TEXT = 300;
    private static final ObjectMapper JSON = Json.mapper();

    private final DrainStep step;
    private final ObjectNode state;

    private DrainPayload(DrainStep step, ObjectNode state) {
        this.step = step;
        this.state = state;
    }

    /** Reads one invocation's payload. */
    public static DrainPayload read(InputStream input) {
        ObjectNode payload = object(input);
        DrainStep step;
        try {
            step = DrainStep.ofStateName(payload.path("step").asText(""));
        } catch (IllegalArgumentException e) {
            throw new PermanentException(Reason.INTERNAL, bounded(e.getMessage()));
        }
        if (!(payload.get("state") instanceof ObjectNode state)) {
            throw new PermanentException(Reason.INTERNAL, "the drain function's payload has no state object");
        }
        return new DrainPayload(step, state.deepCopy());
    }

    public DrainStep step() {
        return step;
    }

    /** A field of the state as text, for the log's context ({@code nodeId}, {@code requestId}); "" if absent. */
    public String text(String field) {
        return state.path(field).asText("");
    }

    /** StartDrain's state: the execution input. */
    public DrainStart start() {
        return decode(state, DrainStart.class);
    }

    /** The workflow state of every Task after StartDrain. */
    public DrainState drainState() {
        return decode(state, DrainState.class);
    }

    /**
     * RecordFailure's state: a failure in StartDrain is caught with the execution input, later ones with a workflow
     * state.
     */
    public DrainState failedState() {
        ObjectNode withoutError = state.deepCopy();
        withoutError.remove("error");
        return withoutError.has("pollSeconds") ? decode(withoutError, DrainState.class)
                : DrainState.initial(decode(withoutError, DrainStart.class));
    }

    /**
     * RecordFailure's caught error, {@code {"Error", "Cause"}}. For a Lambda function error the Cause is the runtime's
     * JSON ({@code errorMessage}, {@code errorType}, {@code stackTrace}); only the message is kept.
     */
    public CaughtError caughtError() {
        JsonNode error = state.get("error");
        if (error == null || !error.isObject()) {
            return new CaughtError("Unknown", "RecordFailure was invoked without an error");
        }
        String cause = error.path("Cause").asText("");
        String message = cause;
        try {
            JsonNode parsed = JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                message = parsed.get("errorMessage").asText();
            }
        } catch (JsonProcessingException notJson) {
            // A States.* error's cause is plain text.
        }
        return new CaughtError(error.path("Error").asText(""), message);
    }

    /** At most a few hundred characters of {@code text}, for an error message. */
    public static String bounded(String text) {
        String t = String.valueOf(text);
        return t.length() <= MAX_ERROR_TEXT ? t : t.substring(0, MAX_ERROR_TEXT - 1) + "…";
    }

    private static ObjectNode object(InputStream input) {
        try {
            JsonNode node = JSON.readTree(input);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // Not JSON: reported below without quoting it.
        }
        throw new PermanentException(Reason.INTERNAL, "the drain function's payload is not a JSON object");
    }

    private static <T> T decode(ObjectNode state, Class<T> type) {
        try {
            return JSON.treeToValue(state, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new PermanentException(Reason.INTERNAL,
                    "the workflow state is not a valid " + type.getSimpleName() + ": " + bounded(message));
        }
    }
}
