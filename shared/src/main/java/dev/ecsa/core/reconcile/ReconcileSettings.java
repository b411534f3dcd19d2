package dev.ecsa.core.reconcile;

import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The reconciler's configuration, per stack.
 *
 * @param clusters          the ECS clusters to compare (the stack's default cluster and any other its requests use)
 * @param safeFixes         delete leftover activations and close stuck operations (default on)
 * @param membershipFixes   deregister orphans from ECS and SSM, and apply a stuck drain's {@code force} policy
 *                          (default off)
 * @param fixBudget         at most this many membership fixes per run (default 5)
 * @param stuckAfter        a registration or deregistration with no activity for this long has ended without
 *                          finishing (default 1 h: well above the longest a live registration goes without writing
 *                          its node, about one queue visibility timeout, the function's timeout plus a minute, from a
 *                          delivery that died to the redelivery's claim)
 * @param grace             how long something new is left alone: a node that became DRAINING or DEREGISTERING this
 *                          recently (by its stateChangedAt, not its last write) even
 *                          with no execution running (the intake moves the node a moment before it starts the
 *                          workflow), an activation this young whose registration the (eventually consistent) node
 *                          listing may not show yet; default 5 min
 * @param defaultPolicy     the timeout policy for a stuck drain whose execution input cannot be read
 * @param maxStoredFindings findings kept in the run record (default 200: the record is one DynamoDB item, at most 400 KB)
 * @param targets           the agent versions the fleet should run: a node behind one is an {@code AGENT_OUTDATED}
 *                          finding (default none)
 * @param inventoryWrites   at most this many node items a run rewrites with the software versions SSM and ECS report
 *                          (only where they changed; default 1000, so the first run over a large fleet spreads its
 *                          writes over a few runs; the repair's health writes come first and share it)
 * @param repair            health-gated repair: debounce, escalation steps, the outage limit (default: report only)
 */
public record ReconcileSettings(List<String> clusters, boolean safeFixes, boolean membershipFixes, int fixBudget,
                                Duration stuckAfter, Duration grace,
                                TimeoutPolicy defaultPolicy, int maxStoredFindings, TargetVersions targets,
                                int inventoryWrites, RepairSettings repair) {

    /** Settings without version targets, with the default inventory write budget. */
    public ReconcileSettings(List<String> clusters, boolean safeFixes, boolean membershipFixes, int fixBudget,
                             Duration stuckAfter, Duration grace, TimeoutPolicy defaultPolicy, int maxStoredFindings) {
        this(clusters, safeFixes, membershipFixes, fixBudget, stuckAfter, grace, defaultPolicy, maxStoredFindings,
                TargetVersions.none(), DEFAULT_INVENTORY_WRITES, RepairSettings.reportOnly());
    }

    public static final int DEFAULT_INVENTORY_WRITES = 1000;

    public ReconcileSettings {
        clusters = List.copyOf(Objects.requireNonNull(clusters, "clusters"));
        Objects.requireNonNull(stuckAfter, "stuckAfter");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        if (fixBudget < 0) {
            throw new IllegalArgumentException("fixBudget must not be negative");
        }
        if (maxStoredFindings < 1) {
            throw new IllegalArgumentException("maxStoredFindings must be positive");
        }
        Objects.requireNonNull(targets, "targets");
        if (inventoryWrites < 0) {
            throw new IllegalArgumentException("inventoryWrites must not be negative");
        }
        Objects.requireNonNull(repair, "repair");
    }

    /** The defaults for a stack reconciling {@code clusters}. */
    public static ReconcileSettings defaults(List<String> clusters) {
        return new ReconcileSettings(clusters, true, false, 5, Duration.ofHours(1), Duration.ofMinutes(5), TimeoutPolicy.defaultPolicy(), 200);
    }

    public ReconcileSettings withMembershipFixes(boolean on, int budget) {
        return new ReconcileSettings(clusters, safeFixes, on, budget, stuckAfter, grace, defaultPolicy,
                maxStoredFindings, targets, inventoryWrites, repair);
    }

    public ReconcileSettings withSafeFixes(boolean on) {
        return new ReconcileSettings(clusters, on, membershipFixes, fixBudget, stuckAfter, grace, defaultPolicy,
                maxStoredFindings, targets, inventoryWrites, repair);
    }

    public ReconcileSettings withTargets(TargetVersions v) {
        return new ReconcileSettings(clusters, safeFixes, membershipFixes, fixBudget, stuckAfter, grace, defaultPolicy,
                maxStoredFindings, v, inventoryWrites, repair);
    }

    public ReconcileSettings withInventoryWrites(int n) {
        return new ReconcileSettings(clusters, safeFixes, membershipFixes, fixBudget, stuckAfter, grace, defaultPolicy,
                maxStoredFindings, targets, n, repair);
    }

    public ReconcileSettings withRepair(RepairSettings r) {
        return new ReconcileSettings(clusters, safeFixes, membershipFixes, fixBudget, stuckAfter, grace, defaultPolicy,
                maxStoredFindings, targets, inventoryWrites, r);
    }
}
