package dev.ecsa.functions.ssh;

import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link RemoteHost} built at its first use: SSHJ's classes load and its configuration (which probes the JCE for
 * every cipher) is built when the first host is contacted, not in a function's init, most of whose invocations
 * contact none (a deregistration's intake, a drain check, the reconciler).
 */
public final class LazyRemoteHost implements RemoteHost {

    private final Supplier<RemoteHost> factory;
    private volatile RemoteHost built;

    public LazyRemoteHost(Supplier<RemoteHost> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public ScriptResult run(ScriptRun run) {
        RemoteHost host = built;
        if (host == null) {
            synchronized (this) {
                host = built;
                if (host == null) {
                    host = Objects.requireNonNull(factory.get(), "factory returned no host");
                    built = host;
                }
            }
        }
        return host.run(run);
    }
}
