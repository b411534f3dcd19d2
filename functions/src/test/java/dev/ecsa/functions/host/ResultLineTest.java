package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScriptResultTest {

    @Test
    void parsesASuccessAmidNoise() {
        String stdout = "Welcome to host-1\r\nLast login: yesterday\n"
                + "ECSA_RESULT {\"ok\":true,\"nodeId\":\"node-1\",\"managedInstanceId\":\"mi-0123456789abcdef0\","
                + "\"containerInstanceArn\":\"arn:aws:ecs:eu-west-1:1:container-instance/prod/abc\",\"cluster\":\"prod\","
                + "\"ecsAgentVersion\":\"Amazon ECS Agent - v1.82.0\",\"ssmAgentVersion\":null,"
                + "\"findings\":[{\"code\":\"STALE_SSM_CREDENTIALS\",\"blocking\":false,\"message\":\"m\"}]}\r\n"
                + "bye\n";
        ResultLine r = ResultLine.parse(stdout);
        assertThat(r.ok()).isTrue();
        assertThat(r.managedInstanceId()).isEqualTo("mi-0123456789abcdef0");
        assertThat(r.containerInstanceArn()).endsWith("/prod/abc");
        assertThat(r.cluster()).isEqualTo("prod");
        assertThat(r.ssmAgentVersion()).isNull();
        assertThat(r.reason()).isNull();
        assertThat(r.findings()).containsExactly(new ResultLine.Finding("STALE_SSM_CREDENTIALS", false, "m"));
        assertThat(r.removed()).isEmpty();
    }

    @Test
    void parsesAFailureAndKeepsTheTailOutOfToString() {
        String stdout = "ECSA_RESULT {\"ok\":false,\"step\":\"install\",\"reason\":\"INSTALL_FAILED\",\"message\":\"exit 1\","
                + "\"findings\":[],\"outputTail\":\"line1\\nregister -code [REDACTED]\"}\n";
        ResultLine r = ResultLine.parse(stdout);
        assertThat(r.ok()).isFalse();
        assertThat(r.step()).isEqualTo("install");
        assertThat(r.reason()).isEqualTo("INSTALL_FAILED");
        assertThat(r.outputTail()).isEqualTo("line1\nregister -code [REDACTED]");
        assertThat(r.toString()).contains("INSTALL_FAILED").doesNotContain("register -code").contains("outputTail=(");
    }

    @Test
    void parsesACleanupReport() {
        ResultLine r = ResultLine.parse("ECSA_RESULT {\"ok\":true,\"reason\":null,\"stopped\":[\"unit:ecs\"],"
                + "\"notRunning\":[],\"removed\":[\"path:/etc/ecs\"],\"alreadyAbsent\":[\"snap:amazon-ssm-agent\"],"
                + "\"kept\":[],\"failed\":[]}");
        assertThat(r.stopped()).containsExactly("unit:ecs");
        assertThat(r.removed()).containsExactly("path:/etc/ecs");
        assertThat(r.alreadyAbsent()).containsExactly("snap:amazon-ssm-agent");
        assertThat(r.failed()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "no marker at all\n",
        "ECSA_RESULT {\"ok\":true}\nECSA_RESULT {\"ok\":true}\n",
        "ECSA_RESULT {\"ok\":tru\n",
        "ECSA_RESULT [1,2]\n",
        "ECSA_RESULT {\"ok\":\"yes\"}\n",
        "ECSA_RESULTS {\"ok\":true}\n",
        "  ECSA_RESULT {\"ok\":true}\n"})
    void rejectsMalformedOutputWithoutQuotingIt(String stdout) {
        assertThatThrownBy(() -> ResultLine.parse(stdout))
                .isInstanceOf(ResultLine.MalformedScriptOutputException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("{\"ok\""));
    }
}
