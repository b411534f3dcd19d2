package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.model.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One step of a rollout, as its workflow takes it every poll: read how its nodes' requests ended, apply the error
 * budget and the operator's controls, and start what the batch, the budgets and the windows allow now. Pure: the
 * caller reads the record and AWS, writes the record back (conditional on its version, so two steps never both start
 * a node), and then sends the node requests this step names.
 *
 * <p>A node is recorded IN_FLIGHT before its request is sent, so a rollout never loses track of a request it sent
 * (a cancel that raced the step would otherwise end the rollout with that node NOT_STARTED while its request runs).
 * A step that died between the write and the send leaves an in-flight node whose request was never recorded: every
 * step names such nodes again for sending (the same request id: the FIFO queue drops a copy within five minutes and
 * the node intake answers a later one as a replay), and after {@link #UNRECORDED_LIMIT} the node counts as failed.
 *
 * <p>Batches run in order: a batch's nodes start as admission allows; when all of them have ended, the rollout soaks
 * for the controls' soak time, then the next batch begins. Over the error budget, or cancelled, no node starts any
 * more and the nodes in flight finish (a drain is never cut short: nothing is left DRAINING by the rollout); then the
 * rollout ends HALTED or CANCELLED and its waiting nodes are NOT_STARTED. Paused, nodes in flight finish and nothing
 * new starts until resumed.
 */
public final class RolloutEngine {

    /** How often a running rollout looks again while nodes are in flight or held back. */
    public static final Duration POLL = Duration.ofSeconds(15);
    /** The longest single wait (a closed window or a long soak is waited for in steps, so a cancel is seen). */
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /**
     * How long an in-flight node's request may stay unrecorded by the node intake before the node counts as failed
     * (the message behind others of its node, or retried by the queue, is recorded well within it; one that went to
     * the dead-letter queue never is).
     */
    public static final Duration UNRECORDED_LIMIT = Duration.ofHours(1);

    private RolloutEngine() {
    }

    /** What the rollout's step saw. */
    public record Inputs(RolloutControls controls, Function<String, Optional<RequestRecord>> requests,
                         java.util.function.BiFunction<String, java.util.Set<String>, ClusterLoad> clusters, Supplier<Admission.CalendarState> calendar,
                         Instant now) {

        public Inputs {
            Objects.requireNonNull(controls, "controls");
            Objects.requireNonNull(requests, "requests");
            Objects.requireNonNull(clusters, "clusters");
            Objects.requireNonNull(calendar, "calendar");
            Objects.requireNonNull(now, "now");
        }
    }

    /** An event of the rollout (published as its detail type). */
    public record Event(String type, String detail) {
    }

    /**
     * The step's result.
     *
     * @param start  the node requests to send, after the record is written: the nodes this step started, and the
     *               in-flight ones whose requests the node intake has not recorded yet (sent again)
     * @param wakeIn when to step again; {@code null} when the rollout has ended or waits for an approval
     */
    public record Advance(Rollout rollout, List<TargetRun> start, List<Event> events, Duration wakeIn) {

        public Advance {
            start = List.copyOf(start);
            events = List.copyOf(events);
        }
    }

    public static Advance advance(Rollout r, Inputs in) {
        List<Event> events = new ArrayList<>();
        if (r.status().finished()) {
            return new Advance(r, List.of(), List.of(), null);
        }
        if (r.status() == RolloutStatus.AWAITING_APPROVAL) {
            if (r.cancelRequested()) {
                return end(r, RolloutStatus.CANCELLED, null, in.now(), events);
            }
            if (r.approvedBy() == null) {
                return new Advance(r.with(r.status(), 0, null, List.of(new Admission.Wait(
                        Admission.WaitReason.APPROVAL, null, null, "waiting for an approval")), null, null),
                        List.of(), events, null);
            }
            events.add(new Event("RolloutStarted", "approved by " + r.approvedBy()));
            r = r.with(RolloutStatus.RUNNING, 0, null, List.of(), null, null);
        } else if (r.batch() == 0 && r.status() == RolloutStatus.RUNNING && r.count(TargetRun.State.WAITING)
                == r.targets().size()) {
            events.add(new Event("RolloutStarted", r.targets().size() + " node(s) in " + r.batches() + " batch(es)"));
        }

        Collected collected = collect(r, in);
        Advance a = decide(collected.rollout(), in, events);
        if (collected.unrecorded().isEmpty()) {
            return a;
        }
        List<TargetRun> send = new ArrayList<>(collected.unrecorded());
        send.addAll(a.start());
        return new Advance(a.rollout(), send, a.events(), a.wakeIn());
    }

    /** The step after the requests' outcomes are read: budgets, controls, the batches. */
    private static Advance decide(Rollout r, Inputs in, List<Event> events) {
        int failed = (int) r.count(TargetRun.State.FAILED);
        long inFlight = r.count(TargetRun.State.IN_FLIGHT);
        RolloutStatus status = r.status();
        String halt = r.haltReason();
        if (halt == null && in.controls().errorBudget().exceeded(failed, r.targets().size())) {
            halt = failed + " of " + r.targets().size() + " node(s) failed: " + in.controls().errorBudget();
            status = RolloutStatus.HALTING;
        }
        if (r.cancelRequested() && status != RolloutStatus.HALTING) {
            status = RolloutStatus.CANCELLING;
        }
        if (status == RolloutStatus.HALTING || status == RolloutStatus.CANCELLING) {
            if (inFlight == 0) {
                return end(r.with(status, r.batch(), r.batchEndedAt(), r.waits(), halt, null),
                        status == RolloutStatus.HALTING ? RolloutStatus.HALTED : RolloutStatus.CANCELLED, halt,
                        in.now(), events);
            }
            return new Advance(r.with(status, r.batch(), r.batchEndedAt(), List.of(), halt, null), List.of(), events,
                    POLL);
        }
        if (r.pauseRequested()) {
            if (status != RolloutStatus.PAUSED) {
                events.add(new Event("RolloutPaused", inFlight + " node(s) in flight finish"));
            }
            return new Advance(r.with(RolloutStatus.PAUSED, r.batch(), r.batchEndedAt(), List.of(), null, null),
                    List.of(), events, inFlight > 0 ? POLL : MAX_WAIT);
        }
        if (status == RolloutStatus.PAUSED) {
            events.add(new Event("RolloutResumed", ""));
        }
        return run(r.with(RolloutStatus.RUNNING, r.batch(), r.batchEndedAt(), r.waits(), null, null), in, events);
    }

    /** The batches: finish the current one, soak, start the next; admit its waiting nodes. */
    private static Advance run(Rollout r, Inputs in, List<Event> events) {
        int batch = r.batch();
        Instant batchEnd = r.batchEndedAt();
        if (batch == 0 || batchDone(r, batch)) {
            if (batch > 0 && batchEnd == null) {
                batchEnd = lastEnd(r, batch, in.now());
            }
            if (batch == r.batches()) {
                return end(r.with(RolloutStatus.RUNNING, batch, batchEnd, List.of(), null, null),
                        RolloutStatus.COMPLETED, null, in.now(), events);
            }
            Instant soakEnd = batch == 0 ? in.now() : batchEnd.plus(in.controls().soak());
            if (in.now().isBefore(soakEnd)) {
                List<Admission.Wait> soak = List.of(new Admission.Wait(Admission.WaitReason.SOAK, null, null,
                        "batch " + batch + " soaks until " + soakEnd));
                return new Advance(r.with(RolloutStatus.RUNNING, batch, batchEnd, soak, null, null), List.of(),
                        events, min(Duration.between(in.now(), soakEnd), MAX_WAIT));
            }
            batch++;
            batchEnd = null;
            events.add(new Event("RolloutBatchStarted", "batch " + batch + " of " + r.batches()));
        }
        int current = batch;
        List<RolloutTarget> waiting = r.targets().stream()
                .filter(t -> t.batch() == current && t.state() == TargetRun.State.WAITING).map(TargetRun::target)
                .toList();
        List<RolloutTarget> inFlight = r.targets().stream().filter(t -> t.state() == TargetRun.State.IN_FLIGHT)
                .map(TargetRun::target).toList();
        Admission.Decision d = waiting.isEmpty() ? new Admission.Decision(List.of(), List.of(), null)
                : Admission.admit(new Admission.Situation(r.action(), in.controls(), waiting, inFlight,
                        r.action().drains() ? loads(waiting, inFlight, in) : Map.of(), in.now(),
                        in.controls().changeCalendar() == null ? null : in.calendar().get()));
        List<String> starting = d.start();
        List<TargetRun> started = new ArrayList<>();
        Rollout next = r.withTargets(t -> {
            if (starting.contains(t.nodeId()) && t.state() == TargetRun.State.WAITING) {
                TargetRun s = t.started(r.id() + "-" + t.index(), in.now());
                started.add(s);
                return s;
            }
            return t;
        });
        if (!d.waits().isEmpty() && !sameReasons(r.waits(), d.waits())) {
            events.add(new Event("RolloutWaiting", d.waits().get(0).reason() + ": " + d.waits().get(0).detail()));
        }
        Duration wake = POLL;
        if (d.wakeAt() != null) {
            wake = min(Duration.between(in.now(), d.wakeAt()), MAX_WAIT);
        }
        return new Advance(next.with(RolloutStatus.RUNNING, batch, batchEnd, d.waits(), null, null), started, events,
                wake);
    }

    /** The rollout with its in-flight targets' outcomes read, and the in-flight ones not yet recorded. */
    private record Collected(Rollout rollout, List<TargetRun> unrecorded) {
    }

    /**
     * Ends the in-flight targets whose requests have an outcome, and those whose requests were never recorded within
     * {@link #UNRECORDED_LIMIT}; lists the other unrecorded ones.
     */
    private static Collected collect(Rollout r, Inputs in) {
        List<TargetRun> unrecorded = new ArrayList<>();
        Rollout read = r.withTargets(t -> {
            if (t.state() != TargetRun.State.IN_FLIGHT) {
                return t;
            }
            Optional<RequestRecord> rec = in.requests().apply(t.requestId());
            if (rec.isEmpty()) {
                if (t.startedAt() != null && !in.now().isBefore(t.startedAt().plus(UNRECORDED_LIMIT))) {
                    return t.ended(TargetRun.State.FAILED, null, "its request " + t.requestId() + " was sent but "
                            + "never recorded by the node intake within " + UNRECORDED_LIMIT.toMinutes()
                            + " minutes: look for it in the dead-letter queue", in.now());
                }
                unrecorded.add(t);
                return t;
            }
            if (!rec.get().completed() || rec.get().outcome() == null) {
                return t;
            }
            RequestRecord done = rec.get();
            boolean ok = done.outcome().success();
            String why = done.failure() == null ? null : done.failure().reason() + ": " + done.failure().message();
            return t.ended(ok ? TargetRun.State.SUCCEEDED : TargetRun.State.FAILED, done.outcome().name(), why,
                    done.finishedAt() != null ? done.finishedAt() : in.now());
        });
        return new Collected(read, unrecorded);
    }

    private static Advance end(Rollout r, RolloutStatus to, String halt, Instant now, List<Event> events) {
        Rollout ended = r.withTargets(t -> t.state() == TargetRun.State.WAITING
                ? t.ended(TargetRun.State.NOT_STARTED, null, "the rollout " + (to == RolloutStatus.HALTED ? "halted"
                        : to == RolloutStatus.CANCELLED ? "was cancelled" : "ended") + " before it started", now)
                : t);
        long ok = ended.count(TargetRun.State.SUCCEEDED);
        long failed = ended.count(TargetRun.State.FAILED);
        long notStarted = ended.count(TargetRun.State.NOT_STARTED);
        String summary = ok + " succeeded, " + failed + " failed, " + notStarted + " not started";
        events.add(new Event(switch (to) {
            case HALTED -> "RolloutHalted";
            case CANCELLED -> "RolloutCancelled";
            default -> "RolloutCompleted";
        }, halt == null ? summary : halt + "; " + summary));
        return new Advance(ended.with(to, r.batch(), r.batchEndedAt(), List.of(), halt, now), List.of(), events,
                null);
    }

    /**
     * The load of every cluster a waiting node is in (one read each), with the tasks of the rollout's nodes in it:
     * the waiting ones and those in flight, the only instances the capacity check drains.
     */
    private static Map<String, ClusterLoad> loads(List<RolloutTarget> waiting, List<RolloutTarget> inFlight,
                                                  Inputs in) {
        Map<String, java.util.Set<String>> arns = new java.util.LinkedHashMap<>();
        for (RolloutTarget t : waiting) {
            arns.computeIfAbsent(t.cluster(), k -> new java.util.HashSet<>());
        }
        for (RolloutTarget t : java.util.stream.Stream.concat(waiting.stream(), inFlight.stream()).toList()) {
            if (arns.containsKey(t.cluster()) && t.containerInstanceArn() != null) {
                arns.get(t.cluster()).add(t.containerInstanceArn());
            }
        }
        Map<String, ClusterLoad> out = new HashMap<>();
        arns.forEach((cluster, named) -> out.put(cluster, in.clusters().apply(cluster, named)));
        return out;
    }

    private static boolean batchDone(Rollout r, int batch) {
        return r.targets().stream().filter(t -> t.batch() == batch).allMatch(t -> t.state().ended());
    }

    private static Instant lastEnd(Rollout r, int batch, Instant now) {
        return r.targets().stream().filter(t -> t.batch() == batch).map(TargetRun::endedAt)
                .filter(Objects::nonNull).max(Instant::compareTo).orElse(now);
    }

    private static boolean sameReasons(List<Admission.Wait> before, List<Admission.Wait> now) {
        return before.stream().map(Admission.Wait::reason).distinct().toList()
                .equals(now.stream().map(Admission.Wait::reason).distinct().toList());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
