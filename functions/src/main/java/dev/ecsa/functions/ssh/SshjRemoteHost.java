package dev.ecsa.functions.ssh;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.FileKeyProvider;
import net.schmizz.sshj.userauth.keyprovider.KeyFormat;
import net.schmizz.sshj.userauth.keyprovider.KeyPairWrapper;
import net.schmizz.sshj.userauth.keyprovider.KeyProviderUtil;

/**
 * {@link RemoteHost} over SSH with SSHJ: one connection per call, always closed.
 *
 * <ul>
 *   <li>Host keys are verified against the policy during key exchange; a mismatch aborts the connection before
 *       authentication, so nothing runs (HOST_KEY_CHANGED, naming the expected and presented fingerprints).</li>
 *   <li>The private key is parsed from the secret's text in memory (OpenSSH or PEM: ed25519, ECDSA, RSA), never
 *       written to disk and never named in a message. Everything runs on the JDK's cryptography ({@link JdkKeys}):
 *       encrypted PEM keys and PuTTY keys, which would need BouncyCastle, are refused as unparsable.</li>
 *   <li>The script goes to the command's stdin, followed by EOF; stdout and stderr are drained concurrently so
 *       neither side blocks on a full window, and only bounded tails are kept.</li>
 *   <li>{@code connectTimeout} bounds TCP connect, key exchange and authentication together; {@code commandTimeout}
 *       bounds the command from session start to exit. On expiry the connection is closed, so the remote command
 *       loses its stdin and output (and is sent TERM where the server honours signal requests).</li>
 * </ul>
 *
 * <p>Failures map to {@link RetryableException} (HOST_UNREACHABLE, TIMED_OUT) or {@link PermanentException}
 * (HOST_KEY_CHANGED, SSH_AUTH_FAILED, INVALID_REQUEST for an unparsable expected fingerprint). A non-zero exit is a
 * result, not an exception. The adapter does not log.
 */
public final class SshjRemoteHost implements RemoteHost {

    /** Bytes of stdout kept: ample for the scripts' final {@code ECSA_RESULT} line and the lines before it. */
    public static final int STDOUT_TAIL_BYTES = 64 * 1024;
    /** Bytes of stderr kept, for diagnosis. */
    public static final int STDERR_TAIL_BYTES = 16 * 1024;

    /** Conventional Linux numbers, to report a death by signal as a shell would ({@code 128 + n}). */
    private static final Map<Signal, Integer> SIGNAL_NUMBERS = Map.ofEntries(
            Map.entry(Signal.HUP, 1), Map.entry(Signal.INT, 2), Map.entry(Signal.QUIT, 3), Map.entry(Signal.ILL, 4),
            Map.entry(Signal.ABRT, 6), Map.entry(Signal.FPE, 8), Map.entry(Signal.KILL, 9), Map.entry(Signal.USR1, 10),
            Map.entry(Signal.SEGV, 11), Map.entry(Signal.USR2, 12), Map.entry(Signal.PIPE, 13),
            Map.entry(Signal.ALRM, 14), Map.entry(Signal.TERM, 15));

    /** Exit code reported when the server sent neither an exit status nor an exit signal (as OpenSSH's client). */
    static final int NO_EXIT_STATUS = 255;

    private final Config config;

    /** An adapter with {@link #defaultConfig()}; build it once (at init) and share it. */
    public SshjRemoteHost() {
        this(defaultConfig());
    }

    /**
     * An adapter with the given SSHJ configuration, shared by every call. Building a {@link DefaultConfig} probes
     * the JCE for every cipher, so it is done once per adapter, not per connection.
     */
    public SshjRemoteHost(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        JdkKeys.install();
    }

    /**
     * SSHJ's defaults without host certificates and DSA. Without the certificate algorithms the host presents its
     * plain key, whose fingerprint is what {@code ssh-keygen -l} prints for the host's key file and what an operator
     * can compare; DSA is obsolete and disabled in current OpenSSH.
     */
    public static Config defaultConfig() {
        DefaultConfig c = new DefaultConfig();
        c.setKeyAlgorithms(c.getKeyAlgorithms().stream()
                .filter(f -> !f.getName().contains("-cert-") && !f.getName().equals("ssh-dss"))
                .toList());
        return c;
    }

    @Override
    public ScriptResult run(ScriptRun run) {
        Objects.requireNonNull(run, "run");
        PolicyHostKeyVerifier verifier = new PolicyHostKeyVerifier(checked(run.hostKeyPolicy()));
        KeyPair keyPair = loadKey(run.key());
        SSHClient client = new SSHClient(config);
        try {
            connectAndAuthenticate(client, verifier, keyPair, run);
            return execute(client, run, verifier.observed());
        } finally {
            closeQuietly(client);
        }
    }

    private static HostKeyPolicy checked(HostKeyPolicy policy) {
        if (policy instanceof HostKeyPolicy.Expect expect) {
            try {
                return new HostKeyPolicy.Expect(HostKeyFingerprint.normalize(expect.fingerprint()));
            } catch (IllegalArgumentException e) {
                throw new PermanentException(Reason.INVALID_REQUEST,
                        "expected host key fingerprint is not usable: " + e.getMessage());
            }
        }
        return policy;
    }

    /**
     * Parses the key text through SSHJ's key file readers, then keeps only the key pair: SSHJ's file key providers
     * hold the text and print it in their {@code toString}, so they must not outlive this method.
     */
    private KeyPair loadKey(SshPrivateKey key) {
        try {
            KeyFormat format = KeyProviderUtil.detectKeyFileFormat(key.keyText(), false);
            FileKeyProvider provider = Factory.Named.Util.create(config.getFileKeyProviderFactories(), format.toString());
            if (provider == null) {
                throw badKey(key, "unrecognised format (expected an OpenSSH or PEM private key)");
            }
            provider.init(key.keyText(), null, null);
            return new KeyPair(provider.getPublic(), provider.getPrivate());
        } catch (IOException | RuntimeException e) {
            if (e instanceof NodeOperationException n) {
                throw n;
            }
            // A PKCS#8 EC key without its public point (as the JDK writes them) defeats SSHJ's reader.
            Optional<KeyPair> jdk = JdkKeys.fromPkcs8(key.keyText());
            if (jdk.isPresent()) {
                return jdk.get();
            }
            // The cause is left out on purpose: parser messages are not guaranteed free of key material.
            throw badKey(key, "it could not be parsed (" + e.getClass().getSimpleName()
                    + "); an OpenSSH or PEM key without passphrase is expected");
        }
    }

    private static PermanentException badKey(SshPrivateKey key, String why) {
        return new PermanentException(Reason.SSH_AUTH_FAILED,
                "the SSH private key from secret " + key.secretId() + " is unusable: " + why);
    }

    private static void connectAndAuthenticate(SSHClient client, PolicyHostKeyVerifier verifier, KeyPair keyPair,
                                               ScriptRun run) {
        SshTarget target = run.target();
        int timeoutMs = millis(run.connectTimeout());
        client.setConnectTimeout(timeoutMs);
        client.getTransport().setTimeoutMs(timeoutMs);
        client.getConnection().setTimeoutMs(timeoutMs);
        client.addHostKeyVerifier(verifier);
        Watchdog deadline = Watchdog.start(run.connectTimeout(), () -> closeQuietly(client));
        try {
            client.connect(target.address(), target.port());
        } catch (IOException e) {
            deadline.disarm();
            if (verifier.rejected()) {
                throw hostKeyChanged(run, verifier.observed());
            }
            throw deadline.fired() ? handshakeTimedOut(run, e) : unreachable(target, e);
        }
        try {
            client.authPublickey(target.user(), new KeyPairWrapper(keyPair));
        } catch (UserAuthException e) {
            deadline.disarm();
            if (deadline.fired()) {
                throw handshakeTimedOut(run, e);
            }
            throw new PermanentException(Reason.SSH_AUTH_FAILED, target + " refused public-key authentication"
                    + " with the key from secret " + run.key().secretId() + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            deadline.disarm();
            throw deadline.fired() ? handshakeTimedOut(run, e) : unreachable(target, e);
        }
        if (!deadline.disarm()) {
            // Authenticated just as the deadline closed the connection: still a failed handshake.
            throw handshakeTimedOut(run, null);
        }
    }

    private ScriptResult execute(SSHClient client, ScriptRun run, String observedFingerprint) {
        SshTarget target = run.target();
        OutputTail stdout = new OutputTail(STDOUT_TAIL_BYTES);
        OutputTail stderr = new OutputTail(STDERR_TAIL_BYTES);
        AtomicReference<Session.Command> running = new AtomicReference<>();
        Watchdog deadline = Watchdog.start(run.commandTimeout(), () -> {
            Session.Command cmd = running.get();
            if (cmd != null) {
                try {
                    cmd.signal(Signal.TERM);
                } catch (IOException | RuntimeException ignored) {
                    // best effort: not every server honours signal requests; closing the connection follows
                }
            }
            closeQuietly(client);
        });
        Pump in = null;
        try {
            Session session = client.startSession();
            Session.Command cmd = session.exec(run.command());
            running.set(cmd);
            Pump out = Pump.start("ssh-stdout " + target, () -> stdout.drain(cmd.getInputStream()));
            Pump err = Pump.start("ssh-stderr " + target, () -> stderr.drain(cmd.getErrorStream()));
            // stdin has its own thread too, so the outcome does not depend on the write: a command may exit without
            // reading all of its input (sudo refusing, an early `exit`). Known SSHJ 0.40 limit: a write blocked on a
            // full remote window holds the stream's monitor, which SSHJ's reader needs to deliver the channel close,
            // so a command that stops reading a script larger than the server's window (~2 MiB on OpenSSH) is
            // reported only after the connection timeout (connectTimeout). The project's scripts are a few KiB.
            in = Pump.start("ssh-stdin " + target, () -> {
                try (OutputStream stdin = cmd.getOutputStream()) {
                    stdin.write(run.script().getBytes(StandardCharsets.UTF_8));
                    // flush() waits for window space; SSHJ 0.40's close() flushes without waiting and silently
                    // drops what is still buffered when the server's window is used up, then sends EOF: the host
                    // would run a script cut short.
                    stdin.flush();
                }
            });
            out.await();
            err.await();
            cmd.join();
            if (!deadline.disarm()) {
                throw timedOut(run);
            }
            Integer status = cmd.getExitStatus();
            Signal signal = cmd.getExitSignal();
            IOException lost = out.failure() != null ? out.failure() : err.failure();
            if (lost != null) {
                // Output cut off: even with an exit status the result line may be missing, and a truncated result
                // must not pass for the host's answer. Retrying is safe: the scripts check before they act.
                throw unreachable(target, lost);
            }
            // What counts is the exit status; a failed stdin write (the command stopped reading) is not reported.
            closeQuietly(session);
            return result(status, signal, stdout, stderr, observedFingerprint);
        } catch (IOException e) {
            throw deadline.fired() ? timedOut(run) : unreachable(target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(Reason.TIMED_OUT, "interrupted while running the command on " + target, e);
        } finally {
            deadline.disarm();
            if (in != null) {
                in.interrupt(); // a write still waiting for window space is of no use any more
            }
        }
    }

    private static ScriptResult result(Integer status, Signal signal, OutputTail stdout, OutputTail stderr,
                                       String observedFingerprint) {
        String err = stderr.text();
        int exitCode;
        if (status != null) {
            exitCode = status;
        } else if (signal != null) {
            exitCode = 128 + SIGNAL_NUMBERS.getOrDefault(signal, 0);
            err = appendLine(err, "[ssh] the command was killed by signal " + signal);
        } else {
            exitCode = NO_EXIT_STATUS;
            err = appendLine(err, "[ssh] the server reported no exit status");
        }
        return new ScriptResult(exitCode, stdout.text(), err, observedFingerprint);
    }

    private static String appendLine(String text, String line) {
        return text.isEmpty() || text.endsWith("\n") ? text + line + "\n" : text + "\n" + line + "\n";
    }

    private static PermanentException hostKeyChanged(ScriptRun run, String observed) {
        String expected = run.hostKeyPolicy() instanceof HostKeyPolicy.Expect e ? e.fingerprint() : "the first key seen";
        return new PermanentException(Reason.HOST_KEY_CHANGED, "host key of " + run.target() + " does not match:"
                + " expected " + expected + ", the host presented " + observed + "; nothing was run."
                + " If the host was reinstalled, confirm the new key out of band and give it as the expected"
                + " fingerprint");
    }

    private static RetryableException handshakeTimedOut(ScriptRun run, Exception cause) {
        return new RetryableException(Reason.HOST_UNREACHABLE, "no SSH session with " + run.target() + " within "
                + run.connectTimeout() + " (connect, key exchange and authentication)", cause);
    }

    private static RetryableException unreachable(SshTarget target, IOException e) {
        return new RetryableException(Reason.HOST_UNREACHABLE,
                "SSH to " + target + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static RetryableException timedOut(ScriptRun run) {
        return new RetryableException(Reason.TIMED_OUT, "the command on " + run.target() + " did not finish within "
                + run.commandTimeout() + "; the session was closed");
    }

    /** A duration as SSHJ's int milliseconds: at least 1 (0 would mean "no timeout"), saturating. */
    static int millis(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return 1;
        }
        return d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE : (int) Math.max(1, d.toMillis());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after the outcome is known; nothing more to report
        }
    }

    @Override
    public String toString() {
        return "SshjRemoteHost[stdoutTail=" + STDOUT_TAIL_BYTES + ", stderrTail=" + STDERR_TAIL_BYTES + "]";
    }

    /** Work that blocks on one of the command's streams, on its own daemon thread. */
    private static final class Pump implements Runnable {

        interface Work {
            void run() throws IOException;
        }

        private final Work work;
        private final Thread thread;
        private volatile IOException failure;

        private Pump(String name, Work work) {
            this.work = work;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        static Pump start(String name, Work work) {
            Pump p = new Pump(name, work);
            p.thread.start();
            return p;
        }

        @Override
        public void run() {
            try {
                work.run();
            } catch (IOException e) {
                failure = e;
            }
        }

        void await() throws InterruptedException {
            thread.join();
        }

        /** Gives up on the work (a stdin write nobody reads); closing the connection ends it for good. */
        void interrupt() {
            thread.interrupt();
        }

        IOException failure() {
            return failure;
        }
    }

    static List<String> keyAlgorithmNames(Config config) {
        return config.getKeyAlgorithms().stream().map(Factory.Named::getName).toList();
    }
}
