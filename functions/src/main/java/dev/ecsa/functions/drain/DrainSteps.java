package dev.ecsa.functions.drain;

import dev.ecsa.functions.Providers;
import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.deregister.DrainTasks;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.functions.FunctionsConfig;
import java.time.Clock;
import java.util.Objects;

/**
 * What the drain function needs, built once at init by the composition root: the adapters of six ports, the clock and
 * the settings. The cleanup script is the drain function's own ({@link HostScriptsCleanup}).
 */
public record DrainSteps(NodeStore store, ContainerInstances containers, ManagedInstances managed, RemoteHost hosts,
                         SecretSource secrets, EventPublisher events, Clock clock, DrainSettings settings) {

    public DrainSteps {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(containers, "containers");
        Objects.requireNonNull(managed, "managed");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * How the composition root hands the drain function its dependencies without this package depending on it:
     * the root implements this and lists the class in
     * {@code META-INF/services/dev.ecsa.functions.drain.DrainSteps$Provider}.
     */
    public interface Provider {
        /** The drain function's dependencies; called once per Lambda environment, at init. */
        DrainSteps drainSteps();
    }

    /** The drain settings of a stack: its poll interval and SSH key secret, and the project's SSH limits. */
    public static DrainSettings settings(FunctionsConfig config) {
        DrainSettings defaults = DrainSettings.defaults(config.sshKeySecret());
        return new DrainSettings(config.drainPoll(), config.sshKeySecret(), defaults.connectTimeout(),
                defaults.commandTimeout(), defaults.cleanupAttempts());
    }

    /** The use cases, built on these dependencies. */
    public DrainTasks tasks() {
        return new DrainTasks(store, containers, managed, hosts, secrets, events, new HostScriptsCleanup(), clock,
                settings);
    }

    /**
     * The dependencies from the one {@link Provider} on the class path.
     *
     * @throws IllegalStateException if there is none or more than one (a packaging error: fail the init loudly)
     */
    public static DrainSteps load() {
        return Providers.one(Provider.class).drainSteps();
    }
}
