package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A rollout's plan: its targets in order, cut into batches (the canary first), with what each batch would do to each
 * cluster and what every check says now. The plan is made once, when the rollout is accepted, and the rollout runs
 * exactly its batches in their order: {@code ecsa plan} shows the same plan without starting anything.
 */
public final class RolloutPlanner {

    private RolloutPlanner() {
    }

    /**
     * One cluster during one batch.
     *
     * @param instances      the cluster's registered container instances now
     * @param unavailableNow those not ACTIVE with a connected agent now
     * @param allowed        what the disruption budget allows unavailable at once
     * @param inBatch        the batch's nodes in the cluster that have a container instance
     * @param peak           the most unavailable at once during the batch if nothing else changes: the budget holds
     *                       the batch's drains back, so never more than {@code max(allowed, unavailableNow)}
     */
    public record ClusterImpact(int instances, int unavailableNow, int allowed, int inBatch, int peak) {
    }

    /** A batch: its nodes in order, and per cluster what it does. */
    public record Batch(int number, boolean canary, List<String> nodes, Map<String, ClusterImpact> impact) {

        public Batch {
            nodes = List.copyOf(nodes);
            impact = Map.copyOf(impact);
        }
    }

    /**
     * A rollout's predicted disruption of one cluster, as its record keeps it ({@code ecsa plan} shows it per batch).
     * One per cluster, not per batch, so that the record of the largest rollout still fits in one item.
     *
     * @param instances      the cluster's registered container instances at planning
     * @param unavailableNow those not ACTIVE with a connected agent at planning
     * @param allowed        what the disruption budget allows unavailable at once
     * @param targets        the rollout's nodes in the cluster that have a container instance
     * @param peak           the most unavailable at once during any batch if nothing else changes
     */
    public record Disruption(String cluster, int instances, int unavailableNow, int allowed, int targets, int peak) {

        /** The most unavailable at once during a batch with {@code inBatch} of its nodes in this cluster. */
        public int peakWith(int inBatch) {
            return peak(unavailableNow, allowed, inBatch);
        }

        /** The budget holds a batch's drains back: never more than {@code max(allowed, unavailableNow)}. */
        static int peak(int unavailableNow, int allowed, int inBatch) {
            return unavailableNow + Math.min(inBatch, Math.max(0, allowed - unavailableNow));
        }
    }

    /** A node named by the rollout that it will not touch, and why. */
    public record Excluded(String nodeId, String reason) {
    }

    /** One check as it stands now. */
    public record Check(String name, boolean passes, String detail) {
    }

    /** The plan. */
    public record Plan(RolloutAction action, List<Batch> batches, List<Excluded> excluded, List<Check> checks) {

        public Plan {
            batches = List.copyOf(batches);
            excluded = List.copyOf(excluded);
            checks = List.copyOf(checks);
        }

        /** The predicted disruption of each cluster the rollout drains in, by cluster name. */
        public List<Disruption> disruption() {
            Map<String, Disruption> out = new TreeMap<>();
            for (Batch b : batches) {
                b.impact().forEach((cluster, i) -> out.merge(cluster, new Disruption(cluster, i.instances(),
                        i.unavailableNow(), i.allowed(), i.inBatch(), i.peak()), (x, y) -> new Disruption(cluster,
                        x.instances(), x.unavailableNow(), x.allowed(), x.targets() + y.targets(),
                        Math.max(x.peak(), y.peak()))));
            }
            return List.copyOf(out.values());
        }

        /** Every node the rollout will touch, in order. */
        public List<String> order() {
            return batches.stream().flatMap(b -> b.nodes().stream()).toList();
        }
    }

    /**
     * The targets in rollout order: as given, or, with {@code spreadBy}, alternating between the attribute's values
     * (sorted; nodes without it last as their own value), taking each value's nodes in the order given.
     */
    public static List<RolloutTarget> order(List<RolloutTarget> targets, String spreadBy) {
        if (spreadBy == null) {
            return List.copyOf(targets);
        }
        Map<String, Deque<RolloutTarget>> groups = new TreeMap<>((a, b) -> a.isEmpty() || b.isEmpty()
                ? Boolean.compare(a.isEmpty(), b.isEmpty()) : a.compareTo(b));
        for (RolloutTarget t : targets) {
            groups.computeIfAbsent(t.attributes().getOrDefault(spreadBy, ""), k -> new ArrayDeque<>()).add(t);
        }
        List<RolloutTarget> out = new ArrayList<>(targets.size());
        while (out.size() < targets.size()) {
            for (Deque<RolloutTarget> g : groups.values()) {
                if (!g.isEmpty()) {
                    out.add(g.poll());
                }
            }
        }
        return out;
    }

    /** The batches of {@code ordered}: the canary's, then {@code batchSize} at a time. */
    public static List<List<RolloutTarget>> batches(List<RolloutTarget> ordered, RolloutControls c) {
        List<List<RolloutTarget>> out = new ArrayList<>();
        int i = 0;
        if (c.canary() > 0 && !ordered.isEmpty()) {
            i = Math.min(c.canary(), ordered.size());
            out.add(ordered.subList(0, i));
        }
        while (i < ordered.size()) {
            int end = Math.min(i + c.batchSize(), ordered.size());
            out.add(ordered.subList(i, end));
            i = end;
        }
        return out;
    }

    /** Plans a rollout of {@code targets} (the eligible nodes; {@code excluded} the others, with their reasons). */
    public static Plan plan(RolloutAction action, RolloutControls c, List<RolloutTarget> targets,
                            List<Excluded> excluded, Map<String, ClusterLoad> clusters, Instant now,
                            Admission.CalendarState calendar) {
        Objects.requireNonNull(action, "action");
        List<List<RolloutTarget>> cut = batches(order(targets, c.spreadBy()), c);
        List<Batch> batches = new ArrayList<>();
        for (int n = 0; n < cut.size(); n++) {
            batches.add(new Batch(n + 1, n == 0 && c.canary() > 0, cut.get(n).stream().map(RolloutTarget::nodeId)
                    .toList(), action.drains() ? impact(cut.get(n), c, clusters) : Map.of()));
        }
        List<Check> checks = new ArrayList<>();
        if (c.windows().isEmpty()) {
            checks.add(new Check("window", true, "no maintenance window: always open"));
        } else {
            boolean open = c.windows().stream().anyMatch(w -> w.isOpen(now));
            Optional<Instant> next = c.windows().stream().map(w -> w.nextOpen(now)).flatMap(Optional::stream)
                    .min(Instant::compareTo);
            checks.add(new Check("window", open, open ? "open now" : "closed now"
                    + next.map(t -> "; the next opens at " + t).orElse("")));
        }
        if (c.changeCalendar() != null) {
            checks.add(new Check("calendar", calendar == Admission.CalendarState.OPEN, "change calendar "
                    + c.changeCalendar() + " is " + (calendar == null ? "unknown" : calendar)));
        }
        if (action.drains()) {
            for (ClusterLoad load : new TreeMap<>(clusters).values()) {
                int size = load.registered().size();
                long down = load.registered().stream().filter(i -> !i.available()).count();
                int allowed = c.disruptionBudget().allowed(size);
                checks.add(new Check("budget " + load.cluster(), down < allowed, down + " of " + size
                        + " container instance(s) unavailable now; " + c.disruptionBudget() + " allows " + allowed));
            }
        }
        if (!cut.isEmpty()) {
            Admission.Decision first = Admission.admit(new Admission.Situation(action, c, cut.get(0), List.of(),
                    clusters, now, calendar));
            checks.add(new Check("first batch", first.waits().isEmpty(), first.start().isEmpty()
                    ? "nothing would start now" : "would start now: " + String.join(", ", first.start())));
            for (Admission.Wait w : first.waits()) {
                checks.add(new Check(w.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + (w.nodeId() == null ? "" : " " + w.nodeId()), false, w.detail()));
            }
        }
        return new Plan(action, batches, excluded, checks);
    }

    private static Map<String, ClusterImpact> impact(List<RolloutTarget> batch, RolloutControls c,
                                                     Map<String, ClusterLoad> clusters) {
        Map<String, Integer> inBatch = new LinkedHashMap<>();
        for (RolloutTarget t : batch) {
            ClusterLoad load = clusters.get(t.cluster());
            if (load != null && t.instanceIn(load).isPresent()) {
                inBatch.merge(t.cluster(), 1, Integer::sum);
            }
        }
        Map<String, ClusterImpact> out = new TreeMap<>();
        inBatch.forEach((cluster, n) -> {
            ClusterLoad load = clusters.get(cluster);
            int size = load.registered().size();
            int down = (int) load.registered().stream().filter(i -> !i.available()).count();
            int allowed = c.disruptionBudget().allowed(size);
            out.put(cluster, new ClusterImpact(size, down, allowed, n, Disruption.peak(down, allowed, n)));
        });
        return out;
    }
}
