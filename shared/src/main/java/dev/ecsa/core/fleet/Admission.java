package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of a batch's waiting nodes a rollout may start now. In order: a maintenance window must be open (any one, if
 * any are set) and the change calendar OPEN (if one is named); the rollout's nodes in flight stay within
 * {@code maxConcurrency}; and for a drain, per cluster, the unavailable container instances stay within the
 * disruption budget and the remaining available instances hold the drained nodes' service tasks.
 *
 * <p><b>Unavailable</b> counts every container instance of the cluster that is not ACTIVE with its agent connected
 * (drains other requests started, and agents that dropped out), plus the instances of the rollout's own nodes in
 * flight whatever ECS says of them now (an upgraded node is ACTIVE again before the rollout has recorded it).
 * A node ECS lists no container instance for (a failed registration's leftovers) takes no budget. The capacity
 * check counts the service tasks still on the rollout's own nodes in flight as moving too, until they have stopped:
 * conservative while ECS places their replacements.
 */
public final class Admission {

    private Admission() {
    }

    /** Why a node did not start now (SOAK and APPROVAL are the rollout's own waits, between and before batches). */
    public enum WaitReason {
        WINDOW_CLOSED, CALENDAR_CLOSED, CONCURRENCY, DISRUPTION_BUDGET, CAPACITY, SOAK, APPROVAL
    }

    /** A node (or, for the window and the calendar, every node) waiting, and why. */
    public record Wait(WaitReason reason, String nodeId, String cluster, String detail) {
    }

    /**
     * The nodes to start now, in order, and what the others wait for.
     *
     * @param wakeAt when a window opens next, if the rollout waits for one; else {@code null}
     */
    public record Decision(List<String> start, List<Wait> waits, Instant wakeAt) {

        public Decision {
            start = List.copyOf(start);
            waits = List.copyOf(waits);
        }
    }

    /** SSM Change Calendar states (GetCalendarState). */
    public enum CalendarState {
        OPEN, CLOSED
    }

    /** What the rollout knows at one moment. */
    public record Situation(RolloutAction action, RolloutControls controls, List<RolloutTarget> waiting,
                            Collection<RolloutTarget> inFlight, Map<String, ClusterLoad> clusters, Instant now,
                            CalendarState calendar) {

        public Situation {
            waiting = List.copyOf(waiting);
            inFlight = List.copyOf(inFlight);
            clusters = Map.copyOf(clusters);
        }
    }

    public static Decision admit(Situation s) {
        RolloutControls c = s.controls();
        List<Wait> waits = new ArrayList<>();
        if (!c.windows().isEmpty() && c.windows().stream().noneMatch(w -> w.isOpen(s.now()))) {
            Instant next = c.windows().stream().map(w -> w.nextOpen(s.now())).flatMap(Optional::stream)
                    .min(Instant::compareTo).orElse(null);
            waits.add(new Wait(WaitReason.WINDOW_CLOSED, null, null, "no maintenance window is open"
                    + (next == null ? "" : "; the next opens at " + next)));
            return new Decision(List.of(), waits, next);
        }
        if (c.changeCalendar() != null && s.calendar() != CalendarState.OPEN) {
            waits.add(new Wait(WaitReason.CALENDAR_CLOSED, null, null, "change calendar " + c.changeCalendar()
                    + " is " + (s.calendar() == null ? "unknown" : s.calendar())));
            return new Decision(List.of(), waits, null);
        }
        int slots = c.maxConcurrency() - s.inFlight().size();
        Map<String, Set<String>> unavailable = new HashMap<>();
        Map<String, Set<String>> drainingNow = new HashMap<>();
        if (s.action().drains()) {
            for (ClusterLoad load : s.clusters().values()) {
                Set<String> u = new LinkedHashSet<>();
                load.registered().stream().filter(i -> !i.available()).forEach(i -> u.add(i.arn()));
                unavailable.put(load.cluster(), u);
                drainingNow.put(load.cluster(), new HashSet<>());
            }
            for (RolloutTarget t : s.inFlight()) {
                ClusterLoad load = s.clusters().get(t.cluster());
                if (load != null) {
                    t.instanceIn(load).ifPresent(i -> {
                        unavailable.get(load.cluster()).add(i.arn());
                        drainingNow.get(load.cluster()).add(i.arn());
                    });
                }
            }
        }
        List<String> start = new ArrayList<>();
        for (RolloutTarget t : s.waiting()) {
            if (slots <= 0) {
                waits.add(new Wait(WaitReason.CONCURRENCY, t.nodeId(), t.cluster(), c.maxConcurrency()
                        + " node(s) of the rollout are in flight (maxConcurrency)"));
                continue;
            }
            if (s.action().drains()) {
                Optional<Wait> held = holdForCluster(t, c, s.clusters().get(t.cluster()), unavailable,
                        drainingNow);
                if (held.isPresent()) {
                    waits.add(held.get());
                    continue;
                }
            }
            start.add(t.nodeId());
            slots--;
        }
        return new Decision(start, waits, null);
    }

    /** The budget and capacity of {@code t}'s cluster: a wait, or empty (then {@code t} is counted as draining). */
    private static Optional<Wait> holdForCluster(RolloutTarget t, RolloutControls c, ClusterLoad load,
                                                 Map<String, Set<String>> unavailable,
                                                 Map<String, Set<String>> drainingNow) {
        if (load == null) {
            return Optional.empty();
        }
        Optional<ClusterLoad.Instance> own = t.instanceIn(load);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Set<String> u = unavailable.get(load.cluster());
        int size = load.registered().size();
        int allowed = c.disruptionBudget().allowed(size);
        if (!u.contains(own.get().arn()) && u.size() + 1 > allowed) {
            return Optional.of(new Wait(WaitReason.DISRUPTION_BUDGET, t.nodeId(), t.cluster(), u.size() + " of "
                    + size + " container instance(s) unavailable; " + c.disruptionBudget() + " allows " + allowed));
        }
        if (c.capacityCheck()) {
            Set<String> drain = new HashSet<>(drainingNow.get(load.cluster()));
            drain.add(own.get().arn());
            CapacityCheck.Verdict v = CapacityCheck.check(load, drain);
            if (!v.fits()) {
                return Optional.of(new Wait(WaitReason.CAPACITY, t.nodeId(), t.cluster(), v.describe()));
            }
        }
        u.add(own.get().arn());
        drainingNow.get(load.cluster()).add(own.get().arn());
        return Optional.empty();
    }
}
