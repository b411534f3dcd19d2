package dev.ecsa.core.reconcile;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The record of one reconcile run, stored in the inventory table (the operator CLI shows the last one).
 *
 * @param counts     findings per type, complete even when {@code findings} is truncated; {@link FindingType#OK} counts
 *                   the nodes with nothing to report
 * @param findings   the findings, at most {@link ReconcileSettings#maxStoredFindings()} (the item must stay far below
 *                   DynamoDB's 400 KB); fixed ones and new ones first
 * @param truncated  whether findings were left out
 * @param fixes      how many fixes this run applied
 * @param resolved   how many findings of the previous run are gone
 * @param nodes      node items read; {@code managedInstances}, {@code containerInstances}, {@code activations}: the
 *                   sizes of the three AWS views
 */
public record ReconcileRun(String runId, Instant startedAt, Instant finishedAt, Map<FindingType, Integer> counts,
                           List<Finding> findings, boolean truncated, int fixes, int resolved, int nodes,
                           int managedInstances, int containerInstances, int activations) {

    public ReconcileRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        EnumMap<FindingType, Integer> all = new EnumMap<>(FindingType.class);
        for (FindingType t : FindingType.values()) {
            all.put(t, counts == null ? 0 : counts.getOrDefault(t, 0));
        }
        counts = java.util.Collections.unmodifiableMap(all);
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    /** How many findings (all types but OK) the run made. */
    public int totalFindings() {
        return counts.entrySet().stream().filter(e -> e.getKey() != FindingType.OK)
                .mapToInt(Map.Entry::getValue).sum();
    }
}
