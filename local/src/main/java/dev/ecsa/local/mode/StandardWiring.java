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
import java.time.Duration;

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
        return LocalWiring.none().withNodeRequests(StandardWiring::nodeRequests);
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
                a.clock(), registration, deregistration, a.maxReceives(), Intake.DEFAULT_SAFETY_MARGIN));
    }
}
