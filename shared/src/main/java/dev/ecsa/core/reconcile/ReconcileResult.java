package dev.ecsa.core.reconcile;

import java.util.List;

/**
 * What a run produced: the stored record, the findings that are new since the previous run, the keys of the
 * previous run's findings that are gone, how many events could not be published (the run is stored first, so a
 * failed publication loses an event, never the record), and how many node items it rewrote with the software versions
 * SSM and ECS report ({@code inventoryUpdated}; {@code inventoryDeferred} more are left to the next runs by the write
 * budget), and how many node writes the repair made (health streaks, quarantines, releases: from the same budget,
 * first).
 */
public record ReconcileResult(ReconcileRun run, List<Finding> newFindings, List<Finding> resolved,
                              int eventFailures, int inventoryUpdated, int inventoryDeferred, int repairWrites) {

    public ReconcileResult {
        newFindings = List.copyOf(newFindings);
        resolved = List.copyOf(resolved);
    }
}
