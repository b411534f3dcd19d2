package dev.ecsa.it.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every private key form an operator is likely to store, as {@code ssh-keygen} and {@code openssl} write them,
 * authenticates through {@link SshjRemoteHost} on the JDK's cryptography alone (the functions carry no
 * BouncyCastle): OpenSSH ed25519, ECDSA and RSA; PEM RSA and EC; PKCS#8 RSA and EC.
 */
class SshKeyFormatsIT {

    /** Name, then the command that writes the key to the path given last. */
    private static final Map<String, List<String>> FORMATS = new LinkedHashMap<>();

    static {
        FORMATS.put("openssh-ed25519", List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f"));
        FORMATS.put("openssh-ecdsa", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f"));
        FORMATS.put("openssh-ecdsa-384", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-b", "384", "-N", "", "-f"));
        FORMATS.put("openssh-rsa", List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-f"));
        FORMATS.put("pem-rsa", List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-m", "PEM", "-N", "", "-f"));
        FORMATS.put("pem-ecdsa", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f"));
        FORMATS.put("pkcs8-rsa", List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-m", "PKCS8", "-N", "", "-f"));
        FORMATS.put("pkcs8-ecdsa", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-m", "PKCS8", "-N", "", "-f"));
    }

    @TempDir
    static Path dir;

    private static SimulatedHost host;
    private final SshjRemoteHost remote = new SshjRemoteHost();

    @BeforeAll
    static void generateKeysAndStartAHostThatAcceptsThemAll() throws Exception {
        List<PublicKey> keys = new ArrayList<>();
        for (Map.Entry<String, List<String>> format : FORMATS.entrySet()) {
            Path key = dir.resolve(format.getKey());
            List<String> command = new ArrayList<>(format.getValue());
            command.add(key.toString());
            run(command);
            String line = Files.readString(dir.resolve(format.getKey() + ".pub")).trim();
            keys.add(AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
        }
        run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "secret-passphrase", "-m", "PEM", "-f",
                dir.resolve("encrypted-pem").toString()));
        host = SimulatedHost.start(dir.resolve("host"), HostConfig.builder("key-formats").build(), keys);
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    }

    private ScriptRun runWith(String keyName) throws IOException {
        String keyText = Files.readString(dir.resolve(keyName));
        return new ScriptRun(new SshTarget(host.address(), host.port(), "ecsa"),
                new HostKeyPolicy.Expect(host.hostKeyFingerprint()), new SshPrivateKey("bench/" + keyName, keyText),
                ScriptRun.DEFAULT_COMMAND, "echo authenticated\n", Duration.ofSeconds(20), Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssh-ed25519", "openssh-ecdsa", "openssh-ecdsa-384", "openssh-rsa", "pem-rsa",
            "pem-ecdsa", "pkcs8-rsa", "pkcs8-ecdsa"})
    void theKeyAuthenticates(String format) throws IOException {
        ScriptResult result = remote.run(runWith(format));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutTail()).isEqualTo("authenticated\n");
    }

    @Test
    void theseRunWithoutBouncyCastleAsTheFunctionsDo() {
        // SSHJ registers BouncyCastle whenever it is on the classpath, which would hide the JDK-only path.
        assertThatThrownBy(() -> Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void anEncryptedKeyIsRefusedAsUnusableWithoutItsText() throws IOException {
        ScriptRun run = runWith("encrypted-pem");
        assertThatThrownBy(() -> remote.run(run))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SSH_AUTH_FAILED);
                    assertThat(e.getMessage()).contains("bench/encrypted-pem", "without passphrase")
                            .doesNotContain("PRIVATE KEY");
                });
    }
}
