package dev.ecsa.functions.reconcile;

import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.reconcile.Reconcile;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.reconcile.RepairSettings;
import dev.ecsa.core.reconcile.RepairRequests;
import dev.ecsa.core.reconcile.ReconcileStore;
import dev.ecsa.functions.FunctionsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the reconcile function needs, built once at init by the composition root: six adapters, the clock, the
 * settings and the stack name (the metrics' Service dimension).
 */
public record ReconcileDeps(ReconcileStore store, HybridActivations activations, ManagedInstances managed,
                            ContainerInstances containers, DrainWorkflow drains, EventPublisher events, Clock clock,
                            ReconcileSettings settings, String serviceName, RepairRequests restarts) {

    /** A reconciler whose repair sends no restart requests. */
    public ReconcileDeps(ReconcileStore store, HybridActivations activations, ManagedInstances managed,
                         ContainerInstances containers, DrainWorkflow drains, EventPublisher events, Clock clock,
                         ReconcileSettings settings, String serviceName) {
        this(store, activations, managed, containers, drains, events, clock, settings, serviceName,
                RepairRequests.none());
    }

    public ReconcileDeps {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(managed, "managed");
        Objects.requireNonNull(containers, "containers");
        Objects.requireNonNull(drains, "drains");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(restarts, "restarts");
    }

    /** The use case on these dependencies. */
    public Reconcile reconcile() {
        return new Reconcile(store, activations, managed, containers, drains, events, clock, settings, restarts);
    }

    /**
     * The reconciler's settings from the environment, on top of the functions' configuration:
     * <ul>
     *   <li>{@code ECSA_RECONCILE_CLUSTERS}: comma-separated clusters to compare (default: every cluster the
     *       stack manages, {@code ECSA_CLUSTERS});</li>
     *   <li>{@code ECSA_RECONCILE_SAFE_FIXES}: {@code true} (default) or {@code false};</li>
     *   <li>{@code ECSA_RECONCILE_MEMBERSHIP_FIXES}: {@code false} (default) or {@code true};</li>
     *   <li>{@code ECSA_RECONCILE_FIX_BUDGET}: membership fixes per run (default 5);</li>
     *   <li>{@code ECSA_RECONCILE_STUCK_AFTER_SECONDS} (default 3600) and {@code ECSA_RECONCILE_GRACE_SECONDS}
     *       (default 300);</li>
     *   <li>{@code ECSA_TARGET_ECS_AGENT_VERSION}, {@code ECSA_TARGET_SSM_AGENT_VERSION}: the versions the fleet should
     *       run (unset: none); {@code ECSA_RECONCILE_INVENTORY_WRITES}: node items rewritten per run (default 1000).</li>
     *   <li>{@code ECSA_REPAIR_UNHEALTHY_AFTER_SECONDS} (default 900), {@code ECSA_REPAIR_QUARANTINE} ({@code false}
     *       by default), {@code ECSA_REPAIR_RESTART} ({@code false} by default), {@code ECSA_REPAIR_STEP_AFTER_SECONDS}
     *       (default 900), {@code ECSA_REPAIR_MAX_UNHEALTHY_PERCENT} (default 40): the health-gated repair.</li>
     * </ul>
     * A stuck drain whose policy cannot be read gets the stack's {@code ECSA_ON_DRAIN_TIMEOUT}.
     *
     * @throws IllegalArgumentException on a value that does not parse (fail the init loudly)
     */
    public static ReconcileSettings settings(Map<String, String> env, FunctionsConfig config) {
        ReconcileSettings d = ReconcileSettings.defaults(List.of(config.cluster()));
        Set<String> clusters = new LinkedHashSet<>();
        Arrays.stream(get(env, FunctionEnvironment.RECONCILE_CLUSTERS, String.join(",", config.clusters())).split(","))
                .map(String::trim).filter(c -> !c.isEmpty()).forEach(clusters::add);
        TimeoutPolicy policy = TimeoutPolicy.fromWireName(config.onDrainTimeout())
                .orElseThrow(() -> new IllegalArgumentException("unknown drain timeout policy: "
                        + config.onDrainTimeout()));
        return new ReconcileSettings(List.copyOf(clusters),
                bool(env, FunctionEnvironment.RECONCILE_SAFE_FIXES, true),
                bool(env, FunctionEnvironment.RECONCILE_MEMBERSHIP_FIXES, false),
                Integer.parseInt(get(env, FunctionEnvironment.RECONCILE_FIX_BUDGET, String.valueOf(d.fixBudget()))),
                Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.RECONCILE_STUCK_AFTER_SECONDS,
                        String.valueOf(d.stuckAfter().toSeconds())))),
                Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.RECONCILE_GRACE_SECONDS,
                        String.valueOf(d.grace().toSeconds())))),
                policy, d.maxStoredFindings(),
                new TargetVersions(env.get(FunctionEnvironment.TARGET_ECS_AGENT_VERSION),
                        env.get(FunctionEnvironment.TARGET_SSM_AGENT_VERSION)),
                Integer.parseInt(get(env, FunctionEnvironment.RECONCILE_INVENTORY_WRITES,
                        String.valueOf(ReconcileSettings.DEFAULT_INVENTORY_WRITES))),
                new RepairSettings(
                        Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.REPAIR_UNHEALTHY_AFTER_SECONDS,
                                String.valueOf(RepairSettings.DEFAULT_UNHEALTHY_AFTER.toSeconds())))),
                        bool(env, FunctionEnvironment.REPAIR_QUARANTINE, false),
                        bool(env, FunctionEnvironment.REPAIR_RESTART, false),
                        Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.REPAIR_STEP_AFTER_SECONDS,
                                String.valueOf(RepairSettings.DEFAULT_STEP_AFTER.toSeconds())))),
                        Integer.parseInt(get(env, FunctionEnvironment.REPAIR_MAX_UNHEALTHY_PERCENT,
                                String.valueOf(RepairSettings.DEFAULT_MAX_UNHEALTHY_PERCENT))),
                        bool(env, FunctionEnvironment.REPAIR_REREGISTER, false)));
    }

    private static String get(Map<String, String> env, String key, String dflt) {
        String v = env.get(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static boolean bool(Map<String, String> env, String key, boolean dflt) {
        String v = get(env, key, String.valueOf(dflt));
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false");
        }
        return Boolean.parseBoolean(v);
    }
}
