package dev.ecsa.functions;

import dev.ecsa.store.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.Reconcile;
import dev.ecsa.core.reconcile.ReconcileResult;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.functions.reconcile.EmfMetrics;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The reconcile function, invoked by the stack's EventBridge schedule with a Scheduled Event. The event's {@code id}
 * becomes the run id (so a retried invocation of the same event is recognisably the same run); anything else in it is
 * ignored. It runs {@link Reconcile} once, writes the run's EMF metrics line to stdout, and answers a short JSON summary.
 * A view that cannot be read fails the invocation with the domain exception (nothing is fixed or recorded then).
 */
public final class ReconcileHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileHandler.class);

    private final Reconcile reconcile;
    private final EmfMetrics metrics;

    /** For Lambda: the dependencies come from the composition root, once per environment. */
    public ReconcileHandler() {
        this(CompositionRoot.reconcile(), System.out);
    }

    /** With given dependencies and metrics stream: for tests and the local mode. */
    public ReconcileHandler(ReconcileDeps deps, PrintStream metricsOut) {
        this.reconcile = deps.reconcile();
        this.metrics = new EmfMetrics(deps.serviceName(), metricsOut);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (InvocationMdc mdc = InvocationMdc.open(context)) {
            handle(input, output, context);
        }
    }

    /** One invocation, with Lambda's request id in the MDC for every line it logs. */
    private void handle(InputStream input, OutputStream output, Context context) throws IOException {
        String runId = runId(input);
        MDC.put("runId", runId);
        try {
            ReconcileResult result = reconcile.run(runId);
            ReconcileRun run = result.run();
            metrics.emit(run);
            LOG.info("reconcile {}: {} findings ({} new, {} resolved), {} fixes, {} nodes OK, {} nodes' versions "
                            + "recorded ({} left to the next runs)", runId, run.totalFindings(),
                    result.newFindings().size(), result.resolved().size(), run.fixes(),
                    run.counts().get(FindingType.OK), result.inventoryUpdated(), result.inventoryDeferred());
            if (result.eventFailures() > 0) {
                LOG.warn("reconcile {}: {} drift events could not be published", runId, result.eventFailures());
            }
            ObjectNode summary = Json.mapper().createObjectNode().put("runId", runId)
                    .put("findings", run.totalFindings()).put("fixes", run.fixes())
                    .put("new", result.newFindings().size()).put("resolved", result.resolved().size())
                    .put("versionsRecorded", result.inventoryUpdated())
                    .put("versionsDeferred", result.inventoryDeferred());
            ObjectNode counts = summary.putObject("counts");
            run.counts().forEach((type, n) -> counts.put(type.name(), n));
            Json.mapper().writeValue(output, summary);
        } catch (NodeOperationException e) {
            LOG.warn("reconcile {} failed ({}): {}", runId, e.retryable() ? "retryable" : "permanent",
                    e.getMessage());
            throw e;
        } finally {
            MDC.remove("runId");
        }
    }

    /** The scheduled event's id (a UUID), or a fresh one for a manual invocation without it. */
    private static String runId(InputStream input) {
        try {
            JsonNode event = Json.mapper().readTree(input);
            String id = event == null ? "" : event.path("id").asText("");
            if (id.matches("[A-Za-z0-9-]{1,64}")) {
                return id;
            }
        } catch (IOException notJson) {
            // A manual invocation may send anything: a fresh id serves.
        }
        return UUID.randomUUID().toString();
    }
}
