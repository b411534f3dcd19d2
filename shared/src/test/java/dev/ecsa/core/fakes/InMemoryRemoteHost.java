package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * SSH hosts in memory. Each host has a host key fingerprint, one authorised user and key, and a behaviour that turns a
 * script run into a reply (a test can make it register with {@link InMemoryHybridActivations}, fail, or throw
 * TIMED_OUT). The fake enforces what the SSH adapter enforces: unknown or unreachable host → HOST_UNREACHABLE
 * (retryable), a key other than the expected one → HOST_KEY_CHANGED, wrong user or key → SSH_AUTH_FAILED; the
 * script only runs once all three pass.
 */
public final class InMemoryRemoteHost implements RemoteHost {

    /** What a script run printed and returned. */
    public record Reply(int exitCode, String stdout, String stderr) {
    }

    /** One simulated host. */
    public static final class Host {
        private String fingerprint;
        private final String user;
        private final String authorizedKeyText;
        private final Function<ScriptRun, Reply> behaviour;
        private boolean reachable = true;

        private Host(String fingerprint, String user, String authorizedKeyText, Function<ScriptRun, Reply> behaviour) {
            this.fingerprint = fingerprint;
            this.user = user;
            this.authorizedKeyText = authorizedKeyText;
            this.behaviour = behaviour;
        }
    }

    private final Map<String, Host> hosts = new HashMap<>();
    private final List<ScriptRun> runs = new ArrayList<>();

    /** Adds a reachable host at {@code address:port}. */
    public synchronized void addHost(String address, int port, String hostKeyFingerprint, String user,
                                     String authorizedKeyText, Function<ScriptRun, Reply> behaviour) {
        hosts.put(address + ":" + port, new Host(hostKeyFingerprint, user, authorizedKeyText, behaviour));
    }

    /** Makes a host stop (or resume) answering. */
    public synchronized void setReachable(String address, int port, boolean reachable) {
        host(address, port).reachable = reachable;
    }

    /** Gives a host a new key, as a reinstall (or an impostor) would. */
    public synchronized void changeHostKey(String address, int port, String newFingerprint) {
        host(address, port).fingerprint = newFingerprint;
    }

    @Override
    public ScriptResult run(ScriptRun run) {
        Host h;
        synchronized (this) {
            h = hosts.get(run.target().address() + ":" + run.target().port());
            if (h == null || !h.reachable) {
                throw new RetryableException(Reason.HOST_UNREACHABLE, "no SSH server answers at " + run.target());
            }
            if (run.hostKeyPolicy() instanceof HostKeyPolicy.Expect expect && !expect.fingerprint().equals(h.fingerprint)) {
                throw new PermanentException(Reason.HOST_KEY_CHANGED, run.target() + " presented "
                        + h.fingerprint + ", expected " + expect.fingerprint());
            }
            if (!h.user.equals(run.target().user()) || !h.authorizedKeyText.equals(run.key().keyText())) {
                throw new PermanentException(Reason.SSH_AUTH_FAILED, "authentication refused at " + run.target());
            }
            runs.add(run);
        }
        // Outside the lock: a behaviour may call other fakes.
        Reply reply = h.behaviour.apply(run);
        return new ScriptResult(reply.exitCode(), reply.stdout(), reply.stderr(), h.fingerprint);
    }

    /** Every run that got past connection, host key and authentication, in order. */
    public synchronized List<ScriptRun> runs() {
        return List.copyOf(runs);
    }

    private Host host(String address, int port) {
        Host h = hosts.get(address + ":" + port);
        if (h == null) {
            throw new IllegalArgumentException("no host " + address + ":" + port);
        }
        return h;
    }
}
