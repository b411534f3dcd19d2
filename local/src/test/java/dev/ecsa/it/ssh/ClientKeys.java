package dev.ecsa.it.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.NodeOperationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Client keys as the service receives them (private key text) and checks that the text never leaks. */
final class ClientKeys {

    private ClientKeys() {
    }

    /** A Java key pair as OpenSSH private key text ({@code BEGIN OPENSSH PRIVATE KEY}), written in memory. */
    static String openSshPrivateKey(KeyPair pair) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "bench-client",
                    (OpenSSHKeyEncryptionContext) null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the bench key", e);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** A key made by ssh-keygen: its private key text and its {@code authorized_keys} line. */
    record Generated(String name, String privateKeyText, String publicKeyLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Runs {@code ssh-keygen -t type [-b bits] [-m format]} in {@code dir} and reads the result. */
    static Generated sshKeygen(Path dir, String name, String type, String format) throws IOException,
            InterruptedException {
        Path file = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name,
                "-f", file.toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "2048"));
        }
        if (format != null) {
            cmd.addAll(List.of("-m", format));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new Generated(name, Files.readString(file), Files.readString(file.resolveSibling(name + ".pub")).trim());
    }

    /** Asserts that no line of the key's body (nor the whole text) occurs in {@code text}. */
    static void assertNoKeyMaterial(String text, String keyText) {
        assertThat(text).doesNotContain(keyText.trim());
        keyText.lines().filter(l -> !l.startsWith("-----") && l.length() >= 16)
                .forEach(line -> assertThat(text).doesNotContain(line));
    }

    /** Message, toString, stack trace and causes of an exception: everything a log line could show. */
    static String everything(NodeOperationException e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return e + "\n" + w;
    }
}
