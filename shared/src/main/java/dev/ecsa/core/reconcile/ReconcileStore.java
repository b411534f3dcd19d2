package dev.ecsa.core.reconcile;

import dev.ecsa.core.port.NodeStore;
import java.util.Optional;

/**
 * The inventory as the reconciler uses it: the node store, plus the records of its own runs (an item type apart from
 * nodes and requests). The reconcile package owns this port so that the node store's port needs nothing from it.
 */
public interface ReconcileStore extends NodeStore {

    /**
     * Stores the record of one reconcile run. Idempotent: writing the same run (same id and start time) again
     * replaces it. One write.
     */
    void putReconcileRun(ReconcileRun run);

    /**
     * The most recent reconcile run (by start time), if any: what the operator CLI shows as "the last reconcile", and
     * what the next run compares with (new and resolved findings, since when, what was already fixed). One read.
     */
    Optional<ReconcileRun> lastReconcileRun();

    /** The stack-wide repair pause, if set. One strongly consistent read. */
    Optional<RepairPause> repairPause();

    /** Sets the repair pause (replacing one that is set). One write. */
    void pauseRepair(RepairPause pause);

    /** Clears the repair pause; clearing when none is set changes nothing. One write. */
    void resumeRepair();
}
