package dev.ecsa.local.sim;

import dev.ecsa.local.sim.EcsSimulation.Instance;
import dev.ecsa.local.sim.EcsSimulation.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * ECS's time-driven behaviour on the simulator's clock: the service scheduler replacing the service tasks of a
 * draining (or force-deregistered) instance elsewhere, and a stopping task moving through DEACTIVATING, STOPPING and
 * STOPPED after the configured delays. Nothing runs in the background: each move is scheduled for its due time and
 * applied by {@link #tick()}, in order.
 */
final class EcsChoreography {

    /** Creates a task on an instance (the state's job). */
    interface TaskFactory {
        Task newTask(Instance instance, TaskSpec spec, Instant at);
    }

    private record Scheduled(Instant due, long seq, Consumer<Instant> action) {
    }

    private final SimulatorConfig config;
    private final Clock clock;
    private final TaskFactory tasks;
    private final PriorityQueue<Scheduled> schedule =
            new PriorityQueue<>(Comparator.comparing(Scheduled::due).thenComparingLong(Scheduled::seq));
    private long scheduleSeq;

    EcsChoreography(SimulatorConfig config, TaskFactory tasks) {
        this.config = config;
        this.clock = config.clock();
        this.tasks = tasks;
    }

    /** Applies every scheduled transition due by now, each at its own due time, in order. */
    void tick() {
        Instant now = clock.instant();
        while (!schedule.isEmpty() && !schedule.peek().due().isAfter(now)) {
            Scheduled s = schedule.poll();
            s.action().accept(s.due());
        }
    }

    private void at(Instant due, Consumer<Instant> action) {
        schedule.add(new Scheduled(due, ++scheduleSeq, action));
    }

    /** The service tasks of a force-deregistered instance, orphaned on the host: copies start elsewhere. */
    void replaceOrphans(List<Task> active, Instant now) {
        for (Task t : active) {
            if (t.spec.serviceName() != null && t.desiredStatus.equals("RUNNING")) {
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, false));
            }
        }
    }

    /** The instance went DRAINING: each service task is replaced elsewhere, then stopped. */
    void drain(Instance i, Instant now) {
        for (Task t : List.copyOf(i.tasks.values())) {
            if (t.spec.serviceName() == null || !t.desiredStatus.equals("RUNNING")) {
                continue; // standalone tasks aren't affected by draining
            }
            if (t.lastStatus.equals("PENDING")) {
                stopPendingNow(t, now, "Service " + t.spec.serviceName() + ": container instance is draining",
                        "ServiceSchedulerInitiated");
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, false));
            } else {
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, true));
            }
        }
    }

    /** The service scheduler's move: start a copy elsewhere and, when draining, stop the original. */
    private void replace(Task t, Instant due, boolean stopOriginal) {
        Instance from = t.instance;
        if (from.status.equals(EcsSimulation.ACTIVE) || stopOriginal && !t.desiredStatus.equals("RUNNING")) {
            return; // drain was reverted, or the task was stopped meanwhile
        }
        Instance target = pickTarget(from, t.spec);
        if (target == null && !config.stopUnreplaceableServiceTasks()) {
            Instant retry = later(due, clock.instant()).plus(config.taskTiming().replacementDelay().isZero()
                    ? Duration.ofSeconds(1) : config.taskTiming().replacementDelay());
            at(retry, d -> replace(t, d, stopOriginal));
            return;
        }
        if (target != null) {
            tasks.newTask(target, new TaskSpec(t.spec.serviceName(), t.spec.family(), t.spec.startedBy(), false,
                    t.spec.cpu(), t.spec.memory()), due);
        }
        if (stopOriginal) {
            beginStop(t, due, "Service " + t.spec.serviceName() + ": container instance is draining",
                    "ServiceSchedulerInitiated");
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * Where the service scheduler starts the copy: an ACTIVE, connected instance with room for the task's reservation
     * (the fewest running tasks first); none when no instance has room, as ECS leaves a service short of its desired
     * count ("no container instance met all of its requirements") until one has.
     */
    private Instance pickTarget(Instance from, TaskSpec spec) {
        Instance best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Instance i : from.cluster.instances.values()) {
            if (i != from && i.status.equals(EcsSimulation.ACTIVE) && i.agentConnected && i.hasRoomFor(spec)) {
                int count = i.runningTasksCount();
                if (count < bestCount) {
                    best = i;
                    bestCount = count;
                }
            }
        }
        return best;
    }

    void beginStop(Task t, Instant at, String reason, String stopCode) {
        if (t.lastStatus.equals("PENDING")) {
            stopPendingNow(t, at, reason, stopCode);
            return;
        }
        t.stopCode = stopCode;
        t.desiredStatus = "STOPPED";
        t.stoppingAt = at;
        t.stoppedReason = reason;
        t.version++;
        SimulatorConfig.TaskTiming timing = config.taskTiming();
        Instant deactivating = at.plus(timing.deactivatingDelay());
        Instant stopping = deactivating.plus(timing.stoppingDelay());
        Instant stopped = stopping.plus(timing.stoppedDelay());
        at(deactivating, due -> transition(t, "DEACTIVATING"));
        at(stopping, due -> transition(t, "STOPPING"));
        at(stopped, due -> {
            transition(t, "STOPPED");
            t.stoppedAt = due;
        });
    }

    private static void transition(Task t, String lastStatus) {
        if (!t.lastStatus.equals("STOPPED")) {
            t.lastStatus = lastStatus;
            t.version++;
        }
    }

    private static void stopPendingNow(Task t, Instant at, String reason, String stopCode) {
        t.stopCode = stopCode;
        t.desiredStatus = "STOPPED";
        t.lastStatus = "STOPPED";
        t.stoppingAt = at;
        t.stoppedAt = at;
        t.stoppedReason = reason;
        t.version++;
    }
}
