package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostScriptsTest {

    private static final List<String> BOOTSTRAP_PLACEHOLDERS = List.of("NODE_ID", "REGION", "CLUSTER",
            "ACTIVATION_ID", "ACTIVATION_CODE", "INSTALL_SCRIPT_URL", "ALLOWED_PROTOCOLS", "VERIFY_MODE",
            "GPG_PUBLIC_KEY_B64", "GPG_FINGERPRINT", "SCRIPT_SHA256", "ECS_VERSION", "ECS_INSTANCE_ATTRIBUTES",
            "ECS_CONTAINER_INSTANCE_TAGS", "MIN_FREE_DISK_MIB", "AGENT_WAIT_SECONDS", "AGENT_METADATA_URL",
            "IMDS_URL", "RESUME_MANAGED_INSTANCE_ID");

    @Test
    void bootstrapDeclaresExactlyTheParametersPlaceholders() {
        assertThat(HostScripts.bootstrap().placeholders()).containsExactlyInAnyOrderElementsOf(BOOTSTRAP_PLACEHOLDERS);
        assertThat(Fixtures.gpg().toScriptValues().keySet()).containsExactlyInAnyOrderElementsOf(BOOTSTRAP_PLACEHOLDERS);
        assertThat(Fixtures.sha256().toScriptValues().keySet()).containsExactlyInAnyOrderElementsOf(BOOTSTRAP_PLACEHOLDERS);
    }

    @Test
    void cleanupHasNoPlaceholdersAndRendersWithoutValues() {
        assertThat(HostScripts.cleanup().placeholders()).isEmpty();
        String script = HostScripts.cleanup().render(Map.of());
        assertThat(script).contains("ecsa_creds_file_is_ssm_written()").doesNotContain("@@");
    }

    @Test
    void rendersEveryValueSingleQuotedAndInlinesTheLibrary() {
        String script = Fixtures.gpg().render();
        assertThat(script).doesNotContain("@@")
                .doesNotContainPattern("(?m)^" + Pattern.quote(HostScripts.INCLUDE_LINE) + "$")
                .contains("ecsa_json_escape()")
                .contains("NODE_ID='node-1'\n")
                .contains("REGION='eu-west-1'\n")
                .contains("ACTIVATION_CODE='" + Fixtures.SECRET_CODE + "'\n")
                .contains("GPG_FINGERPRINT='F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F'\n")
                .contains("ECS_INSTANCE_ATTRIBUTES='{\"nodeId\":\"node-1\",\"rack\":\"r 12\"}'\n")
                .contains("SCRIPT_SHA256=''\n")
                .contains("MIN_FREE_DISK_MIB='2048'\n");
        for (String name : BOOTSTRAP_PLACEHOLDERS) {
            assertThat(script).containsPattern("(?m)^  " + name + "='[^'\n]*'$");
        }
    }

    @Test
    void embedsTheMultiLineKeyAsBase64ThatDecodesToTheKey() {
        String script = Fixtures.gpg().render();
        Matcher m = Pattern.compile("(?m)^  GPG_PUBLIC_KEY_B64='([A-Za-z0-9+/=]+)'$").matcher(script);
        assertThat(m.find()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(m.group(1)))).isEqualTo(Fixtures.ARMORED_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"it's", "a\nb", "a\rb", "tab\there", "nul\0", "esc\u001b[0m", "del\u007f", "c1\u0085"})
    void refusesQuotesAndControlCharactersWithoutEchoingTheValue(String bad) {
        Map<String, ScriptValue> values = new HashMap<>(Fixtures.gpg().toScriptValues());
        values.put("CLUSTER", ScriptValue.plain(bad));
        assertThatThrownBy(() -> HostScripts.bootstrap().render(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CLUSTER")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad));
    }

    @Test
    void secretRefusalNeverShowsTheSecret() {
        Map<String, ScriptValue> values = new HashMap<>(Fixtures.gpg().toScriptValues());
        String secret = "top'secret-code";
        values.put("ACTIVATION_CODE", ScriptValue.secret(secret));
        assertThatThrownBy(() -> HostScripts.bootstrap().render(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ACTIVATION_CODE")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("top").doesNotContain("secret-code"));
        assertThat(ScriptValue.secret(secret).toString()).doesNotContain("top").doesNotContain("code");
        assertThat(values.toString()).doesNotContain("top'secret");
    }

    @Test
    void missingValueIsAnError() {
        Map<String, ScriptValue> values = new HashMap<>(Fixtures.gpg().toScriptValues());
        values.remove("REGION");
        assertThatThrownBy(() -> HostScripts.bootstrap().render(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no value for [REGION]");
    }

    @Test
    void valueWithoutPlaceholderIsAnError() {
        Map<String, ScriptValue> values = new HashMap<>(Fixtures.gpg().toScriptValues());
        values.put("REGOIN", ScriptValue.plain("eu-west-1"));
        assertThatThrownBy(() -> HostScripts.bootstrap().render(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no placeholder for [REGOIN]");
    }

    @Test
    void valueThatLooksLikeAPlaceholderIsNotLeftInTheOutput() {
        Map<String, ScriptValue> values = new HashMap<>(Fixtures.gpg().toScriptValues());
        values.put("NODE_ID", ScriptValue.plain("@@REGION@@"));
        assertThatThrownBy(() -> HostScripts.bootstrap().render(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("placeholder pattern");
    }

    @Test
    void multiLineValueMayNotContainNul() {
        assertThatThrownBy(() -> HostScripts.quote("K", ScriptValue.multiline("a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value for K contains a NUL character");
    }

    @Test
    void parametersRejectMalformedInputWithoutEchoingTheActivationCode() {
        BootstrapParameters p = Fixtures.gpg();
        assertThatThrownBy(() -> new BootstrapParameters(p.nodeId(), "eu-west-1; reboot", p.cluster(),
                p.activationId(), p.activationCode(), p.installScriptUrl(), p.allowedProtocols(), p.pin(),
                p.ecsVersion(), p.ecsInstanceAttributesJson(), p.containerInstanceTagsJson(), 1, 1,
                p.agentMetadataUrl(), p.imdsUrl(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("region has an invalid format");
        assertThatThrownBy(() -> new BootstrapParameters(p.nodeId(), p.region(), p.cluster(), p.activationId(),
                "--code with spaces", p.installScriptUrl(), p.allowedProtocols(), p.pin(), p.ecsVersion(),
                p.ecsInstanceAttributesJson(), p.containerInstanceTagsJson(), 1, 1, p.agentMetadataUrl(),
                p.imdsUrl(), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("activationCode has an invalid format");
        assertThatThrownBy(() -> new BootstrapParameters(p.nodeId(), p.region(), p.cluster(), p.activationId(),
                p.activationCode(), p.installScriptUrl(), "=ftp", p.pin(), p.ecsVersion(),
                p.ecsInstanceAttributesJson(), p.containerInstanceTagsJson(), 1, 1, p.agentMetadataUrl(),
                p.imdsUrl(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("allowedProtocols has an invalid format");
        assertThatThrownBy(() -> new BootstrapParameters(p.nodeId(), p.region(), p.cluster(), p.activationId(),
                p.activationCode(), p.installScriptUrl(), p.allowedProtocols(), p.pin(), p.ecsVersion(),
                "[\"not an object\"]", p.containerInstanceTagsJson(), 1, 1, p.agentMetadataUrl(), p.imdsUrl(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ecsInstanceAttributesJson");
        assertThatThrownBy(() -> new BootstrapParameters(p.nodeId(), p.region(), p.cluster(), p.activationId(),
                p.activationCode(), p.installScriptUrl(), p.allowedProtocols(), p.pin(), p.ecsVersion(),
                p.ecsInstanceAttributesJson(), p.containerInstanceTagsJson(), 1, 1, p.agentMetadataUrl(), p.imdsUrl(),
                "mi-0123456789abcdef0'; reboot"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resumeManagedInstanceId has an invalid format");
        assertThatThrownBy(() -> new InstallScriptPin.Gpg(Fixtures.ARMORED_KEY, "F34C"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstallScriptPin.Sha256("xyz"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parametersToStringRedactsTheActivationCode() {
        assertThat(Fixtures.gpg().toString()).doesNotContain(Fixtures.SECRET_CODE).contains("activationCode=redacted")
                .contains("node-1");
    }
}
