package dev.ecsa.functions.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.register.BootstrapInput;
import dev.ecsa.core.register.BootstrapReport;
import dev.ecsa.functions.host.InstallScriptPin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateBootstrapScriptsTest {

    static final TemplateBootstrapScripts.Settings SETTINGS = new TemplateBootstrapScripts.Settings("eu-west-1",
            "http://127.0.0.1:18080/ecs-anywhere-install.sh", "=https,http", new InstallScriptPin.Sha256("ab".repeat(32)),
            "", 0, "http://127.0.0.1:51679/v1/metadata", "");
    private static final String KEY = "SHA256:" + "A".repeat(42) + "E";

    private final TemplateBootstrapScripts scripts = new TemplateBootstrapScripts(SETTINGS);

    private static BootstrapInput input(String code) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ecsa.nodeId", "node-1");
        attributes.put("rack", "r12");
        return new BootstrapInput("node-1", "edge", new Activation("3f1c2b4a-aaaa-bbbb-cccc-0123456789ab", code,
                Instant.parse("2026-01-10T11:00:00Z")), attributes, Map.of("ecsa:nodeId", "node-1"),
                Duration.ofSeconds(240), null);
    }

    @Test
    void rendersTheRequestValuesSingleQuotedIntoAScriptBashAccepts() throws Exception {
        String script = scripts.render(input("Zq8rT3xY+vW2/aBcD4eF5gH6"));

        Map<String, String> values = ScriptedHost.values(script);
        assertThat(values).containsEntry("NODE_ID", "node-1").containsEntry("CLUSTER", "edge")
                .containsEntry("REGION", "eu-west-1").containsEntry("AGENT_WAIT_SECONDS", "240")
                .containsEntry("ACTIVATION_ID", "3f1c2b4a-aaaa-bbbb-cccc-0123456789ab")
                .containsEntry("ECS_CONTAINER_INSTANCE_TAGS", "{\"ecsa:nodeId\":\"node-1\"}");
        // Compared as a JSON object: the input's attributes are a Map.of, whose order changes from JVM to JVM.
        assertThat(dev.ecsa.store.Json.mapper().readValue(values.get("ECS_INSTANCE_ATTRIBUTES"), Map.class))
                .isEqualTo(Map.of("ecsa.nodeId", "node-1", "rack", "r12"));
        assertThat(script).containsOnlyOnce("'Zq8rT3xY+vW2/aBcD4eF5gH6'");
        assertThat(bashSyntaxCheck(script)).isZero();
    }

    @Test
    void aValueThatCannotBeEmbeddedIsAnInternalErrorWithoutTheCode() {
        assertThatThrownBy(() -> scripts.render(input("bad'code")))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
                    assertThat(e.getMessage()).doesNotContain("bad'code");
                });
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource({
        "preflight, NO_SYSTEMD, '', PREFLIGHT_FAILED",
        "preflight, HIJACKING_CREDENTIALS, '', PREFLIGHT_FAILED",
        "preflight, NOT_ROOT, '', SUDO_DENIED",
        "verify, SIGNATURE_INVALID, '', INSTALL_SCRIPT_UNVERIFIED",
        "verify, CHECKSUM_MISMATCH, '', INSTALL_SCRIPT_UNVERIFIED",
        "verify, DOWNLOAD_FAILED, '', INSTALL_SCRIPT_UNVERIFIED",
        "install, INSTALL_FAILED, 'Registration failed: ActivationExpired: expired', ACTIVATION_INVALID",
        "install, INSTALL_FAILED, 'InvalidActivation: no such activation', ACTIVATION_INVALID",
        "install, INSTALL_FAILED, 'dnf: no match for docker', INSTALL_FAILED",
        "wait, AGENT_NOT_REGISTERED, '', AGENT_NOT_READY",
        "internal, INTERNAL_ERROR, '', INTERNAL",
    })
    void mapsTheScriptsFailureCodesToReasons(String step, String code, String tail, Reason expected) {
        String line = "ECSA_RESULT {\"ok\":false,\"step\":\"" + step + "\",\"reason\":\"" + code
                + "\",\"message\":\"m\",\"findings\":[{\"code\":\"" + code + "\",\"blocking\":true,\"message\":\"x\"}],"
                + "\"outputTail\":\"" + tail + "\"}";

        BootstrapReport report = scripts.parse(new ScriptResult(3, line, "", KEY));

        assertThat(report.ok()).isFalse();
        assertThat(report.reason()).isEqualTo(expected);
        assertThat(report.hostStep()).isEqualTo(step);
        assertThat(report.hostCode()).isEqualTo(code);
    }

    @Test
    void readsASuccessAndAnExistingRegistration() {
        BootstrapReport ok = scripts.parse(new ScriptResult(0, "motd\nECSA_RESULT {\"ok\":true,\"nodeId\":\"node-1\","
                + "\"managedInstanceId\":\"mi-0123456789abcdef0\",\"containerInstanceArn\":\"arn:aws:ecs:x\","
                + "\"cluster\":\"edge\",\"ecsAgentVersion\":\"1.90.0\",\"ssmAgentVersion\":\"3.3\",\"findings\":[]}",
                "", KEY));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.managedInstanceId()).isEqualTo("mi-0123456789abcdef0");
        assertThat(ok.agentVersions().ecsAgent()).isEqualTo("1.90.0");

        BootstrapReport existing = scripts.parse(new ScriptResult(3, "ECSA_RESULT {\"ok\":false,\"step\":\"preflight\","
                + "\"reason\":\"ALREADY_REGISTERED\",\"message\":\"m\",\"managedInstanceId\":\"mi-0123456789abcdef0\","
                + "\"containerInstanceArn\":\"\",\"findings\":[{\"code\":\"ALREADY_REGISTERED\",\"blocking\":true,"
                + "\"message\":\"x\"},{\"code\":\"NO_GPG\",\"blocking\":false,\"message\":\"y\"}]}", "", KEY));
        assertThat(existing.alreadyRegistered()).isTrue();
        assertThat(existing.containerInstanceArn()).isNull();
    }

    @Test
    void aSuccessWithoutIdsIsInvalidOutput() {
        assertThatThrownBy(() -> scripts.parse(new ScriptResult(0, "ECSA_RESULT {\"ok\":true}", "", KEY)))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SCRIPT_OUTPUT_INVALID));
    }

    @Test
    void noResultLineIsInvalidOutputOrARefusedSudo() {
        assertThatThrownBy(() -> scripts.parse(new ScriptResult(1, "", "sudo: a password is required\n", KEY)))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SUDO_DENIED));
        assertThatThrownBy(() -> scripts.parse(new ScriptResult(137, "half a line", "Killed", KEY)))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SCRIPT_OUTPUT_INVALID));
    }

    static int bashSyntaxCheck(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
