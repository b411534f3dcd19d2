package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;

/**
 * A simulated on-prem host: an Apache MINA SSH server on 127.0.0.1 (public-key authentication only, any user
 * name) whose exec and shell requests run in the host's {@link HostSandbox}. The host key is stored in the
 * host directory, so a restart on the same directory presents the same key; {@link #replaceHostKey()}
 * simulates a re-installed machine.
 */
public final class SimulatedHost implements AutoCloseable {

    private static final long CUT_AFTER_MILLIS = 200;

    private final HostSandbox sandbox;
    private final SshServer server;
    private final Path hostKeyBase;
    private final Cuts cuts;
    private volatile KeyPair hostKey;

    private SimulatedHost(HostSandbox sandbox, SshServer server, Path hostKeyBase, KeyPair hostKey, Cuts cuts) {
        this.sandbox = sandbox;
        this.server = server;
        this.hostKeyBase = hostKeyBase;
        this.hostKey = hostKey;
        this.cuts = cuts;
    }

    /** Connection cuts: one armed for the next command, and how many were made. */
    private static final class Cuts {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger made = new AtomicInteger();
    }

    /** Starts the host whose state lives in {@code hostDir}, accepting the given client public keys. */
    public static SimulatedHost start(Path hostDir, HostConfig config, Collection<PublicKey> authorizedKeys) {
        List<PublicKey> keys = List.copyOf(authorizedKeys);
        HostSandbox sandbox = HostSandbox.start(hostDir, config);
        try {
            Path keyBase = hostDir.resolve("ssh_host_ecdsa_key");
            KeyPair hostKey = SshKeys.loadOrCreate(keyBase);
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setGSSAuthenticator(null);
            server.setPublickeyAuthenticator((user, key, session) ->
                    keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
            Cuts cuts = new Cuts();
            server.setCommandFactory((channel, command) -> {
                if (cuts.armed.compareAndSet(true, false)) {
                    var session = channel.getSession();
                    CompletableFuture.delayedExecutor(CUT_AFTER_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
                        session.close(true);
                        cuts.made.incrementAndGet();
                    });
                }
                return new SandboxCommand(sandbox, command);
            });
            server.setShellFactory(channel -> new SandboxCommand(sandbox, null));
            server.start();
            return new SimulatedHost(sandbox, server, keyBase, hostKey, cuts);
        } catch (IOException | RuntimeException e) {
            sandbox.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Always {@code 127.0.0.1}. */
    public String address() {
        return "127.0.0.1";
    }

    /** The SSH port on loopback. */
    public int port() {
        return server.getPort();
    }

    /** Host name and configuration. */
    public HostConfig config() {
        return sandbox.config();
    }

    /** The host's current public host key. */
    public PublicKey hostKey() {
        return hostKey.getPublic();
    }

    /** OpenSSH fingerprint of the current host key ({@code SHA256:…}). */
    public String hostKeyFingerprint() {
        return SshKeys.fingerprint(hostKey.getPublic());
    }

    /** Generates, stores and serves a new host key from the next connection on; returns its fingerprint. */
    public String replaceHostKey() {
        KeyPair fresh = SshKeys.store(hostKeyBase, SshKeys.generate());
        server.setKeyPairProvider(KeyPairProvider.wrap(fresh));
        hostKey = fresh;
        return hostKeyFingerprint();
    }

    /** The sandbox, for running commands or reading files without SSH (test set-up and assertions). */
    public HostSandbox sandbox() {
        return sandbox;
    }

    /**
     * Cuts every SSH connection open right now, as a network failure or a reboot mid-script would: the client sees
     * the connection end, the script's process on the host is not waited for.
     *
     * @return how many connections were cut
     */
    public int dropConnections() {
        var sessions = server.getActiveSessions();
        sessions.forEach(s -> s.close(true));
        cuts.made.addAndGet(sessions.size());
        return sessions.size();
    }

    /** How many SSH connections are open right now. */
    public int openConnections() {
        return server.getActiveSessions().size();
    }

    /**
     * Arms a cut for the next command anyone runs over SSH: its connection ends {@value #CUT_AFTER_MILLIS} ms after
     * the command starts, mid-script as a network failure would. One cut per arming.
     */
    public void cutNextConnection() {
        cuts.armed.set(true);
    }

    /** How many connections this host has cut so far, by {@link #dropConnections()} or an armed cut. */
    public int connectionsCut() {
        return cuts.made.get();
    }

    /**
     * A fault in the host's package manager: installing {@code version} (the package's full version, e.g.
     * {@code 1.90.0-1}) of {@code packageName} fails as a broken package's post-installation script would, and
     * changes nothing.
     */
    public void failPackageInstall(String packageName, String version) {
        addFault("install-fails " + packageName + " " + version);
    }

    /**
     * A fault in an agent: once {@code version} of {@code packageName} (amazon-ecs-init or amazon-ssm-agent) is
     * installed, its agent does not start on this host (the unit fails; it never reports connected). Removing the
     * package clears it (a broken installation, which a reinstall fixes).
     */
    public void breakAgentVersion(String packageName, String version) {
        addFault("broken " + packageName + " " + version);
    }

    /** Removes every fault set by {@link #failPackageInstall} and {@link #breakAgentVersion} (the operator's fix). */
    public void clearFaults() {
        ExecResult r = sandbox.exec(": > /run/ecsa-sim/faults");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("cannot clear the faults on " + config().name() + ": " + r.stderr());
        }
    }

    /** The installed version of a package as the host's package manager records it, or empty if not installed. */
    public java.util.Optional<String> installedVersion(String packageName) {
        ExecResult r = sandbox.exec("grep -qxF " + packageName + " /run/ecsa-sim/packages && "
                + "cat /run/ecsa-sim/package-versions/" + packageName);
        return r.exitCode() == 0 ? java.util.Optional.of(r.stdout().strip()) : java.util.Optional.empty();
    }

    private void addFault(String line) {
        if (!line.matches("[a-z-]+ [a-z0-9-]+ [0-9A-Za-z.+~-]+")) {
            throw new IllegalArgumentException("not a fault line: " + line);
        }
        ExecResult r = sandbox.exec("echo '" + line + "' >> /run/ecsa-sim/faults");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("cannot write the fault on " + config().name() + ": " + r.stderr());
        }
    }

    /** Runs {@code command} in the sandbox without SSH. */
    public ExecResult exec(String command) {
        return sandbox.exec(command);
    }

    /** Stops the SSH server and the sandbox; the host directory stays for a restart. */
    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException ignored) {
            // stopping anyway
        } finally {
            sandbox.close();
        }
    }

    @Override
    public String toString() {
        return "SimulatedHost[" + config().name() + " 127.0.0.1:" + port() + "]";
    }
}
