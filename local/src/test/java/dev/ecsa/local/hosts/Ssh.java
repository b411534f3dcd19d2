package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.userauth.keyprovider.KeyPairWrapper;

/**
 * Test SSH client: SSHJ with the host key pinned by fingerprint and public-key authentication, on the JDK's own
 * cryptography as the functions run it (the hosts' ECDSA host keys need the key-factory name the service's SSH adapter
 * registers; without it this class worked only after another test had built that adapter).
 */
final class Ssh {

    static {
        new dev.ecsa.functions.ssh.SshjRemoteHost();
    }

    private Ssh() {
    }

    static ExecResult run(int port, String fingerprint, KeyPair key, String command, String stdin) throws IOException {
        try (SSHClient client = new SSHClient()) {
            client.addHostKeyVerifier(fingerprint);
            client.connect("127.0.0.1", port);
            client.authPublickey("root", new KeyPairWrapper(key));
            try (Session session = client.startSession()) {
                Session.Command cmd = session.exec(command);
                try (OutputStream in = cmd.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(cmd.getInputStream()));
                String err = read(cmd.getErrorStream());
                cmd.join(120, TimeUnit.SECONDS);
                return new ExecResult(cmd.getExitStatus() == null ? -1 : cmd.getExitStatus(), out.join(), err);
            }
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
