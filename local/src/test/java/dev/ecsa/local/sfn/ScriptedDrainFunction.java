package dev.ecsa.local.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Plays the drain function's role deterministically: for each step a script of outcomes (a decision to return,
 * or something to throw), the last one repeating. It checks the payload contract of the state machine
 * ({@code {"step": <state name>, "state": <workflow state>}}) and returns the workflow state with the decision.
 */
final class ScriptedDrainFunction implements TaskHandler {

    /** The exact error name the drain workflow retries (the Lambda runtime reports the exception's class name). */
    static final String RETRYABLE = "dev.ecsa.core.error.RetryableException";

    private final Map<String, Deque<Object>> scripts = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final List<JsonNode> payloads = new ArrayList<>();

    /** Outcomes of successive calls of {@code step}: a String decision, a RuntimeException, or a Callable to run. */
    ScriptedDrainFunction on(String step, Object... outcomes) {
        scripts.put(step, new ArrayDeque<>(List.of(outcomes)));
        return this;
    }

    static TaskFailedException retryable(String message) {
        return new TaskFailedException(RETRYABLE, message);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized long callsOf(String step) {
        return calls.stream().filter(step::equals).count();
    }

    synchronized List<JsonNode> payloads() {
        return List.copyOf(payloads);
    }

    @Override
    public JsonNode handle(String stateName, JsonNode input) throws Exception {
        Object outcome;
        synchronized (this) {
            calls.add(stateName);
            payloads.add(input);
            Deque<Object> script = scripts.get(stateName);
            if (script == null || script.isEmpty()) {
                throw new IllegalStateException("no script for step " + stateName);
            }
            outcome = script.size() > 1 ? script.removeFirst() : script.peekFirst();
        }
        if (!stateName.equals(input.path("step").asText()) || !input.path("state").isObject()) {
            throw new IllegalStateException("payload breaks the step contract: " + input);
        }
        if (outcome instanceof Callable<?> action) {
            outcome = action.call();
        }
        if (outcome instanceof RuntimeException e) {
            throw e;
        }
        ObjectNode state = ((ObjectNode) input.get("state")).deepCopy();
        state.put("decision", (String) outcome);
        return state;
    }
}
