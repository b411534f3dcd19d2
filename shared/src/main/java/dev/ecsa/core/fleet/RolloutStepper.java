package dev.ecsa.core.fleet;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.NodeRequestSender;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The rollout workflow's one Task: reads the rollout, takes one {@link RolloutEngine} step, sends the node requests
 * the step starts onto the node-request queue, writes the record back, publishes the step's events, and tells the
 * workflow when to come back.
 *
 * <p>The record is written before the requests are sent, so what was sent is always recorded IN_FLIGHT: a write
 * that loses the race with an operator's control (a cancel, say) sends nothing and fails the step as retryable, and
 * the workflow's Retry steps again from a fresh read. A step that dies after the write and before a send leaves an
 * in-flight node without a request; the next step sends it (the same request id: the FIFO queue drops a copy
 * within five minutes, and the node intake answers a later one as a replay).
 */
public final class RolloutStepper {

    /**
     * Steps one execution takes before it hands the rollout to a new one: a Standard execution keeps 25,000 history
     * events and a step's loop writes about nine, so a thousand steps leave room for every retry.
     */
    public static final int DEFAULT_STEPS_PER_EXECUTION = 1000;

    /** How often a rollout waiting for its approval looks again (the local interpreter runs Lambda tasks only). */
    public static final Duration APPROVAL_POLL = Duration.ofSeconds(30);

    private final RolloutStore rollouts;
    private final NodeStore nodes;
    private final ContainerInstances ecs;
    private final ChangeCalendars calendars;
    private final NodeRequestSender queue;
    private final EventPublisher events;
    private final Clock clock;
    private final Set<String> managedClusters;
    private final Function<String, Map<String, ?>> decode;
    private final Set<String> calendarNames;
    private final RolloutWorkflow workflow;
    private final int stepsPerExecution;

    /**
     * @param decode        reads a rollout's recorded message (JSON) back into the map the validator reads
     * @param calendarNames the change calendars the stack may read ({@code null}: any, for tests)
     * @param workflow      where a rollout continues once an execution has taken {@code stepsPerExecution} steps
     */
    public RolloutStepper(RolloutStore rollouts, NodeStore nodes, ContainerInstances ecs, ChangeCalendars calendars,
                          NodeRequestSender queue, EventPublisher events, Clock clock, Set<String> managedClusters,
                          Function<String, Map<String, ?>> decode, Set<String> calendarNames,
                          RolloutWorkflow workflow, int stepsPerExecution) {
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.calendars = Objects.requireNonNull(calendars, "calendars");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.managedClusters = Set.copyOf(managedClusters);
        this.decode = Objects.requireNonNull(decode, "decode");
        this.calendarNames = calendarNames == null ? null : Set.copyOf(calendarNames);
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        if (stepsPerExecution < 2) {
            throw new IllegalArgumentException("an execution takes at least 2 steps");
        }
        this.stepsPerExecution = stepsPerExecution;
    }

    /**
     * What the workflow does next.
     *
     * @param ended       this execution ends (the rollout has, or a new execution continues it: status CONTINUED)
     * @param waitSeconds how long to wait before the next step (0 when ended)
     * @param steps       the steps this execution has taken, this one included
     * @param generation  this execution's place among the rollout's executions, from 1
     */
    public record Next(String rolloutId, boolean ended, long waitSeconds, String status, int steps, int generation) {
    }

    /** One step, the first of a rollout's first execution. */
    public Next step(String rolloutId) {
        return step(rolloutId, 0, 1);
    }

    /**
     * One step.
     *
     * @param steps      the steps this execution took before
     * @param generation this execution's place among the rollout's executions, from 1
     */
    public Next step(String rolloutId, int steps, int generation) {
        Rollout r = rollouts.get(rolloutId).orElseThrow(() -> new PermanentException(Reason.NOT_FOUND,
                "no rollout " + rolloutId));
        if (r.status().finished()) {
            return new Next(r.id(), true, 0, r.status().name(), steps + 1, generation);
        }
        RolloutValidator.Result spec = RolloutValidator.validate(decode.apply(r.spec()), managedClusters,
                calendarNames);
        if (!spec.isValid()) {
            throw new PermanentException(Reason.INTERNAL, "rollout " + r.id() + " no longer validates: "
                    + spec.violations());
        }
        RolloutRequest request = spec.request();
        RolloutControls controls = request.controls();
        RolloutEngine.Advance a = RolloutEngine.advance(r, new RolloutEngine.Inputs(controls, nodes::getRequest,
                ecs::load, () -> calendars.state(controls.changeCalendar()), clock.instant()));
        Rollout next = a.rollout().next(clock.instant());
        if (!rollouts.replace(next)) {
            throw new RetryableException(Reason.CONFLICT, "rollout " + r.id() + " changed during the step (an"
                    + " operator's control); stepping again");
        }
        for (TargetRun t : a.start()) {
            queue.send(RolloutNodeRequests.of(request, t));
        }
        for (RolloutEngine.Event e : a.events()) {
            events.publish(new NodeEvent.RolloutEvent(r.id(), e.type(), next.status().name(), e.detail()));
        }
        if (next.status().finished()) {
            return new Next(r.id(), true, 0, next.status().name(), steps + 1, generation);
        }
        if (steps + 1 >= stepsPerExecution) {
            // The next execution takes over from a fresh history; this one ends here.
            workflow.continueAs(r.id(), generation + 1);
            return new Next(r.id(), true, 0, "CONTINUED", steps + 1, generation);
        }
        Duration wait = a.wakeIn() != null ? a.wakeIn() : APPROVAL_POLL;
        return new Next(r.id(), false, Math.max(1, wait.toSeconds()), next.status().name(), steps + 1, generation);
    }
}
