package dev.ecsa.functions.drain;

import dev.ecsa.core.register.Sleeper;
import dev.ecsa.core.deregister.UpgradeAgents;
import dev.ecsa.core.upgrade.UpgradeScript;
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
 * the settings. The cleanup script is the drain function's own ({@link HostScriptsCleanup}); the upgrade script
 * ({@link HostScriptsUpgrade}) carries where agent packages come from and the keys they are checked against.
 */
public record DrainPorts(NodeStore store, ContainerInstances containers, ManagedInstances managed, RemoteHost hosts,
                         SecretSource secrets, EventPublisher events, Clock clock, DrainSettings settings,
                         UpgradeScript upgrade, UpgradeAgents.UpgradeSettings upgrades) {

    public DrainPorts {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(containers, "containers");
        Objects.requireNonNull(managed, "managed");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(upgrade, "upgrade");
        Objects.requireNonNull(upgrades, "upgrades");
    }

    /** The drain settings of a stack: its poll interval and SSH key secret, and the project's SSH limits. */
    public static DrainSettings settings(FunctionsConfig config) {
        DrainSettings defaults = DrainSettings.defaults(config.sshKeySecret());
        return new DrainSettings(config.drainPoll(), config.sshKeySecret(), defaults.connectTimeout(),
                defaults.commandTimeout(), defaults.cleanupAttempts());
    }

    /** The use cases, built on these dependencies. */
    public DrainTasks tasks() {
        return new DrainTasks(store, containers, managed, hosts, secrets, events, new HostScriptsCleanup(), upgrade,
                Sleeper.threadSleep(), clock, settings, upgrades);
    }
}
