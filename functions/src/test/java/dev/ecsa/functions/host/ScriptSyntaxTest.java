package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** bash -n and shellcheck over the templates and rendered scripts (both tools are build prerequisites). */
class ScriptSyntaxTest {

    static Stream<Arguments> renderedScripts() {
        return Stream.of(
                Arguments.of("bootstrap gpg", Fixtures.gpg().render()),
                Arguments.of("bootstrap sha256, http, odd url", Fixtures.sha256().render()),
                Arguments.of("bootstrap with spaces and metacharacters", withMetacharacters()),
                Arguments.of("cleanup", HostScripts.cleanup().render(Map.of())),
                Arguments.of("restart-agents", HostScripts.restartAgents().render(Map.of())),
                Arguments.of("upgrade-agents", new dev.ecsa.functions.drain.HostScriptsUpgrade(
                        dev.ecsa.functions.drain.HostScriptsUpgrade.Settings.of("eu-west-1", "", "", "",
                                java.time.Duration.ofSeconds(60))).text(new dev.ecsa.core.upgrade.UpgradeScript.Input(
                        new dev.ecsa.core.model.TargetVersions("1.90.0", "3.3.1957.0"), "mi-0123456789abcdef0",
                        "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/0123456789abcdef0123456789abcdef"))));
    }

    private static String withMetacharacters() {
        Map<String, ScriptValue> values = new java.util.HashMap<>(Fixtures.sha256().toScriptValues());
        values.put("NODE_ID", ScriptValue.plain("a b; $(touch /tmp/pwned) `x` \"q\" \\ ${HOME} !x *"));
        values.put("ECS_CONTAINER_INSTANCE_TAGS", ScriptValue.plain("{\"k\":\"v w\",\"e\":\"a=b\"}"));
        return HostScripts.bootstrap().render(values);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderedScripts")
    void renderedScriptPassesBashSyntaxCheck(String label, String script) {
        Shell.Run run = Shell.run(List.of("bash", "-n"), script);
        assertThat(run.stderr()).as(label).isEmpty();
        assertThat(run.exitCode()).as(label).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderedScripts")
    void renderedScriptHasNoShellcheckFindings(String label, String script) {
        Shell.Run run = Shell.run(List.of("shellcheck", "-s", "bash", "-"), script);
        assertThat(run.stdout() + run.stderr()).as(label).isEmpty();
        assertThat(run.exitCode()).as(label).isZero();
    }

    @Test
    void templatesAndLibraryHaveNoShellcheckFindings(@TempDir Path dir) {
        for (String name : List.of(HostScripts.BOOTSTRAP, HostScripts.CLEANUP, HostScripts.RESTART_AGENTS,
                HostScripts.UPGRADE_AGENTS, HostScripts.LIBRARY)) {
            Shell.write(dir, name, Shell.resource(name));
        }
        Shell.Run run = Shell.run(List.of("shellcheck", "-s", "bash", "-x", "-P", "SCRIPTDIR",
                dir.resolve(HostScripts.BOOTSTRAP).toString(), dir.resolve(HostScripts.CLEANUP).toString(),
                dir.resolve(HostScripts.RESTART_AGENTS).toString(), dir.resolve(HostScripts.UPGRADE_AGENTS).toString(),
                dir.resolve(HostScripts.LIBRARY).toString()), "");
        assertThat(run.stdout() + run.stderr()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void shellcheckWouldReportAnUnquotedExpansion() {
        // Guards the two tests above against a shellcheck that silently checks nothing.
        Shell.Run run = Shell.run(List.of("shellcheck", "-s", "bash", "-"), "#!/bin/bash\nrm $1\n");
        assertThat(run.stdout()).contains("SC2086");
        assertThat(run.exitCode()).isNotZero();
    }
}
