package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import static dev.ecsa.core.fleet.FleetWorld.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutEngineTest {

    private static RolloutControls controls(int batch, int canary, Duration soak, DisruptionBudget budget,
                                            ErrorBudget errors) {
        return new RolloutControls(batch, batch, errors, soak, budget, false, List.of(), null, canary, null, false);
    }

    @Test
    void aThirtyNodeDeregistrationWithABudgetOfTwoNeverHasMoreThanTwoUnavailableAndDoesWhatItPlanned() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 20);
        w.cluster("b", 10);
        List<RolloutTarget> targets = new ArrayList<>(w.targets("a", 20));
        targets.addAll(w.targets("b", 10));
        RolloutControls c = controls(6, 1, seconds(60), new DisruptionBudget(2, null), ErrorBudget.HALT_AT_FIRST_FAILURE);
        Rollout r = w.plan(RolloutAction.DEREGISTER, c, targets, false);

        RolloutEngine.Advance end = w.runToEnd(r, c);

        assertThat(end.rollout().status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(end.rollout().count(TargetRun.State.SUCCEEDED)).isEqualTo(30);
        assertThat(w.maxUnavailableSeen).as("sampled after every step").isLessThanOrEqualTo(2);
        assertThat(w.startOrder).as("the plan's order").containsExactlyElementsOf(
                r.targets().stream().map(TargetRun::nodeId).toList());
        assertThat(w.clusters.get("a")).isEmpty();
        assertThat(end.events()).extracting(RolloutEngine.Event::type).containsExactly("RolloutCompleted");
    }

    @Test
    void batchesRunInOrderAndEachSoaksBeforeTheNext() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 10);
        RolloutControls c = controls(3, 1, seconds(120), new DisruptionBudget(5, null),
                ErrorBudget.HALT_AT_FIRST_FAILURE);
        Rollout r = w.plan(RolloutAction.UPGRADE, c, w.targets("a", 7), false);
        List<String> events = new ArrayList<>();
        Instant canaryEnded = null;
        Instant secondStarted = null;
        for (int i = 0; i < 200 && !r.status().finished(); i++) {
            RolloutEngine.Advance a = w.step(r, c);
            a.events().forEach(e -> events.add(e.type() + " " + e.detail()));
            if (a.rollout().batch() == 1 && a.rollout().batchEndedAt() != null && canaryEnded == null) {
                canaryEnded = a.rollout().batchEndedAt();
            }
            if (a.start().stream().anyMatch(t -> t.batch() == 2) && secondStarted == null) {
                secondStarted = a.start().get(0).startedAt();
            }
            r = a.rollout().next(w.now);
        }

        assertThat(r.status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(Duration.between(canaryEnded, secondStarted)).isGreaterThanOrEqualTo(seconds(120));
        assertThat(events).filteredOn(e -> e.startsWith("RolloutBatchStarted")).containsExactly(
                "RolloutBatchStarted batch 1 of 3", "RolloutBatchStarted batch 2 of 3", "RolloutBatchStarted batch 3 of 3");
        assertThat(events.get(0)).isEqualTo("RolloutStarted 7 node(s) in 3 batch(es)");
    }

    @Test
    void theErrorBudgetHaltsNodesInFlightFinishAndTheRestAreNotStarted() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 10);
        w.failing.add("a-2");
        RolloutControls c = controls(3, 0, Duration.ZERO, new DisruptionBudget(3, null), new ErrorBudget(0, null));
        Rollout r = w.plan(RolloutAction.DEREGISTER, c, w.targets("a", 9), false);

        RolloutEngine.Advance end = w.runToEnd(r, c);

        Rollout done = end.rollout();
        assertThat(done.status()).isEqualTo(RolloutStatus.HALTED);
        assertThat(done.haltReason()).startsWith("1 of 9 node(s) failed");
        assertThat(done.targets()).extracting(t -> t.nodeId() + " " + t.state()).startsWith(
                "a-1 SUCCEEDED", "a-2 FAILED", "a-3 SUCCEEDED", "a-4 NOT_STARTED");
        assertThat(done.count(TargetRun.State.NOT_STARTED)).isEqualTo(6);
        assertThat(done.targets().get(1).outcome()).isEqualTo("DRAIN_TIMED_OUT");
        assertThat(w.clusters.get("a")).noneMatch(i -> !i.available()).as("nothing left DRAINING");
        assertThat(end.events()).extracting(RolloutEngine.Event::type).containsExactly("RolloutHalted");
    }

    @Test
    void cancelLetsNodesInFlightFinishAndLeavesNothingDraining() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 6);
        w.stepsPerNode = 4;
        RolloutControls c = controls(2, 0, Duration.ZERO, new DisruptionBudget(2, null),
                ErrorBudget.HALT_AT_FIRST_FAILURE);
        Rollout r = w.plan(RolloutAction.UPGRADE, c, w.targets("a", 6), false);
        RolloutEngine.Advance a = w.step(r, c);
        assertThat(a.start()).hasSize(2);
        r = a.rollout().next(w.now).controlled(Rollout.Control.CANCEL, "bob");

        a = w.step(r, c);
        assertThat(a.rollout().status()).isEqualTo(RolloutStatus.CANCELLING);
        assertThat(a.start()).isEmpty();
        RolloutEngine.Advance end = w.runToEnd(a.rollout().next(w.now), c);

        assertThat(end.rollout().status()).isEqualTo(RolloutStatus.CANCELLED);
        assertThat(end.rollout().count(TargetRun.State.SUCCEEDED)).isEqualTo(2);
        assertThat(end.rollout().count(TargetRun.State.NOT_STARTED)).isEqualTo(4);
        assertThat(w.clusters.get("a")).allMatch(ClusterLoad.Instance::available);
    }

    @Test
    void pauseHoldsNewStartsUntilResumed() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 6);
        RolloutControls c = controls(6, 0, Duration.ZERO, new DisruptionBudget(1, null),
                ErrorBudget.HALT_AT_FIRST_FAILURE);
        Rollout r = w.plan(RolloutAction.UPGRADE, c, w.targets("a", 3), false);
        r = w.step(r, c).rollout().next(w.now).controlled(Rollout.Control.PAUSE, "bob");
        int started = w.startOrder.size();
        for (int i = 0; i < 10; i++) {
            RolloutEngine.Advance a = w.step(r, c);
            r = a.rollout().next(w.now);
        }
        assertThat(r.status()).isEqualTo(RolloutStatus.PAUSED);
        assertThat(w.startOrder).hasSize(started);
        assertThat(r.count(TargetRun.State.IN_FLIGHT)).as("the node in flight finished").isZero();

        RolloutEngine.Advance end = w.runToEnd(r.controlled(Rollout.Control.RESUME, "bob"), c);
        assertThat(end.rollout().status()).isEqualTo(RolloutStatus.COMPLETED);
    }

    @Test
    void anApprovalIsWaitedForWithoutPolling() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 3);
        RolloutControls c = controls(1, 0, Duration.ZERO, new DisruptionBudget(1, null),
                ErrorBudget.HALT_AT_FIRST_FAILURE);
        Rollout r = w.plan(RolloutAction.DEREGISTER, c, w.targets("a", 2), true);
        assertThat(r.status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);

        RolloutEngine.Advance waiting = w.step(r, c);
        assertThat(waiting.wakeIn()).isNull();
        assertThat(waiting.start()).isEmpty();
        assertThat(waiting.rollout().waits()).extracting(Admission.Wait::reason)
                .containsExactly(Admission.WaitReason.APPROVAL);

        RolloutEngine.Advance approved = w.step(waiting.rollout().next(w.now).controlled(Rollout.Control.APPROVE,
                "carol"), c);
        assertThat(approved.rollout().status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(approved.start()).hasSize(1);
        assertThat(approved.events()).extracting(RolloutEngine.Event::type)
                .containsExactly("RolloutStarted", "RolloutBatchStarted");
    }

    @Test
    void aClosedWindowWaitsInBoundedStepsAndStartsWhenItOpens() {
        FleetWorld w = new FleetWorld();
        w.cluster("a", 3);
        MaintenanceWindow at11 = new MaintenanceWindow(Set.of(DayOfWeek.values()), LocalTime.of(11, 0),
                LocalTime.of(12, 0), ZoneOffset.UTC);
        RolloutControls c = new RolloutControls(1, 1, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                new DisruptionBudget(1, null), false, List.of(at11), null, 0, null, false);
        Rollout r = w.plan(RolloutAction.DEREGISTER, c, w.targets("a", 1), false);

        RolloutEngine.Advance first = w.step(r, c);

        assertThat(first.start()).isEmpty();
        assertThat(first.wakeIn()).isEqualTo(RolloutEngine.MAX_WAIT);
        assertThat(first.events()).extracting(RolloutEngine.Event::type).contains("RolloutWaiting");
        RolloutEngine.Advance end = w.runToEnd(first.rollout().next(w.now), c);
        assertThat(end.rollout().status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(end.rollout().targets().get(0).startedAt()).isAfterOrEqualTo(Instant.parse("2026-12-07T11:00:00Z"));
    }
}
