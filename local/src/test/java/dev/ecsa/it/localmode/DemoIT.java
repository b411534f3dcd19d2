package dev.ecsa.it.localmode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.mode.Demo;
import dev.ecsa.local.mode.LocalMode;
import dev.ecsa.local.mode.LocalModeSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's flow on a fresh local mode, as {@code ./ecsa local demo} runs it, with its outcomes asserted. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void registersDrainsOneAwayAndRevertsTheOneAStandaloneTaskPins() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo.Result result;
        java.util.List<dev.ecsa.local.iam.BenchAuthorizer.Decision> decisions;
        try (LocalMode mode = LocalMode.start(LocalModeSettings.defaults(DynaliteServer.locateRepoRoot())
                .withStateFile(dir.resolve("demo.json")))) {
            result = new Demo(mode, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
            decisions = mode.stack().iam().authorizer().decisions();
            System.out.print("IAM coverage of the demo:\n" + mode.stack().iam().coverage());
        }
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(result.passed()).as(output).isTrue();
        assertThat(result.checks()).extracting(Demo.Check::what, Demo.Check::actual).contains(
                org.assertj.core.groups.Tuple.tuple("register node-1", "REGISTERED"),
                org.assertj.core.groups.Tuple.tuple("register node-3", "REGISTERED"),
                org.assertj.core.groups.Tuple.tuple("deregister node-1", "DEREGISTERED"),
                org.assertj.core.groups.Tuple.tuple("node-1 in SSM", "deregistered"),
                org.assertj.core.groups.Tuple.tuple("deregister node-2", "DRAIN_TIMED_OUT"),
                org.assertj.core.groups.Tuple.tuple("node-2 container instance", "ACTIVE"),
                org.assertj.core.groups.Tuple.tuple("reconcile findings", "0"));
        assertThat(output).containsPattern("node-1\\s+DEREGISTERED\\s+INACTIVE\\s+DEREGISTERED")
                .containsPattern("node-2\\s+REGISTERED\\s+ACTIVE\\s+DRAIN_TIMED_OUT")
                .containsPattern("node-3\\s+REGISTERED\\s+ACTIVE\\s+REGISTERED")
                .contains("PASSED");
        // The tour ran on the zip with IAM enforced: every role called, none was denied anything.
        assertThat(decisions).extracting(dev.ecsa.local.iam.BenchAuthorizer.Decision::role)
                .anyMatch(r -> r.startsWith("NodeRequest")).anyMatch(r -> r.startsWith("DrainStep"))
                .anyMatch(r -> r.startsWith("Reconcile"));
        assertThat(decisions).filteredOn(d -> !d.allowed()).isEmpty();
    }
}
