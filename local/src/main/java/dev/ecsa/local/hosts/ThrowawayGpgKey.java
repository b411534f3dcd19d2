package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A GPG signing key made at runtime ({@code gpg --batch --quick-gen-key}, no passphrase) in a private
 * GNUPGHOME, so tests can sign the stand-in install script and check a bootstrap's verification against a
 * pinned fingerprint. {@link #close()} stops the gpg-agent of that home and deletes it.
 */
public final class ThrowawayGpgKey implements AutoCloseable {

    private final Path home;
    private final String fingerprint;

    private ThrowawayGpgKey(Path home, String fingerprint) {
        this.home = home;
        this.fingerprint = fingerprint;
    }

    /** Creates a new ed25519 signing key with the given user id. */
    public static ThrowawayGpgKey create(String userId) {
        try {
            Path home = Files.createTempDirectory("ecsa-gpg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            ThrowawayGpgKey partial = new ThrowawayGpgKey(home, null);
            try {
                partial.gpg(null, "--quick-gen-key", userId, "ed25519", "sign", "1d");
                String colons = new String(partial.gpg(null, "--with-colons", "--list-secret-keys"), StandardCharsets.UTF_8);
                String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst()
                        .map(l -> l.split(":")[9]).orElseThrow(() -> new IllegalStateException("no key made"));
                return new ThrowawayGpgKey(home, fpr);
            } catch (RuntimeException e) {
                partial.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 40-hex-digit primary key fingerprint (upper case, no spaces). */
    public String fingerprint() {
        return fingerprint;
    }

    /** The ASCII-armored public key. */
    public String armoredPublicKey() {
        return new String(gpg(null, "--armor", "--export", fingerprint), StandardCharsets.UTF_8);
    }

    /** An ASCII-armored detached signature of {@code data}. */
    public byte[] detachSign(byte[] data) {
        return gpg(data, "--armor", "--local-user", fingerprint, "--detach-sign", "--output", "-");
    }

    private byte[] gpg(byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", home.toString(),
                "--pinentry-mode", "loopback", "--passphrase", ""));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("gpg " + args[0] + " failed");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException ignored) {
            // no agent to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Dirs.deleteRecursively(home);
    }
}
