package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryRemoteHostTest {

    private static final String FP = "SHA256:" + "A".repeat(42) + "E";
    private static final String OTHER_FP = "SHA256:" + "B".repeat(42) + "E";
    private final InMemoryRemoteHost hosts = new InMemoryRemoteHost();
    private final SshPrivateKey key = new InMemorySecretSource().put("ssh-key", "KEY-TEXT").sshPrivateKey("ssh-key");

    InMemoryRemoteHostTest() {
        hosts.addHost("10.0.0.5", 22, FP, "ecsa", "KEY-TEXT",
                run -> new InMemoryRemoteHost.Reply(0, "{\"ok\":true," + run.script().length() + "}", ""));
    }

    private ScriptRun run(String address, String user, HostKeyPolicy policy, SshPrivateKey k) {
        return new ScriptRun(new SshTarget(address, 22, user), policy, k, ScriptRun.DEFAULT_COMMAND, "echo hi",
                Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    @Test
    void pinOnFirstUseRunsAndReportsTheObservedKey() {
        ScriptResult r = hosts.run(run("10.0.0.5", "ecsa", new HostKeyPolicy.PinOnFirstUse(), key));
        assertThat(r.succeeded()).isTrue();
        assertThat(r.observedHostKeyFingerprint()).isEqualTo(FP);
        assertThat(r.stdoutTail()).isEqualTo("{\"ok\":true,7}");
        assertThat(hosts.runs()).hasSize(1);
    }

    @Test
    void aChangedHostKeyIsRefusedBeforeTheScriptRuns() {
        hosts.changeHostKey("10.0.0.5", 22, OTHER_FP);
        assertThatThrownBy(() -> hosts.run(run("10.0.0.5", "ecsa", HostKeyPolicy.forFingerprint(FP), key)))
                .isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(((NodeOperationException) e).reason()).isEqualTo(Reason.HOST_KEY_CHANGED));
        assertThat(hosts.runs()).isEmpty();
        assertThat(hosts.run(run("10.0.0.5", "ecsa", HostKeyPolicy.forFingerprint(OTHER_FP), key)).succeeded())
                .isTrue();
    }

    @Test
    void wrongUserOrKeyIsAnAuthFailure() {
        SshPrivateKey wrong = new SshPrivateKey("other", "OTHER");
        for (ScriptRun r : new ScriptRun[] {run("10.0.0.5", "root", new HostKeyPolicy.PinOnFirstUse(), key),
                run("10.0.0.5", "ecsa", new HostKeyPolicy.PinOnFirstUse(), wrong)}) {
            assertThatThrownBy(() -> hosts.run(r)).isInstanceOf(PermanentException.class)
                    .satisfies(e -> assertThat(((NodeOperationException) e).reason())
                            .isEqualTo(Reason.SSH_AUTH_FAILED));
        }
        assertThat(hosts.runs()).isEmpty();
    }

    @Test
    void anUnknownOrDownHostIsRetryable() {
        assertThatThrownBy(() -> hosts.run(run("10.0.0.9", "ecsa", new HostKeyPolicy.PinOnFirstUse(), key)))
                .isInstanceOf(RetryableException.class).hasMessageContaining("HOST_UNREACHABLE");
        hosts.setReachable("10.0.0.5", 22, false);
        assertThatThrownBy(() -> hosts.run(run("10.0.0.5", "ecsa", new HostKeyPolicy.PinOnFirstUse(), key)))
                .isInstanceOf(RetryableException.class);
    }

    @Test
    void anUnknownSecretIsUnavailable() {
        assertThatThrownBy(() -> new InMemorySecretSource().sshPrivateKey("nope"))
                .isInstanceOf(RetryableException.class).hasMessageContaining("SECRET_UNAVAILABLE");
    }
}
