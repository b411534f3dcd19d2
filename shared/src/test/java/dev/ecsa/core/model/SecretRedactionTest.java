package dev.ecsa.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    private static final String CODE = "Zk3bQ9sEcReTaCtIvAtIoNcOdE";
    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END";

    @Test
    void anActivationNeverPrintsItsCode() {
        Activation a = new Activation("3f2c4a2e-1b7d-4c55-9a0e-2f1b2c3d4e5f", CODE, Instant.EPOCH);
        assertThat(a.toString()).doesNotContain(CODE).contains("3f2c4a2e-1b7d-4c55-9a0e-2f1b2c3d4e5f")
                .contains("<redacted>");
        assertThat(a.code()).isEqualTo(CODE);
    }

    @Test
    void aPrivateKeyNeverPrintsItself() {
        SshPrivateKey k = new SshPrivateKey("ecsa/ssh-key", KEY);
        assertThat(k.toString()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAA").doesNotContain("BEGIN")
                .contains("ecsa/ssh-key");
    }

    @Test
    void aScriptRunPrintsNeitherScriptNorKey() {
        String script = "set -eu\nACTIVATION_CODE='" + CODE + "'\n";
        ScriptRun run = new ScriptRun(new SshTarget("2001:db8::5", 22, "ecsa"), new HostKeyPolicy.PinOnFirstUse(),
                new SshPrivateKey("ecsa/ssh-key", KEY), ScriptRun.DEFAULT_COMMAND, script, Duration.ofSeconds(10),
                Duration.ofMinutes(10));
        assertThat(run.toString()).doesNotContain(CODE).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAA")
                .contains("ecsa@[2001:db8::5]:22").contains(script.length() + " chars, redacted");
    }
}
