package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import static dev.ecsa.core.fleet.FleetFixture.cluster;
import static dev.ecsa.core.fleet.FleetFixture.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void spreadByAlternatesBetweenTheAttributesValues() {
        List<RolloutTarget> targets = List.of(target("a1", "c", "r1"), target("a2", "c", "r1"),
                target("a3", "c", "r1"), target("b1", "c", "r2"), target("c1", "c", "r3"),
                new RolloutTarget("x", "c", Map.of(), null, null));

        assertThat(RolloutPlanner.order(targets, "rack")).extracting(RolloutTarget::nodeId)
                .containsExactly("a1", "b1", "c1", "x", "a2", "a3");
        assertThat(RolloutPlanner.order(targets, null)).isEqualTo(targets);
    }

    @Test
    void theCanaryComesFirstThenBatchesOfTheBatchSize() {
        List<RolloutTarget> targets = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            targets.add(target("n-" + i, "c"));
        }
        RolloutControls c = new RolloutControls(3, 3, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                DisruptionBudget.ONE_AT_A_TIME, true, List.of(), null, 1, null, false);

        assertThat(RolloutPlanner.batches(targets, c)).extracting(b -> b.size()).containsExactly(1, 3, 3, 1);
        RolloutControls noCanary = new RolloutControls(3, 3, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                DisruptionBudget.ONE_AT_A_TIME, true, List.of(), null, 0, null, false);
        assertThat(RolloutPlanner.batches(targets, noCanary)).extracting(b -> b.size()).containsExactly(3, 3, 2);
    }

    @Test
    void thePlanListsEveryTargetOnceWithTheBudgetsPeakAndTheChecksNow() {
        List<RolloutTarget> targets = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            targets.add(target("n-" + i, i <= 20 ? "a" : "b"));
        }
        RolloutControls c = new RolloutControls(5, 5, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ofMinutes(2),
                new DisruptionBudget(2, null), true, List.of(), null, 1, null, false);
        List<ClusterLoad.Instance> a = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            a.add(FleetFixture.active("n-" + i));
        }
        List<ClusterLoad.Instance> b = new ArrayList<>();
        for (int i = 21; i <= 30; i++) {
            b.add(FleetFixture.active("n-" + i));
        }
        Map<String, ClusterLoad> loads = Map.of("a", new ClusterLoad("a", a), "b", new ClusterLoad("b", b));

        RolloutPlanner.Plan plan = RolloutPlanner.plan(RolloutAction.DEREGISTER, c, targets,
                List.of(new RolloutPlanner.Excluded("n-99", "not REGISTERED")), loads, NOW, null);

        assertThat(plan.order()).containsExactlyElementsOf(targets.stream().map(RolloutTarget::nodeId).toList());
        assertThat(plan.batches()).hasSize(1 + 6);
        assertThat(plan.batches().get(0).canary()).isTrue();
        assertThat(plan.batches().get(1).impact().get("a"))
                .isEqualTo(new RolloutPlanner.ClusterImpact(20, 0, 2, 5, 2));
        assertThat(plan.batches()).allSatisfy(batch -> batch.impact().values()
                .forEach(i -> assertThat(i.peak()).isLessThanOrEqualTo(i.allowed())));
        // The predicted disruption the record keeps: one entry per cluster, its peak the batches' highest.
        assertThat(plan.disruption()).containsExactly(new RolloutPlanner.Disruption("a", 20, 0, 2, 20, 2),
                new RolloutPlanner.Disruption("b", 10, 0, 2, 10, 2));
        assertThat(plan.disruption().get(0).peakWith(1)).isEqualTo(1);
        assertThat(plan.checks()).extracting(RolloutPlanner.Check::name)
                .contains("window", "budget a", "budget b", "first batch");
        assertThat(plan.checks()).allSatisfy(check -> assertThat(check.passes()).as(check.toString()).isTrue());
        assertThat(plan.excluded()).extracting(RolloutPlanner.Excluded::nodeId).containsExactly("n-99");
    }

    @Test
    void aPlanSaysWhatWouldWaitNow() {
        RolloutControls c = new RolloutControls(2, 2, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                DisruptionBudget.ONE_AT_A_TIME, true, List.of(), null, 0, null, false);

        RolloutPlanner.Plan plan = RolloutPlanner.plan(RolloutAction.DEREGISTER, c,
                List.of(target("n-1", "c"), target("n-2", "c")), List.of(), Map.of("c", cluster("c", "n", 4)), NOW,
                null);

        assertThat(plan.checks()).filteredOn(check -> !check.passes()).extracting(RolloutPlanner.Check::name)
                .containsExactly("first batch", "disruption budget n-2");
    }
}
