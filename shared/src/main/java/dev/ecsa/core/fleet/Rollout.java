package dev.ecsa.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A rollout's record: what was asked (the validated message, kept as sent, so the controls are read back by the same
 * validator), the plan it made (its targets in order with their batches, the nodes it excluded, the checks when
 * planned) and how far it is. One item in the inventory table, written with its version as the condition.
 *
 * @param spec          the rollout message as validated (JSON)
 * @param plannedDisruption what the plan predicted for each cluster the rollout drains in
 * @param batch         the batch running or soaking, from 1; 0 before the first
 * @param batchEndedAt  when the current batch's last node ended (its soak counts from there), or {@code null}
 * @param waits         what held nodes back at the last step
 * @param action        what it does to each node; {@code null} only for a REJECTED rollout whose action was unreadable
 * @param haltReason    why it halted (or is halting), or, for a REJECTED rollout, the rules the message broke
 * @param approvedBy    who approved it, or {@code null}
 */
public record Rollout(String id, long version, String spec, RolloutAction action, String requestedBy, String reason,
                      RolloutStatus status, List<TargetRun> targets, List<RolloutPlanner.Excluded> excluded,
                      List<RolloutPlanner.Check> plannedChecks, List<RolloutPlanner.Disruption> plannedDisruption,
                      int batch, Instant batchEndedAt,
                      List<Admission.Wait> waits, String haltReason, boolean pauseRequested, boolean cancelRequested,
                      String approvedBy, Instant createdAt, Instant updatedAt, Instant finishedAt) {

    public Rollout {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        if (action == null && status != RolloutStatus.REJECTED) {
            throw new NullPointerException("action");
        }
        targets = List.copyOf(targets);
        excluded = excluded == null ? List.of() : List.copyOf(excluded);
        plannedChecks = plannedChecks == null ? List.of() : List.copyOf(plannedChecks);
        plannedDisruption = plannedDisruption == null ? List.of() : List.copyOf(plannedDisruption);
        waits = waits == null ? List.of() : List.copyOf(waits);
        reason = reason == null ? "" : reason;
    }

    /** The new record of a planned rollout. */
    public static Rollout planned(RolloutRequest request, String spec, RolloutPlanner.Plan plan,
                                  List<RolloutTarget> ordered, Instant now) {
        List<TargetRun> runs = new java.util.ArrayList<>();
        java.util.Map<String, RolloutTarget> byNode = new java.util.HashMap<>();
        ordered.forEach(t -> byNode.put(t.nodeId(), t));
        int index = 0;
        for (RolloutPlanner.Batch b : plan.batches()) {
            for (String node : b.nodes()) {
                index++;
                RolloutTarget t = byNode.get(node);
                runs.add(new TargetRun(index, node, b.number(), t.cluster(), t.managedInstanceId(),
                        t.containerInstanceArn(), t.attributes(), TargetRun.State.WAITING, null, null, null, null,
                        null));
            }
        }
        RolloutStatus status = request.dryRun() ? RolloutStatus.PLANNED
                : request.controls().approval() ? RolloutStatus.AWAITING_APPROVAL : RolloutStatus.RUNNING;
        return new Rollout(request.rolloutId(), 1, spec, request.action(), request.requestedBy(), request.reason(),
                status, runs, plan.excluded(), plan.checks(), plan.disruption(), 0, null, List.of(), null, false,
                false, null, now, now, request.dryRun() ? now : null);
    }

    /** The record of a rollout message that broke the rules: nothing planned, the violations as its reason. */
    public static Rollout rejected(String id, String spec, RolloutAction action, String requestedBy, String why,
                                   Instant now) {
        return new Rollout(id, 1, spec, action, requestedBy == null ? "-" : requestedBy, "", RolloutStatus.REJECTED,
                List.of(), List.of(), List.of(), List.of(), 0, null, List.of(), why, false, false, null, now, now,
                now);
    }

    /** How many targets are in {@code state}. */
    public long count(TargetRun.State state) {
        return targets.stream().filter(t -> t.state() == state).count();
    }

    /** The batches of the plan, as numbers 1..n. */
    public int batches() {
        return targets.stream().mapToInt(TargetRun::batch).max().orElse(0);
    }

    Rollout withTargets(UnaryOperator<TargetRun> change) {
        return new Rollout(id, version, spec, action, requestedBy, reason, status, targets.stream().map(change)
                .toList(), excluded, plannedChecks, plannedDisruption, batch, batchEndedAt, waits, haltReason,
                pauseRequested, cancelRequested, approvedBy, createdAt, updatedAt, finishedAt);
    }

    Rollout with(RolloutStatus to, int batchNumber, Instant batchEnd, List<Admission.Wait> nowWaiting, String halt,
                 Instant finished) {
        return new Rollout(id, version, spec, action, requestedBy, reason, to, targets, excluded, plannedChecks,
                plannedDisruption, batchNumber, batchEnd, nowWaiting, halt, pauseRequested, cancelRequested,
                approvedBy, createdAt, updatedAt, finished);
    }

    /** The next version of this record, written at {@code now}. */
    public Rollout next(Instant now) {
        return new Rollout(id, version + 1, spec, action, requestedBy, reason, status, targets, excluded,
                plannedChecks, plannedDisruption, batch, batchEndedAt, waits, haltReason, pauseRequested,
                cancelRequested, approvedBy, createdAt, now, finishedAt);
    }

    /** This record with an operator's control applied (pause, resume, cancel, approve). */
    public Rollout controlled(Control control, String by) {
        boolean pause = pauseRequested;
        boolean cancel = cancelRequested;
        String approved = approvedBy;
        switch (control) {
            case PAUSE -> pause = true;
            case RESUME -> pause = false;
            case CANCEL -> cancel = true;
            case APPROVE -> approved = approved == null ? by : approved;
            default -> throw new IllegalArgumentException("unknown control " + control);
        }
        return new Rollout(id, version, spec, action, requestedBy, reason, status, targets, excluded, plannedChecks,
                plannedDisruption, batch, batchEndedAt, waits, haltReason, pause, cancel, approved, createdAt,
                updatedAt, finishedAt);
    }

    /** An operator's control of a running rollout. */
    public enum Control {
        PAUSE, RESUME, CANCEL, APPROVE
    }
}
