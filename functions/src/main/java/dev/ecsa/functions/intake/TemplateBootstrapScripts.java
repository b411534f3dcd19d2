package dev.ecsa.functions.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.register.BootstrapInput;
import dev.ecsa.core.register.BootstrapReport;
import dev.ecsa.core.register.BootstrapScripts;
import dev.ecsa.store.Json;
import dev.ecsa.functions.host.BootstrapParameters;
import dev.ecsa.functions.host.InstallScriptPin;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@link BootstrapScripts} on the project's bootstrap template ({@code host/bootstrap.sh} via
 * {@link BootstrapParameters}) and its {@code ECSA_RESULT} line ({@link dev.ecsa.functions.host.ResultLine}). It
 * adds the stack-wide values to the request's, and maps the script's failure codes to the domain's reasons.
 */
public final class TemplateBootstrapScripts implements BootstrapScripts {

    /**
     * The stack-wide values of every bootstrap.
     *
     * @param region           the cluster's and activation's region
     * @param installScriptUrl where hosts fetch the install script
     * @param allowedProtocols curl {@code --proto}: {@link BootstrapParameters#HTTPS_ONLY} in production
     * @param pin              how the host verifies the install script
     * @param ecsVersion       {@code --ecs-version}, empty for the install script's default
     * @param minFreeDiskMib   the pre-flight's free-space threshold on /var/lib
     * @param agentMetadataUrl the ECS agent introspection endpoint (the bench gives each host its own)
     * @param imdsUrl          the metadata address probed for credential hijacking, empty to skip
     */
    public record Settings(String region, String installScriptUrl, String allowedProtocols, InstallScriptPin pin,
                           String ecsVersion, int minFreeDiskMib, String agentMetadataUrl, String imdsUrl) {
        public Settings {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(installScriptUrl, "installScriptUrl");
            Objects.requireNonNull(allowedProtocols, "allowedProtocols");
            Objects.requireNonNull(pin, "pin");
            ecsVersion = ecsVersion == null ? "" : ecsVersion;
            Objects.requireNonNull(agentMetadataUrl, "agentMetadataUrl");
            imdsUrl = imdsUrl == null ? "" : imdsUrl;
        }

        /** Production values for a region and pin: HTTPS only, 2 GiB free, the standard endpoints. */
        public static Settings production(String region, String installScriptUrl, InstallScriptPin pin,
                                          String ecsVersion) {
            return new Settings(region, installScriptUrl, BootstrapParameters.HTTPS_ONLY, pin, ecsVersion, 2048,
                    BootstrapParameters.DEFAULT_AGENT_METADATA_URL, BootstrapParameters.DEFAULT_IMDS_URL);
        }
    }

    /** SSM's errors for an activation that cannot register (RegisterManagedInstance / the agent's output). */
    private static final Pattern ACTIVATION_REFUSED = Pattern.compile(
            "ActivationExpired|InvalidActivation|ActivationLimitExceeded|activation .*(expired|invalid)",
            Pattern.CASE_INSENSITIVE);
    /** What sudo prints when {@code -n} meets a password prompt or a missing sudoers entry. */
    private static final Pattern SUDO_REFUSED = Pattern.compile(
            "sudo: (a password is required|a terminal is required|.*is not in the sudoers file|.*not allowed to)");

    private final Settings settings;

    public TemplateBootstrapScripts(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String render(BootstrapInput in) {
        try {
            return new BootstrapParameters(in.nodeId(), settings.region(), in.cluster(),
                    in.activation().activationId(), in.activation().code(), settings.installScriptUrl(),
                    settings.allowedProtocols(), settings.pin(), settings.ecsVersion(), json(in.attributes()),
                    json(in.tags()), settings.minFreeDiskMib(), (int) Math.max(1, in.agentWait().toSeconds()),
                    settings.agentMetadataUrl(), settings.imdsUrl(),
                    in.resumeManagedInstanceId() == null ? "" : in.resumeManagedInstanceId()).render();
        } catch (IllegalArgumentException e) {
            // BootstrapParameters and HostScripts name the field, never the value.
            throw new PermanentException(Reason.INTERNAL, "the bootstrap script cannot be rendered: "
                    + e.getMessage(), e);
        }
    }

    private static String json(Map<String, String> map) {
        if (map.isEmpty()) {
            return "";
        }
        try {
            // Sorted, so the same request always renders the same script (a replay is byte-identical).
            return Json.mapper().writeValueAsString(new java.util.TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a map cannot be written as JSON", e);
        }
    }

    @Override
    public BootstrapReport parse(ScriptResult result) {
        dev.ecsa.functions.host.ResultLine r;
        try {
            r = dev.ecsa.functions.host.ResultLine.parse(result.stdoutTail());
        } catch (dev.ecsa.functions.host.ResultLine.MalformedScriptOutputException e) {
            if (!result.succeeded() && SUDO_REFUSED.matcher(result.stderrTail()).find()) {
                throw new PermanentException(Reason.SUDO_DENIED, "sudo -n was refused for the SSH user (exit "
                        + result.exitCode() + "); it needs passwordless sudo");
            }
            throw new PermanentException(Reason.SCRIPT_OUTPUT_INVALID, e.getMessage() + " (exit "
                    + result.exitCode() + ")");
        }
        if (r.ok() && (blank(r.managedInstanceId()) || blank(r.containerInstanceArn()))) {
            throw new PermanentException(Reason.SCRIPT_OUTPUT_INVALID,
                    "the result reports success without a managed instance id and container instance ARN");
        }
        java.util.List<BootstrapReport.Finding> findings = r.findings().stream()
                .map(f -> new BootstrapReport.Finding(f.code(), f.blocking(), f.message())).toList();
        return new BootstrapReport(r.ok(), r.ok() ? null : reasonFor(r), r.step(), r.reason(), r.message(),
                emptyToNull(r.managedInstanceId()), emptyToNull(r.containerInstanceArn()), emptyToNull(r.cluster()),
                new AgentVersions(emptyToNull(r.ssmAgentVersion()), emptyToNull(r.ecsAgentVersion()), null),
                findings, r.outputTail());
    }

    /** The domain reason for a failure the script reported, by its step and code (bootstrap.sh's contract). */
    static Reason reasonFor(dev.ecsa.functions.host.ResultLine r) {
        String code = r.reason() == null ? "" : r.reason();
        String step = r.step() == null ? "" : r.step();
        return switch (step) {
            case "preflight" -> code.equals("NOT_ROOT") ? Reason.SUDO_DENIED : Reason.PREFLIGHT_FAILED;
            // DOWNLOAD_FAILED too: a script that could not be fetched could not be verified, and was not run.
            case "verify" -> Reason.INSTALL_SCRIPT_UNVERIFIED;
            case "install" -> ACTIVATION_REFUSED.matcher(nz(r.outputTail()) + "\n" + nz(r.message())).find()
                    ? Reason.ACTIVATION_INVALID : Reason.INSTALL_FAILED;
            case "wait" -> Reason.AGENT_NOT_READY;
            // Another package operation held the dpkg lock throughout: a later delivery may find it free.
            case "lock" -> Reason.TIMED_OUT;
            default -> Reason.INTERNAL;
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
