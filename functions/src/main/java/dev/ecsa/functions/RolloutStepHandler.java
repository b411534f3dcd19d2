package dev.ecsa.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.fleet.RolloutStepper;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The rollout function: the rollout workflow's AdvanceRollout Task invokes it with {@code {"rolloutId", "steps",
 * "generation"}} and branches on its answer, {@code {"rolloutId", "ended", "waitSeconds", "status", "steps",
 * "generation"}} (docs/rollouts.md). It throws only
 * {@link dev.ecsa.core.error.RetryableException}, which the workflow retries, and {@link PermanentException}.
 */
public final class RolloutStepHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutStepHandler.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final RolloutStepper stepper;

    /** For Lambda: the dependencies come from the composition root, once per environment. */
    public RolloutStepHandler() {
        this(CompositionRoot.rolloutStep());
    }

    /** With given dependencies (tests and the in-process bench). */
    public RolloutStepHandler(RolloutStepper stepper) {
        this.stepper = stepper;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (InvocationMdc mdc = InvocationMdc.open(context)) {
            JsonNode in = Json.mapper().readTree(input);
            String id = in == null ? "" : in.path("rolloutId").asText("");
            if (id.isEmpty()) {
                throw new PermanentException(Reason.INVALID_REQUEST, "the rollout step needs a rolloutId");
            }
            MDC.put("requestId", id);
            try {
                RolloutStepper.Next next = stepper.step(id, in.path("steps").asInt(0),
                        Math.max(1, in.path("generation").asInt(1)));
                LOG.info("rollout step done: {}{}", next.status(), next.ended() ? " (ended)"
                        : ", next in " + next.waitSeconds() + " s");
                Json.mapper().writeValue(output, next);
            } catch (NodeOperationException e) {
                LOG.warn("rollout step failed ({}): {}", e.retryable() ? "retryable" : "permanent", e.getMessage());
                throw e;
            } catch (RuntimeException e) {
                LOG.error("rollout step failed unexpectedly", e);
                throw new PermanentException(Reason.INTERNAL, "the rollout step failed unexpectedly: "
                        + e.getClass().getName(), e);
            } finally {
                MDC.remove("requestId");
            }
        }
    }

    /** A rollout's recorded message, read back for the validator. */
    static Map<String, ?> decode(String spec) {
        try {
            return Json.mapper().readValue(spec, MAP);
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "a recorded rollout message is not JSON any more", e);
        }
    }
}
