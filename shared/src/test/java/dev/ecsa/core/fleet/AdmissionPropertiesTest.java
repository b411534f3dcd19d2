package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.port.ContainerInstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A rollout simulated tick by tick against clusters that other requests drain too: whenever the rollout starts a
 * drain, its cluster is within the disruption budget afterwards, and every target is eventually done.
 */
class AdmissionPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @Property(tries = 300)
    void aRolloutNeverTakesAClusterBeyondItsBudgetAndFinishes(@ForAll long seed) {
        Random r = new Random(seed);
        RolloutAction action = r.nextBoolean() ? RolloutAction.DEREGISTER : RolloutAction.UPGRADE;
        Map<String, List<ClusterLoad.Instance>> clusters = new LinkedHashMap<>();
        List<RolloutTarget> targets = new ArrayList<>();
        int clusterCount = 1 + r.nextInt(3);
        for (int c = 0; c < clusterCount; c++) {
            String name = "c" + c;
            List<ClusterLoad.Instance> instances = new ArrayList<>();
            int size = 3 + r.nextInt(28);
            for (int i = 0; i < size; i++) {
                String node = name + "-" + i;
                instances.add(FleetFixture.active(node));
                if (r.nextInt(3) > 0) {
                    targets.add(FleetFixture.target(node, name));
                }
            }
            clusters.put(name, instances);
        }
        DisruptionBudget budget = r.nextBoolean() ? new DisruptionBudget(1 + r.nextInt(4), null)
                : new DisruptionBudget(null, 5 + r.nextInt(46));
        RolloutControls controls = new RolloutControls(1 + r.nextInt(10), 1 + r.nextInt(10),
                ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO, budget, false, List.of(), null, 0, null, false);

        List<RolloutTarget> waiting = new ArrayList<>(targets);
        Map<RolloutTarget, Integer> inFlight = new HashMap<>();
        Map<String, Integer> othersDraining = new HashMap<>();
        int done = 0;
        for (int tick = 0; tick < 10_000 && done < targets.size(); tick++) {
            // Other requests drain a node now and then, and end their drains.
            if (tick < 200 && r.nextInt(10) == 0) {
                String c = "c" + r.nextInt(clusterCount);
                List<ClusterLoad.Instance> list = clusters.get(c);
                int i = list.isEmpty() ? -1 : r.nextInt(list.size());
                if (i >= 0 && list.get(i).available() && targets.stream().noneMatch(t -> t.containerInstanceArn()
                        .equals(list.get(i).arn()))) {
                    list.set(i, with(list.get(i), ContainerInstanceStatus.DRAINING));
                    othersDraining.put(list.get(i).arn(), 1 + r.nextInt(5));
                }
            }
            othersDraining.replaceAll((arn, left) -> left - 1);
            for (List<ClusterLoad.Instance> list : clusters.values()) {
                list.replaceAll(i -> othersDraining.getOrDefault(i.arn(), 1) <= 0
                        ? with(i, ContainerInstanceStatus.ACTIVE) : i);
            }
            othersDraining.values().removeIf(left -> left <= 0);
            // The rollout's nodes in flight finish after a few ticks.
            for (RolloutTarget t : new ArrayList<>(inFlight.keySet())) {
                int left = inFlight.merge(t, -1, Integer::sum);
                if (left <= 0) {
                    inFlight.remove(t);
                    done++;
                    List<ClusterLoad.Instance> list = clusters.get(t.cluster());
                    if (action == RolloutAction.DEREGISTER) {
                        list.removeIf(i -> i.arn().equals(t.containerInstanceArn()));
                    } else {
                        list.replaceAll(i -> i.arn().equals(t.containerInstanceArn())
                                ? with(i, ContainerInstanceStatus.ACTIVE) : i);
                    }
                }
            }
            Map<String, ClusterLoad> loads = new HashMap<>();
            clusters.forEach((name, list) -> loads.put(name, new ClusterLoad(name, list)));
            Admission.Decision d = Admission.admit(new Admission.Situation(action, controls, waiting,
                    inFlight.keySet(), loads, NOW, null));
            for (String node : d.start()) {
                RolloutTarget t = waiting.stream().filter(w -> w.nodeId().equals(node)).findFirst().orElseThrow();
                waiting.remove(t);
                inFlight.put(t, 1 + r.nextInt(3));
                clusters.get(t.cluster()).replaceAll(i -> i.arn().equals(t.containerInstanceArn())
                        ? with(i, ContainerInstanceStatus.DRAINING) : i);
            }
            assertThat(inFlight.size()).isLessThanOrEqualTo(controls.maxConcurrency());
            for (String c : d.start().stream().map(n -> n.substring(0, n.indexOf('-'))).distinct().toList()) {
                List<ClusterLoad.Instance> list = clusters.get(c);
                long unavailable = list.stream().filter(i -> !i.available()).count();
                assertThat(unavailable).as("cluster %s after starting %s (budget %s)", c, d.start(), budget)
                        .isLessThanOrEqualTo(budget.allowed(list.size()));
            }
        }
        assertThat(done).as("every target was done").isEqualTo(targets.size());
    }

    private static ClusterLoad.Instance with(ClusterLoad.Instance i, ContainerInstanceStatus status) {
        return new ClusterLoad.Instance(i.arn(), i.managedInstanceId(), status, i.agentConnected(),
                i.registeredCpu(), i.registeredMemory(), i.remainingCpu(), i.remainingMemory(), i.tasks());
    }
}
