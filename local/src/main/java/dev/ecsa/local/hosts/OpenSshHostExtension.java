package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one simulated host reachable through Debian's OpenSSH sshd (see {@link OpenSshHost}),
 * its sandbox provisioned from a {@link HostConfig}. Stops sshd and the sandbox and deletes the files after
 * the test class.
 */
public final class OpenSshHostExtension implements BeforeAllCallback, AfterAllCallback {

    private final HostConfig config;
    private final KeyPair clientKey = SshKeys.generate();
    private Path baseDir;
    private HostSandbox sandbox;
    private OpenSshHost sshd;

    private OpenSshHostExtension(HostConfig config) {
        this.config = config;
    }

    /** A host with this configuration behind OpenSSH. */
    public static OpenSshHostExtension with(HostConfig config) {
        return new OpenSshHostExtension(config);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            baseDir = Files.createTempDirectory("ecsa-openssh-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            sandbox = HostSandbox.start(baseDir.resolve("host"), config);
            sshd = OpenSshHost.start(sandbox, baseDir.resolve("sshd"), List.of(clientKey.getPublic()));
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sshd != null) {
            sshd.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        Dirs.deleteRecursively(baseDir);
    }

    /** The sshd front (port, host key fingerprint). */
    public OpenSshHost sshd() {
        return sshd;
    }

    /** The host's sandbox, for set-up and assertions without SSH. */
    public HostSandbox sandbox() {
        return sandbox;
    }

    /** The key pair sshd accepts for root. */
    public KeyPair clientKeyPair() {
        return clientKey;
    }
}
