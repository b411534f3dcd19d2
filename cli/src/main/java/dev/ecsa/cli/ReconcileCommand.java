package dev.ecsa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * {@code ecsa reconcile [--now]}: the reconciler's last run, or ({@code --now}) one run started at once, as its
 * schedule would start it: the reconcile function is invoked (Lambda Invoke) and its findings printed.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Show when the reconciler last ran and what it found; with --now, run it now (the reconcile "
                + "function, invoked as its schedule does) and print its findings.",
            "Exits 0 when the run is recorded, 5 when the function failed."})
final class ReconcileCommand extends BackendCommand implements Callable<Integer> {

    @Option(names = "--now", description = "Run the reconciler now and wait for it (a fleet of thousands takes "
            + "minutes).")
    boolean now;

    @Override
    public Integer call() throws IOException {
        Printer printer = root.printer(output);
        try (Connections connections = root.connect(backend)) {
            if (now) {
                String function = connections.backend().reconcileFunction();
                String runId = "cli-" + UUID.randomUUID();
                String event = Json.mapper().createObjectNode().put("id", runId).put("source", "ecsa.cli")
                        .put("detail-type", "Manual Reconcile").put("time", Instant.now().toString()).toString();
                if (!printer.structured()) {
                    printer.text("running the reconciler (" + Views.shortIds(function) + ") on "
                            + connections.backend().description() + "...\n");
                }
                InvokeResponse r = connections.call("Invoke " + function, () -> connections.lambda().invoke(b -> b
                        .functionName(function).invocationType(InvocationType.REQUEST_RESPONSE)
                        .payload(SdkBytes.fromString(event, StandardCharsets.UTF_8))));
                if (r.functionError() != null) {
                    JsonNode error = Json.mapper().readTree(r.payload().asUtf8String());
                    throw new CliException(ExitCodes.BACKEND_ERROR, "the reconcile function failed: "
                            + error.path("errorType").asText(r.functionError()) + ": "
                            + error.path("errorMessage").asText("") + " (its log group has the details)");
                }
            }
            printLastRun(root, connections, printer);
            return ExitCodes.OK;
        }
    }

    /** The last recorded run, as {@code findings} and {@code reconcile} print it; exit 3 when there is none yet. */
    static void printLastRun(EcsaCli root, Connections connections, Printer printer) {
        ReconcileRun run = connections.call("Query reconcile runs", () -> connections.store().lastReconcileRun())
                .orElseThrow(() -> CliException.notFound("no reconcile run is recorded in "
                        + connections.backend().description() + " yet: its schedule runs it (the local mode's 10 s "
                        + "after start); run one now with ecsa reconcile --now"));
        if (printer.structured()) {
            printer.document(Views.runJson(run));
        } else {
            printer.text(Views.findingsText(run, root.clock.instant()));
        }
    }
}
