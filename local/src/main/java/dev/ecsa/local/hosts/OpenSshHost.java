package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's OpenSSH {@code sshd} on a loopback port in front of a {@link HostSandbox}: key-only login as
 * root, no PAM, and a ForceCommand that enters the same sandbox the MINA host uses, so both servers reach the
 * same simulated machine. Used by tests that want the real OpenSSH protocol behaviour.
 */
public final class OpenSshHost implements AutoCloseable {

    private final Process sshd;
    private final int port;
    private final String fingerprint;
    private final Path dir;

    private OpenSshHost(Process sshd, int port, String fingerprint, Path dir) {
        this.sshd = sshd;
        this.port = port;
        this.fingerprint = fingerprint;
        this.dir = dir;
    }

    /** Starts sshd for {@code sandbox}, with its files in {@code dir}, accepting {@code authorizedKeys}. */
    public static OpenSshHost start(HostSandbox sandbox, Path dir, Collection<PublicKey> authorizedKeys) {
        try {
            Files.createDirectories(dir);
            Files.createDirectories(Path.of("/run/sshd"));
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            if (!Files.exists(hostKey)) {
                run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ecsa-bench", "-f", hostKey.toString());
            }
            String fp = run("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub").split(" ")[1];
            Path authorized = dir.resolve("authorized_keys");
            Files.writeString(authorized, authorizedKeys.stream().map(SshKeys::openSshPublicKey)
                    .collect(Collectors.joining("\n", "", "\n")));
            Path wrapper = dir.resolve("enter-sandbox.sh");
            // sshd runs ForceCommand through the user's shell; the original command arrives in SSH_ORIGINAL_COMMAND.
            Files.writeString(wrapper, "#!/bin/bash\n"
                    + "if [ -n \"${SSH_ORIGINAL_COMMAND:-}\" ]; then\n"
                    + "  exec " + sandbox.enterPrefixForShell() + " \"$SSH_ORIGINAL_COMMAND\"\n"
                    + "fi\n"
                    + "exec " + sandbox.enterPrefixForShell() + "\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + hostKey,
                    "PidFile none",
                    "AuthorizedKeysFile " + authorized,
                    "StrictModes no",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "AllowUsers root",
                    "ForceCommand " + wrapper,
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    "LogLevel INFO",
                    ""));
            Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            OpenSshHost host = new OpenSshHost(p, port, fp, dir);
            host.awaitListening();
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd", e);
        }
    }

    private void awaitListening() throws IOException {
        for (int i = 0; i < 100; i++) {
            if (!sshd.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        close();
        throw new IllegalStateException("sshd did not listen on " + port);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return out;
    }

    /** The sshd port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** OpenSSH fingerprint of sshd's host key ({@code SHA256:…}). */
    public String hostKeyFingerprint() {
        return fingerprint;
    }

    /** Stops sshd (its session children end with their connections). */
    @Override
    public void close() {
        sshd.destroy();
        try {
            if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
                sshd.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
