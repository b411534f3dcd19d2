package dev.ecsa.core.deregister;

import dev.ecsa.core.register.Sleeper;
import dev.ecsa.core.upgrade.UpgradeScript;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import java.time.Clock;

/**
 * The drain workflow's Tasks, one use case each, built once from the ports. The drain function dispatches
 * {@link DrainStep}s here; the loop, the waits and the retries belong to the state machine.
 */
public final class DrainTasks {

    private final StartDrain startDrain;
    private final CheckDrain checkDrain;
    private final ApplyTimeoutPolicy applyTimeoutPolicy;
    private final Deregister deregister;
    private final CleanHost cleanHost;
    private final RecordFailure recordFailure;
    private final UpgradeAgents upgradeAgents;

    /** The drain workflow's Tasks with the upgrade's (its script, a sleeper between checks and its settings). */
    public DrainTasks(NodeStore store, ContainerInstances containers, ManagedInstances managed, RemoteHost hosts,
                      SecretSource secrets, EventPublisher events, CleanupScript cleanup, UpgradeScript upgrade,
                      Sleeper sleeper, Clock clock, DrainSettings settings, UpgradeAgents.UpgradeSettings upgrades) {
        this.startDrain = new StartDrain(store, containers, events, clock, settings);
        this.checkDrain = new CheckDrain(store, containers, clock);
        this.applyTimeoutPolicy = new ApplyTimeoutPolicy(store, containers, events, clock);
        this.deregister = new Deregister(store, containers, managed, clock);
        this.cleanHost = new CleanHost(store, hosts, secrets, cleanup, events, clock, settings);
        this.recordFailure = new RecordFailure(store, events, clock);
        this.upgradeAgents = new UpgradeAgents(store, containers, managed, hosts, secrets, upgrade, events, clock,
                sleeper, settings, upgrades);
    }

    /** StartDrain, from the execution input. */
    public DrainState startDrain(DrainStart start) {
        return startDrain.handle(start);
    }

    /** CheckDrain. */
    public DrainState checkDrain(DrainState state) {
        return checkDrain.handle(state);
    }

    /** ApplyTimeoutPolicy. */
    public DrainState applyTimeoutPolicy(DrainState state) {
        return applyTimeoutPolicy.handle(state);
    }

    /** Deregister. */
    public DrainState deregister(DrainState state) {
        return deregister.handle(state);
    }

    /** CleanHost. */
    public DrainState cleanHost(DrainState state) {
        return cleanHost.handle(state);
    }

    /** UpgradeAgents. */
    public DrainState upgradeAgents(DrainState state) {
        return upgradeAgents.handle(state);
    }

    /** RecordFailure, with the error the Catch caught. */
    public DrainState recordFailure(DrainState state, CaughtError error) {
        return recordFailure.handle(state, error);
    }
}
