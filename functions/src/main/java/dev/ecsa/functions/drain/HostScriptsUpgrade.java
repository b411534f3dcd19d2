package dev.ecsa.functions.drain;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.upgrade.UpgradeScript;
import dev.ecsa.functions.host.HostScripts;
import dev.ecsa.functions.host.OpenPgpKeys;
import dev.ecsa.functions.host.ResultLine;
import dev.ecsa.functions.host.ScriptValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The upgrade script port backed by {@code upgrade-agents.sh}: rendered per node (targets and identity), with where the
 * packages come from and the keys their signatures must be made by.
 *
 * <p>By default the packages come from AWS's regional buckets ({@code https://s3.<region>.amazonaws.com}, the layout
 * AWS's install script uses) and are verified against the keys shipped in the zip: Amazon ECS's signing key for
 * amazon-ecs-init ({@code .asc}), and the SSM agent's keys for amazon-ssm-agent ({@code .sig}), both from
 * {@code aws/amazon-ecs-agent/scripts}. A mirror with the same layout can be named instead, with its own key block and
 * fingerprints (used for both packages).
 */
public final class HostScriptsUpgrade implements UpgradeScript {

    /** Amazon ECS's signing key's primary fingerprint (the same pin as the install script's). */
    public static final String ECS_KEY_FINGERPRINT = "F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F";
    /** The SSM agent's signing keys shipped in the zip, oldest first (AWS rotates them; older packages keep theirs). */
    public static final List<String> SSM_KEY_FINGERPRINTS = List.of(
            "8108A07A9EBE248E3F1C63F254F4F56E693ECA21",
            "2BC7C7C267BBD505EAA491E6DD81A61756BAA549",
            "DE92C7DA3E56E92331D62A36BC1F495C97DD04ED",
            "4855A9E6833216D6A77D8FE451A8E050D0052E5D",
            "1C5B395CBE5E74E2F1CA21592784DBF388D19D46");
    /** How long an agent may take to run again after its restart (the install script allows the ECS agent 100 s). */
    public static final Duration AGENT_WAIT = Duration.ofSeconds(90);
    /**
     * The SSM agent's key file shipped next to the ECS key: {@code aws/amazon-ecs-agent/scripts/amazon-ssm-agent.gpg}
     * exported minimal (each key with its self-signatures only, {@code gpg --export-options export-minimal}); the keys
     * and their fingerprints are AWS's.
     */
    public static final String SHIPPED_SSM_KEYS = "amazon-ssm-agent.gpg";

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-F]{40}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:container-instance/"
            + "[A-Za-z0-9_-]{1,255}/[0-9a-f]{32}");
    private static final Pattern MANAGED_INSTANCE = Pattern.compile("mi-[0-9a-f]{17}");

    /**
     * Signing keys for one source of packages.
     *
     * @param armored      the armored key block (one or more public keys)
     * @param fingerprints the primary keys the block must hold exactly, 40 upper-case hex digits each
     */
    public record Keys(String armored, List<String> fingerprints) {
        public Keys {
            Objects.requireNonNull(armored, "armored");
            fingerprints = List.copyOf(fingerprints);
            if (fingerprints.isEmpty() || !fingerprints.stream().allMatch(f -> FINGERPRINT.matcher(f).matches())) {
                throw new IllegalArgumentException("package signing keys are pinned by 40-digit upper-case hex "
                        + "fingerprints");
            }
        }
    }

    /**
     * Where packages come from and how they are checked.
     *
     * @param packageBaseUrl   {@code https://s3.<region>.amazonaws.com} or a mirror with its layout (no trailing slash)
     * @param allowedProtocols curl's {@code --proto} value ({@code =https} in production)
     * @param agentWait        how long an agent may take to run again after its restart
     */
    public record Settings(String packageBaseUrl, String region, String allowedProtocols, Keys ecsKeys, Keys ssmKeys,
                           Duration agentWait) {
        public Settings {
            Objects.requireNonNull(packageBaseUrl, "packageBaseUrl");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(allowedProtocols, "allowedProtocols");
            Objects.requireNonNull(ecsKeys, "ecsKeys");
            Objects.requireNonNull(ssmKeys, "ssmKeys");
            Objects.requireNonNull(agentWait, "agentWait");
            if (!packageBaseUrl.matches("https?://[A-Za-z0-9.:\\[\\]_-]+(/[A-Za-z0-9._~/-]*)?")) {
                throw new IllegalArgumentException("the agent package URL must be an http(s) URL without query, "
                        + "was " + packageBaseUrl);
            }
            packageBaseUrl = packageBaseUrl.replaceAll("/+$", "");
        }

        /**
         * A deployment's settings: AWS's buckets and the shipped keys unless a mirror ({@code baseUrl}) and its keys
         * ({@code keyBase64}: base64 of an armored block; {@code fingerprints}: space-separated) are configured.
         */
        public static Settings of(String region, String baseUrl, String keyBase64, String fingerprints,
                                  Duration agentWait) {
            String base = baseUrl == null || baseUrl.isBlank() ? "https://s3." + region + ".amazonaws.com" : baseUrl;
            String protocols = base.startsWith("https://") ? "=https" : "=https,http";
            if (keyBase64 == null || keyBase64.isBlank()) {
                Keys ecs = new Keys(OpenPgpKeys.shippedEcsSigningKey(), List.of(ECS_KEY_FINGERPRINT));
                Keys ssm = new Keys(shippedSsmKeys(), SSM_KEY_FINGERPRINTS);
                return new Settings(base, region, protocols, ecs, ssm, agentWait);
            }
            String armored = new String(Base64.getDecoder().decode(keyBase64.strip()), StandardCharsets.US_ASCII);
            Keys mirror = new Keys(armored, List.of(fingerprints.strip().toUpperCase(java.util.Locale.ROOT)
                    .split("\\s+")));
            return new Settings(base, region, protocols, mirror, mirror, agentWait);
        }
    }

    private final Settings settings;

    public HostScriptsUpgrade(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String text(Input input) {
        if (!MANAGED_INSTANCE.matcher(input.managedInstanceId()).matches()
                || !ARN.matcher(input.containerInstanceArn()).matches()) {
            // Recorded by the service itself, but checked before it reaches a root shell all the same.
            throw new PermanentException(Reason.INVALID_STATE, "the node's recorded ids are not well-formed");
        }
        Map<String, ScriptValue> v = new HashMap<>();
        v.put("ECS_TARGET", ScriptValue.plain(orEmpty(input.targets().ecsAgent())));
        v.put("SSM_TARGET", ScriptValue.plain(orEmpty(input.targets().ssmAgent())));
        v.put("PACKAGE_BASE_URL", ScriptValue.plain(settings.packageBaseUrl()));
        v.put("REGION", ScriptValue.plain(settings.region()));
        v.put("ALLOWED_PROTOCOLS", ScriptValue.plain(settings.allowedProtocols()));
        v.put("ECS_KEY_B64", ScriptValue.multiline(settings.ecsKeys().armored()));
        v.put("ECS_KEY_FINGERPRINTS", ScriptValue.plain(String.join(" ", settings.ecsKeys().fingerprints())));
        v.put("SSM_KEY_B64", ScriptValue.multiline(settings.ssmKeys().armored()));
        v.put("SSM_KEY_FINGERPRINTS", ScriptValue.plain(String.join(" ", settings.ssmKeys().fingerprints())));
        v.put("EXPECT_INSTANCE_ID", ScriptValue.plain(input.managedInstanceId()));
        v.put("EXPECT_CONTAINER_INSTANCE_ARN", ScriptValue.plain(input.containerInstanceArn()));
        v.put("AGENT_WAIT_SECONDS", ScriptValue.plain(Long.toString(settings.agentWait().toSeconds())));
        return HostScripts.upgradeAgents().render(v);
    }

    @Override
    public Report interpret(ScriptResult run) {
        ResultLine result = ResultLine.parse(run, "the upgrade script");
        return new Report(result.ok(), result.step(), blankToNull(result.reason()), result.message(),
                result.rolledBack(), result.changed(), result.upgraded(), result.failed(), result.ecsAgentVersion(),
                result.ssmAgentVersion());
    }

    /** The SSM agent's key file shipped in the zip. */
    public static String shippedSsmKeys() {
        try (InputStream in = OpenPgpKeys.class.getResourceAsStream(SHIPPED_SSM_KEYS)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED_SSM_KEYS + " is missing from the deployment package");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SHIPPED_SSM_KEYS, e);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
