package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the rendered scripts end to end as an unprivileged user, the one outcome that is the same on every
 * machine and changes nothing on it: the pre-flight must refuse with NOT_ROOT before touching the host.
 * (Runs on a real host are the integrator's bench tests.)
 */
class ScriptRunTest {

    private static List<String> unprivilegedBash() {
        List<String> command = new ArrayList<>();
        if (Shell.run(List.of("id", "-u"), "").stdout().trim().equals("0")) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of("bash", "-s"));
        return command;
    }

    @Test
    void bootstrapAsNonRootReportsNotRootAsTheOnlyStdoutLine() {
        Map<String, ScriptValue> values = new java.util.HashMap<>(Fixtures.sha256().toScriptValues());
        values.put("AGENT_METADATA_URL", ScriptValue.plain("http://127.0.0.1:9/v1/metadata"));
        Shell.Run run = Shell.run(unprivilegedBash(), HostScripts.bootstrap().render(values), Map.of("HOME", "/tmp"));

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(3);
        assertThat(run.stdout().lines()).hasSize(1).allMatch(l -> l.startsWith("ECSA_RESULT {"));
        ResultLine result = ResultLine.parse(run.stdout());
        assertThat(result.ok()).isFalse();
        assertThat(result.step()).isEqualTo("preflight");
        assertThat(result.reason()).isEqualTo("NOT_ROOT");
        assertThat(result.nodeId()).isEqualTo("bench.host-02");
        assertThat(result.findings()).extracting(ResultLine.Finding::code).contains("NOT_ROOT");
        assertThat(run.stderr()).contains("finding NOT_ROOT");
        assertThat(run.stdout() + run.stderr()).doesNotContain("A1b2C3d4E5f6G7h8I9j0");
    }

    @Test
    void cleanupAsNonRootRefusesAndReportsIt() {
        Shell.Run run = Shell.run(unprivilegedBash(), HostScripts.cleanup().render(Map.of()), Map.of("HOME", "/tmp"));
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(3);
        ResultLine result = ResultLine.parse(run.stdout());
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("CLEANUP_INCOMPLETE");
        assertThat(result.failed()).singleElement().asString().startsWith("NOT_ROOT");
        assertThat(result.removed()).isEmpty();
    }
}
