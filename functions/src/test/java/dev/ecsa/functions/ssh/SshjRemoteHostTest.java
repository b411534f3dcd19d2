package dev.ecsa.functions.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the adapter decides before any byte goes over the network; the SSH behaviour is covered by the ITs. */
class SshjRemoteHostTest {

    private static final String CANARY = "CANARYb64Zm9vYmFyYmF6cXV4";

    private final SshjRemoteHost host = new SshjRemoteHost();

    @Test
    void anUnparsableKeyIsAnAuthFailureThatNeverQuotesTheKey() throws Exception {
        String[] keys = {
                "-----BEGIN OPENSSH PRIVATE KEY-----\n" + CANARY + "\n-----END OPENSSH PRIVATE KEY-----\n",
                "-----BEGIN RSA PRIVATE KEY-----\n" + CANARY + "\n-----END RSA PRIVATE KEY-----\n",
                "-----BEGIN PRIVATE KEY-----\n" + CANARY + "\n-----END PRIVATE KEY-----\n",
                CANARY,
                ""};
        // A listener that counts connections proves the key is checked before connecting.
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        listener.accept().close();
                        accepted.incrementAndGet();
                    }
                } catch (Exception closed) {
                    // listener closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (String key : keys) {
                ScriptRun run = run(listener.getLocalPort(), new HostKeyPolicy.PinOnFirstUse(), key);
                assertThatThrownBy(() -> host.run(run))
                        .isInstanceOfSatisfying(PermanentException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.SSH_AUTH_FAILED);
                            assertThat(e.getMessage()).contains("secret ssh/key", "unusable");
                            assertThat(everything(e)).doesNotContain(CANARY);
                        });
            }
            assertThat(accepted.get()).isZero();
        }
    }

    @Test
    void anUnusableExpectedFingerprintIsAnInvalidRequest() {
        ScriptRun run = run(1, new HostKeyPolicy.Expect("MD5:7f:ee:c0:a0:92:85"), "not checked before the fingerprint");
        assertThatThrownBy(() -> host.run(run)).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
    }

    @Test
    void theDefaultConfigOffersPlainHostKeysOnly() {
        assertThat(SshjRemoteHost.keyAlgorithmNames(SshjRemoteHost.defaultConfig()))
                .contains("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512")
                .noneMatch(n -> n.contains("-cert-"))
                .doesNotContain("ssh-dss");
    }

    @Test
    void timeoutsBecomePositiveIntMillis() {
        assertThat(SshjRemoteHost.millis(Duration.ofSeconds(3))).isEqualTo(3000);
        assertThat(SshjRemoteHost.millis(Duration.ZERO)).isEqualTo(1);
        assertThat(SshjRemoteHost.millis(Duration.ofNanos(10))).isEqualTo(1);
        assertThat(SshjRemoteHost.millis(Duration.ofDays(365 * 100))).isEqualTo(Integer.MAX_VALUE);
    }

    private static ScriptRun run(int port, HostKeyPolicy policy, String keyText) {
        return new ScriptRun(new SshTarget("127.0.0.1", port, "root"), policy, new SshPrivateKey("ssh/key", keyText),
                ScriptRun.DEFAULT_COMMAND, "true\n", Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    static String everything(NodeOperationException e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w + e.toString();
    }
}
