package dev.ecsa.core.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a rollout goes. Every control has a default that is safe: one node at a time, a canary of one first, a minute's
 * soak between batches, halt at the first failure, one unavailable node per cluster, the capacity check on, no window
 * (always open), no calendar, no approval.
 *
 * @param batchSize       nodes per batch after the canary; the next batch starts when one has ended and soaked
 * @param maxConcurrency  nodes of the rollout in flight at once (within a batch)
 * @param soak            the wait after each batch (the canary's included) before the next starts
 * @param capacityCheck   whether a drain must leave room for the drained nodes' service tasks
 * @param windows         when work may start (any one open suffices); empty: always
 * @param changeCalendar  an SSM Change Calendar whose state must be OPEN for work to start, or {@code null}
 * @param canary          nodes in the first batch (0: no canary batch)
 * @param spreadBy        an ECS attribute whose values the order alternates between (one node per rack first), or
 *                        {@code null}: the targets' order
 * @param approval        whether the rollout waits for an approval before its first batch
 */
public record RolloutControls(int batchSize, int maxConcurrency, ErrorBudget errorBudget, Duration soak,
                              DisruptionBudget disruptionBudget, boolean capacityCheck,
                              List<MaintenanceWindow> windows, String changeCalendar, int canary, String spreadBy,
                              boolean approval) {

    /** Upper bounds, so a typo cannot ask for a million-node batch or a month's soak. */
    public static final int MAX_BATCH = 500;
    public static final Duration MAX_SOAK = Duration.ofHours(24);

    /** The safe defaults. */
    public static final RolloutControls DEFAULTS = new RolloutControls(1, 1, ErrorBudget.HALT_AT_FIRST_FAILURE,
            Duration.ofSeconds(60), DisruptionBudget.ONE_AT_A_TIME, true, List.of(), null, 1, null, false);

    public RolloutControls {
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("batchSize must be 1 to " + MAX_BATCH);
        }
        if (maxConcurrency < 1 || maxConcurrency > MAX_BATCH) {
            throw new IllegalArgumentException("maxConcurrency must be 1 to " + MAX_BATCH);
        }
        Objects.requireNonNull(errorBudget, "errorBudget");
        Objects.requireNonNull(soak, "soak");
        if (soak.isNegative() || soak.compareTo(MAX_SOAK) > 0) {
            throw new IllegalArgumentException("soak must be 0 to " + MAX_SOAK.toHours() + " hours");
        }
        Objects.requireNonNull(disruptionBudget, "disruptionBudget");
        windows = windows == null ? List.of() : List.copyOf(windows);
        if (canary < 0 || canary > MAX_BATCH) {
            throw new IllegalArgumentException("canary must be 0 to " + MAX_BATCH);
        }
    }
}
