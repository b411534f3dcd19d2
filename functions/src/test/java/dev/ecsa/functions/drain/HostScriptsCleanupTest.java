package dev.ecsa.functions.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.deregister.CleanupReport;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.functions.host.HostScripts;
import org.junit.jupiter.api.Test;

class HostScriptsCleanupTest {

    private final HostScriptsCleanup cleanup = new HostScriptsCleanup();

    @Test
    void theTextIsCleanupShWithItsLibraryInlined() {
        assertThat(cleanup.text()).startsWith("#!/usr/bin/env bash").contains("ecsa cleanup")
                .doesNotContain("source " + HostScripts.LIBRARY).doesNotContain("@@");
    }

    @Test
    void theResultLineBecomesTheReport() {
        CleanupReport report = cleanup.interpret(new ScriptResult(0, "noise\n" + DrainBench.CLEANUP_RESULT + "\n", "",
                DrainBench.HOST_KEY));

        assertThat(report.ok()).isTrue();
        assertThat(report.stopped()).containsExactly("ecs", "amazon-ssm-agent");
        assertThat(report.removed()).containsExactly("amazon-ecs-init", "/var/lib/ecs");
        assertThat(report.alreadyAbsent()).containsExactly("/var/log/ecs");
    }

    @Test
    void aPartialCleanupIsReportedNotThrown() {
        String line = "ECSA_RESULT {\"ok\":false,\"reason\":\"REMOVE_FAILED\",\"stopped\":[],\"notRunning\":[],"
                + "\"removed\":[],\"alreadyAbsent\":[],\"kept\":[\"/root/.aws/credentials\"],\"failed\":[\"/etc/ecs\"]}";

        CleanupReport report = cleanup.interpret(new ScriptResult(3, line, "", DrainBench.HOST_KEY));

        assertThat(report.ok()).isFalse();
        assertThat(report.reason()).isEqualTo("REMOVE_FAILED");
        assertThat(report.failed()).containsExactly("/etc/ecs");
        assertThat(report.summary()).contains("could not remove [/etc/ecs]", "kept [/root/.aws/credentials]");
    }

    @Test
    void outputWithoutAResultLineIsAPermanentErrorThatDoesNotQuoteTheHost() {
        ScriptResult sudoRefused = new ScriptResult(1, "", "sudo: a password is required", DrainBench.HOST_KEY);

        assertThatThrownBy(() -> cleanup.interpret(sudoRefused))
                .isInstanceOfSatisfying(PermanentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SCRIPT_OUTPUT_INVALID))
                .hasMessageContaining("status 1")
                .hasMessageNotContaining("password");
    }
}
