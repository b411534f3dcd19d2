package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.port.ContainerInstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fleet that answers a rollout's node requests for the engine's tests: a started node drains (its instance goes
 * DRAINING) and, a few steps later, its request ends with the outcome the test chose (a deregistered node leaves its
 * cluster, an upgraded one is ACTIVE again, a failed drain is reverted to ACTIVE). Time moves one poll per step.
 */
final class FleetWorld {

    final Map<String, List<ClusterLoad.Instance>> clusters = new LinkedHashMap<>();
    final Map<String, RequestRecord> requests = new HashMap<>();
    final Map<String, Integer> stepsLeft = new HashMap<>();
    final Map<String, String> nodeOf = new HashMap<>();
    final Set<String> failing = new java.util.HashSet<>();
    final List<String> startOrder = new ArrayList<>();
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    int stepsPerNode = 2;
    int maxUnavailableSeen;
    Admission.CalendarState calendar = Admission.CalendarState.OPEN;

    void cluster(String name, int size) {
        List<ClusterLoad.Instance> list = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            list.add(FleetFixture.active(name + "-" + i));
        }
        clusters.put(name, list);
    }

    List<RolloutTarget> targets(String cluster, int count) {
        List<RolloutTarget> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(FleetFixture.target(cluster + "-" + i, cluster));
        }
        return out;
    }

    Rollout plan(RolloutAction action, RolloutControls c, List<RolloutTarget> targets, boolean approval) {
        RolloutPlanner.Plan plan = RolloutPlanner.plan(action, c, targets, List.of(), loads(), now, calendar);
        RolloutRequest request = new RolloutRequest("ro", "alice", "", action, false, List.of(), null, List.of(),
                withApproval(c, approval), null, null, null, null);
        return Rollout.planned(request, "{}", plan, RolloutPlanner.order(targets, c.spreadBy()), now);
    }

    private static RolloutControls withApproval(RolloutControls c, boolean approval) {
        return new RolloutControls(c.batchSize(), c.maxConcurrency(), c.errorBudget(), c.soak(),
                c.disruptionBudget(), c.capacityCheck(), c.windows(), c.changeCalendar(), c.canary(), c.spreadBy(),
                approval);
    }

    Map<String, ClusterLoad> loads() {
        Map<String, ClusterLoad> out = new HashMap<>();
        clusters.forEach((n, l) -> out.put(n, new ClusterLoad(n, l)));
        return out;
    }

    /** One engine step: requests progress, the engine steps, started nodes begin draining, time moves on. */
    RolloutEngine.Advance step(Rollout r, RolloutControls c) {
        for (String id : new ArrayList<>(stepsLeft.keySet())) {
            int left = stepsLeft.merge(id, -1, Integer::sum);
            if (left <= 0) {
                stepsLeft.remove(id);
                finish(id, r.action());
            }
        }
        RolloutEngine.Advance a = RolloutEngine.advance(r, new RolloutEngine.Inputs(c,
                id -> Optional.ofNullable(requests.get(id)), (name, tasksOf) -> new ClusterLoad(name, clusters.get(name)),
                () -> calendar, now));
        for (TargetRun t : a.start()) {
            startOrder.add(t.nodeId());
            nodeOf.put(t.requestId(), t.nodeId());
            requests.put(t.requestId(), new RequestRecord(t.requestId(), t.nodeId(), Action.DEREGISTER, "ro", "",
                    RequestStatus.IN_PROGRESS, null, List.of(), null, now, null));
            stepsLeft.put(t.requestId(), stepsPerNode);
            if (r.action().drains()) {
                set(t.cluster(), t.containerInstanceArn(), ContainerInstanceStatus.DRAINING);
            }
        }
        for (List<ClusterLoad.Instance> list : clusters.values()) {
            maxUnavailableSeen = Math.max(maxUnavailableSeen, (int) list.stream().filter(i -> !i.available())
                    .count());
        }
        now = now.plus(a.wakeIn() == null ? RolloutEngine.POLL : a.wakeIn());
        return a;
    }

    private void finish(String requestId, RolloutAction action) {
        String node = nodeOf.get(requestId);
        String cluster = node.substring(0, node.lastIndexOf('-'));
        boolean fails = failing.contains(node);
        Outcome outcome = fails ? (action == RolloutAction.DEREGISTER ? Outcome.DRAIN_TIMED_OUT : Outcome.FAILED)
                : action == RolloutAction.DEREGISTER ? Outcome.DEREGISTERED : action == RolloutAction.UPGRADE
                ? Outcome.UPGRADED : Outcome.REGISTERED;
        requests.put(requestId, requests.get(requestId).finished(outcome,
                fails ? new Failure(Reason.TIMED_OUT, "tasks left") : null, now));
        if (action == RolloutAction.DEREGISTER && !fails) {
            clusters.get(cluster).removeIf(i -> i.arn().equals("arn:" + node));
        } else if (action.drains()) {
            set(cluster, "arn:" + node, ContainerInstanceStatus.ACTIVE);
        }
    }

    void set(String cluster, String arn, ContainerInstanceStatus status) {
        clusters.get(cluster).replaceAll(i -> i.arn().equals(arn) ? new ClusterLoad.Instance(i.arn(),
                i.managedInstanceId(), status, i.agentConnected(), i.registeredCpu(), i.registeredMemory(),
                i.remainingCpu(), i.remainingMemory(), i.tasks()) : i);
    }

    /** Steps until the rollout ends or waits for an approval; returns the last step. */
    RolloutEngine.Advance runToEnd(Rollout r, RolloutControls c) {
        RolloutEngine.Advance a = null;
        for (int i = 0; i < 10_000; i++) {
            a = step(r, c);
            r = a.rollout().next(now);
            if (a.wakeIn() == null) {
                return a;
            }
        }
        throw new AssertionError("the rollout did not end: " + r.status());
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
