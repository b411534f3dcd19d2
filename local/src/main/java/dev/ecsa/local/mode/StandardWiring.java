package dev.ecsa.local.mode;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.ecsa.core.intake.DeregisterSettings;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.functions.FunctionsConfig;
import dev.ecsa.functions.NodeRequestHandler;
import dev.ecsa.functions.host.BootstrapParameters;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.local.Bench;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.functions.Json;
import dev.ecsa.functions.ReconcileHandler;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The local mode's composition root for the functions: it builds each function's dependency record from the
 * {@link LocalAdapters}, as the Lambda composition root does from AWS clients. Only the settings differ from a stack:
 * the install script is the bench's stand-in, pinned by its GPG signature (the bench's throwaway key), fetched over
 * plain HTTP from the simulator, and the default drain deadline may be shorter than a request may ask for.
 */
final class StandardWiring {

    private StandardWiring() {
    }

    static LocalWiring wiring() {
        return LocalWiring.none().withNodeRequests(StandardWiring::nodeRequests).withReconcile(StandardWiring::reconcile);
    }

    /**
     * The reconcile function, invoked as the schedule would (a Scheduled Event whose id becomes the run id). Its EMF
     * metrics line, which CloudWatch would read from Lambda's stdout, is dropped: locally it would only be noise.
     */
    static LocalWiring.ReconcileRun reconcile(LocalAdapters a) {
        FunctionsConfig config = a.config();
        ReconcileHandler handler = new ReconcileHandler(new ReconcileDeps(a.store(), a.activations(),
                a.managedInstances(), a.containerInstances(), a.drainWorkflow(), a.events(), a.clock(),
                ReconcileDeps.settings(Map.of(), config), config.stackName()),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        return () -> {
            ObjectNode event = Json.mapper().createObjectNode().put("id", UUID.randomUUID().toString())
                    .put("detail-type", "Scheduled Event").put("source", "aws.events");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.mapper().writeValueAsBytes(event)), out, null);
            JsonNode summary = Json.mapper().readTree(out.toByteArray());
            return "reconcile " + summary.path("runId").asText() + ": " + summary.path("findings").asInt()
                    + " findings (" + summary.path("new").asInt() + " new, " + summary.path("resolved").asInt()
                    + " resolved), " + summary.path("fixes").asInt() + " fixes, " + summary.path("counts").path("OK")
                    .asInt() + " nodes OK";
        };
    }

    static RequestHandler<SQSEvent, SQSBatchResponse> nodeRequests(LocalAdapters a) {
        FunctionsConfig config = a.config();
        Bench bench = a.bench();
        TemplateBootstrapScripts scripts = new TemplateBootstrapScripts(new TemplateBootstrapScripts.Settings(
                bench.simulator().config().region(), bench.installScriptUrl().toString(),
                // The simulator serves the stand-in over HTTP on loopback; production allows HTTPS only.
                "=https,http",
                new InstallScriptPin.Gpg(bench.signingKey().armoredPublicKey(), bench.signingKey().fingerprint()),
                "", 0, BootstrapParameters.DEFAULT_AGENT_METADATA_URL, BootstrapParameters.DEFAULT_IMDS_URL));
        RegistrationSettings registration = new RegistrationSettings(config.stackName(), config.cluster(),
                config.sshKeySecret(), Duration.ofHours(1), config.registrationBudget(), Duration.ofSeconds(20),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60));
        // A request may still ask for 60..3600 s (the validator's bounds); the local default may be shorter.
        Duration min = Duration.ofSeconds(Math.min(FieldRules.MIN_DRAIN_TIMEOUT_SECONDS, a.drainTimeout().toSeconds()));
        DeregisterSettings deregistration = new DeregisterSettings(a.drainTimeout(), min,
                Duration.ofSeconds(FieldRules.MAX_DRAIN_TIMEOUT_SECONDS),
                TimeoutPolicy.fromWireName(config.onDrainTimeout()).orElse(TimeoutPolicy.defaultPolicy()));
        return new NodeRequestHandler(new Intake(a.store(), a.activations(), a.managedInstances(),
                a.containerInstances(), a.remoteHost(), a.secrets(), scripts, a.drainWorkflow(), a.events(),
                a.clock(), registration, deregistration, a.maxReceives(), Intake.DEFAULT_SAFETY_MARGIN,
                java.util.Set.copyOf(config.clusters())));
    }
}
