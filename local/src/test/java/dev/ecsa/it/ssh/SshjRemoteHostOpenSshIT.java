package dev.ecsa.it.ssh;

import static dev.ecsa.it.ssh.ClientKeys.assertNoKeyMaterial;
import static dev.ecsa.it.ssh.ClientKeys.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.hosts.Distro;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.HostSandbox;
import dev.ecsa.local.hosts.OpenSshHost;
import dev.ecsa.local.hosts.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SshjRemoteHost} against Debian's OpenSSH sshd (fronting a bench sandbox), with client keys in every format
 * the service accepts, made by ssh-keygen as an operator would make them.
 */
class SshjRemoteHostOpenSshIT {

    private static Path dir;
    private static HostSandbox sandbox;
    private static OpenSshHost sshd;
    private static final List<ClientKeys.Generated> KEYS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ecsa-sshj-openssh-");
        Path keys = Files.createDirectories(dir.resolve("client-keys"));
        KEYS.add(ClientKeys.sshKeygen(keys, "ed25519-openssh", "ed25519", null));
        KEYS.add(ClientKeys.sshKeygen(keys, "ecdsa-openssh", "ecdsa", null));
        KEYS.add(ClientKeys.sshKeygen(keys, "rsa-openssh", "rsa", null));
        KEYS.add(ClientKeys.sshKeygen(keys, "rsa-pem", "rsa", "PEM"));
        KEYS.add(ClientKeys.sshKeygen(keys, "ecdsa-pem", "ecdsa", "PEM"));
        KEYS.add(ClientKeys.sshKeygen(keys, "rsa-pkcs8", "rsa", "PKCS8"));
        KEYS.add(ClientKeys.sshKeygen(keys, "ecdsa-pkcs8", "ecdsa", "PKCS8"));
        sandbox = HostSandbox.start(dir.resolve("host"), HostConfig.builder("sshj-openssh").distro(Distro.DEBIAN_12)
                .build());
        sshd = OpenSshHost.start(sandbox, dir.resolve("sshd"), List.of(SshKeys.generate().getPublic()));
        // OpenSshHost writes the keys it was given to authorized_keys; sshd reads that file at every login, so the
        // ssh-keygen keys (ed25519 has no java.security form the bench's helpers print) are appended to it.
        Files.writeString(dir.resolve("sshd").resolve("authorized_keys"),
                KEYS.stream().map(ClientKeys.Generated::publicKeyLine).collect(Collectors.joining("\n", "", "\n")),
                StandardOpenOption.APPEND);
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temp dir
        }
    }

    static List<ClientKeys.Generated> keys() {
        return KEYS;
    }

    private static ScriptRun run(ClientKeys.Generated key, HostKeyPolicy policy, String script, Duration command) {
        return new ScriptRun(new SshTarget("127.0.0.1", sshd.port(), "root"), policy,
                new SshPrivateKey("bench/" + key.name(), key.privateKeyText()), ScriptRun.DEFAULT_COMMAND, script,
                Duration.ofSeconds(20), command);
    }

    private final SshjRemoteHost remote = new SshjRemoteHost();

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void everyKeyFormatAuthenticatesAndTheScriptRunsUnderSudo(ClientKeys.Generated key) {
        ScriptResult r = remote.run(run(key, new HostKeyPolicy.Expect(sshd.hostKeyFingerprint()), String.join("\n",
                "mkdir -p /etc/ecs",
                "echo " + key.name() + " > /etc/ecs/probe",
                "echo \"uid=$(id -u) $(hostname)\"",
                "echo warn >&2",
                "exit 5", ""), Duration.ofSeconds(60)));
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.stdoutTail()).isEqualTo("uid=0 sshj-openssh\n");
        assertThat(r.stderrTail()).isEqualTo("warn\n");
        assertThat(r.observedHostKeyFingerprint()).isEqualTo(sshd.hostKeyFingerprint());
        assertThat(sandbox.readFile("/etc/ecs/probe")).isEqualTo(key.name() + "\n");
    }

    @Test
    void pinOnFirstUseReportsWhatSshKeygenPrintsForTheHostKey() {
        // OpenSshHost reads the fingerprint with `ssh-keygen -l` from the host key file: the operator's view.
        ScriptResult r = remote.run(run(KEYS.get(0), new HostKeyPolicy.PinOnFirstUse(), "true\n",
                Duration.ofSeconds(60)));
        assertThat(r.observedHostKeyFingerprint()).isEqualTo(sshd.hostKeyFingerprint());
    }

    @Test
    void anotherHostKeyIsRefusedBeforeAnythingRuns() {
        String other = SshKeys.fingerprint(SshKeys.generate().getPublic());
        ClientKeys.Generated key = KEYS.get(0);
        assertThatThrownBy(() -> remote.run(run(key, new HostKeyPolicy.Expect(other), "touch /root/refused\n",
                Duration.ofSeconds(60)))).isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
                    assertThat(e.getMessage()).contains(other, sshd.hostKeyFingerprint());
                    assertNoKeyMaterial(everything(e), key.privateKeyText());
                });
        assertThat(sandbox.readFile("/root/refused")).isNull();
    }

    @Test
    void anUnknownKeyIsAnAuthFailure() throws Exception {
        ClientKeys.Generated stranger = ClientKeys.sshKeygen(Files.createTempDirectory(dir, "stranger"), "stranger",
                "ed25519", null);
        assertThatThrownBy(() -> remote.run(run(stranger, new HostKeyPolicy.Expect(sshd.hostKeyFingerprint()),
                "true\n", Duration.ofSeconds(60)))).isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SSH_AUTH_FAILED);
                    assertNoKeyMaterial(everything(e), stranger.privateKeyText());
                });
    }

    @Test
    void aCommandPastItsTimeoutIsTimedOut() {
        ClientKeys.Generated key = KEYS.get(0);
        assertThatThrownBy(() -> remote.run(run(key, new HostKeyPolicy.Expect(sshd.hostKeyFingerprint()),
                "sleep 60\n", Duration.ofSeconds(2)))).isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e).isInstanceOf(RetryableException.class);
                    assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);
                });
    }

    @Test
    void megabytesOfOutputComeBackAsBoundedTails() {
        ScriptResult r = remote.run(run(KEYS.get(0), new HostKeyPolicy.Expect(sshd.hostKeyFingerprint()),
                "head -c 5000000 /dev/zero | tr '\\0' o\nhead -c 1000000 /dev/zero | tr '\\0' e >&2\n"
                        + "echo; echo 'ECSA_RESULT {\"ok\":true}'\n", Duration.ofSeconds(120)));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutTail()).hasSize(SshjRemoteHost.STDOUT_TAIL_BYTES).endsWith("o\nECSA_RESULT {\"ok\":true}\n");
        assertThat(r.stderrTail()).hasSize(SshjRemoteHost.STDERR_TAIL_BYTES);
    }
}
