package dev.ecsa.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway TLS identity for 127.0.0.1, made with the JDK's keytool: the bench serves the install script over
 * HTTPS with it (production's bootstrap allows HTTPS only), and the simulated hosts trust its certificate.
 *
 * @param context     the server side
 * @param certificate the certificate, PEM, for the hosts' CA bundle
 */
public record BenchTls(SSLContext context, String certificate) {

    private static final char[] PASSWORD = "bench-tls".toCharArray();

    /** A new key pair and self-signed certificate (EC P-256, valid two days, SAN ip:127.0.0.1 and localhost). */
    public static BenchTls create(Path dir) {
        try {
            Path store = dir.resolve("bench-tls.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                    "-keypass", new String(PASSWORD)));
            String pem = run(List.of(keytool, "-exportcert", "-rfc", "-alias", "bench", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new BenchTls(context, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the bench's TLS identity", e);
        }
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
