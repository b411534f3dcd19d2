package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Whether a cluster can give up some container instances: the service tasks on them must fit, by their CPU and memory
 * reservations, in what the other available instances (ACTIVE, agent connected, not draining, not about to) have
 * left. Tasks are placed largest first (memory, then CPU) on the first instance with room, a conservative stand-in for
 * ECS's own placement (which may spread or bin-pack): what fits here fits there unless placement constraints forbid
 * it, which this check does not see. Standalone tasks are not replaced by a drain; they are reported, not placed.
 */
public final class CapacityCheck {

    private CapacityCheck() {
    }

    /**
     * The verdict.
     *
     * @param unplaced   service tasks no remaining instance has room for (empty when the drain fits)
     * @param standalone standalone tasks on the instances to drain: they keep running until they stop by themselves
     */
    public record Verdict(boolean fits, List<ClusterLoad.Task> unplaced, List<ClusterLoad.Task> standalone,
                          int movingTasks, int receivers) {

        public Verdict {
            unplaced = List.copyOf(unplaced);
            standalone = List.copyOf(standalone);
        }

        /** One line for records and the plan. */
        public String describe() {
            String s = fits ? movingTasks + " service task(s) fit on " + receivers + " remaining instance(s)"
                    : unplaced.size() + " of " + movingTasks + " service task(s) would not fit on the " + receivers
                    + " remaining instance(s) (" + String.join(", ", unplaced.stream().map(ClusterLoad.Task::group)
                    .distinct().limit(5).toList()) + ")";
            return standalone.isEmpty() ? s : s + "; " + standalone.size() + " standalone task(s) are not replaced";
        }
    }

    /** Checks draining the instances {@code drainArns} of {@code load}. */
    public static Verdict check(ClusterLoad load, Set<String> drainArns) {
        List<int[]> room = new ArrayList<>();
        List<ClusterLoad.Task> moving = new ArrayList<>();
        List<ClusterLoad.Task> standalone = new ArrayList<>();
        for (ClusterLoad.Instance i : load.registered()) {
            if (drainArns.contains(i.arn())) {
                for (ClusterLoad.Task t : i.tasks()) {
                    (t.serviceTask() ? moving : standalone).add(t);
                }
            } else if (i.available()) {
                room.add(new int[] {Math.max(0, i.remainingCpu()), Math.max(0, i.remainingMemory())});
            }
        }
        List<ClusterLoad.Task> order = new ArrayList<>(moving);
        order.sort(Comparator.comparingInt(ClusterLoad.Task::memory).thenComparingInt(ClusterLoad.Task::cpu)
                .reversed().thenComparing(ClusterLoad.Task::arn));
        List<ClusterLoad.Task> unplaced = new ArrayList<>();
        for (ClusterLoad.Task t : order) {
            int[] home = room.stream().filter(r -> r[0] >= t.cpu() && r[1] >= t.memory()).findFirst().orElse(null);
            if (home == null) {
                unplaced.add(t);
            } else {
                home[0] -= t.cpu();
                home[1] -= t.memory();
            }
        }
        return new Verdict(unplaced.isEmpty(), unplaced, standalone, moving.size(), room.size());
    }
}
