package dev.ecsa.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ecsa.core.deregister.DrainState;
import dev.ecsa.core.deregister.DrainTasks;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.functions.drain.DrainPayload;
import dev.ecsa.functions.drain.DrainPorts;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The drain function: every Task of the drain workflow (infra-cdk DrainStateMachine) invokes it with the step's name
 * and the workflow state ({@link DrainPayload}) and takes its answer, the next {@link DrainState}, as the next
 * workflow state.
 *
 * <p>It throws only {@link dev.ecsa.core.error.RetryableException} (matched by the definition's Retry on its exact
 * class name, which the Lambda runtime reports as the error type) and {@link PermanentException} (caught into
 * RecordFailure). It owns its JSON so that the project's mapper and records are used, not the runtime's serializer.
 */
public final class DrainStepHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DrainStepHandler.class);

    private final DrainTasks tasks;

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
            handle(DrainPayload.read(input), output);
        }
    }

    /** One invocation, with Lambda's request id in the MDC for every line it logs. */
    private void handle(DrainPayload payload, OutputStream output) throws IOException {
        String step = payload.step().stateName();
        MDC.put("nodeId", payload.text("nodeId"));
        MDC.put("requestId", payload.text("requestId"));
        try {
            DrainState next = run(payload);
            LOG.info("drain step {} done: decision {}, node {} at version {}", step, next.decision(),
                    next.nodeState(), next.nodeVersion());
            Json.mapper().writeValue(output, next);
        } catch (NodeOperationException e) {
            // Logged here, once; Step Functions retries or records it.
            LOG.warn("drain step {} failed ({}): {}", step, e.retryable() ? "retryable" : "permanent",
                    e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            LOG.error("drain step {} failed unexpectedly", step, e);
            throw new PermanentException(Reason.INTERNAL, step + " failed unexpectedly: "
                    + DrainPayload.bounded(e.getClass().getName() + ": " + e.getMessage()), e);
        } finally {
            MDC.remove("nodeId");
            MDC.remove("requestId");
        }
    }

    private DrainState run(DrainPayload payload) {
        return switch (payload.step()) {
            case START_DRAIN -> tasks.startDrain(payload.start());
            case CHECK_DRAIN -> tasks.checkDrain(payload.drainState());
            case APPLY_TIMEOUT_POLICY -> tasks.applyTimeoutPolicy(payload.drainState());
            case DEREGISTER -> tasks.deregister(payload.drainState());
            case CLEAN_HOST -> tasks.cleanHost(payload.drainState());
            case UPGRADE_AGENTS -> tasks.upgradeAgents(payload.drainState());
            case RECORD_FAILURE -> tasks.recordFailure(payload.failedState(), payload.caughtError());
            default -> throw new PermanentException(Reason.INTERNAL,
                    payload.step().stateName() + " is not a Task of the drain function");
        };
    }
}
