package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.validation.Violation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A rollout message arriving on the node-request queue: validated, its targets resolved from the inventory, planned
 * against the clusters as ECS reports them now, recorded, and (unless a dry run) its workflow started. A message that
 * breaks the rules is recorded as a REJECTED rollout with every rule it broke (under its request id, or
 * {@code sqs-<message id>} when that is unusable) and a RolloutRejected event. A redelivered message finds its record
 * and only makes sure the workflow runs; a request id already used by another rollout is rejected under the message's
 * own key. Also the operators' controls (pause, resume, cancel, approve), applied to the record for the workflow's
 * next step to see; a control that is invalid or names no rollout is recorded as a REJECTED record under
 * {@code sqs-<message id>}.
 */
public final class RolloutIntake {

    /** The control message's {@code action}. */
    public static final String CONTROL_ACTION = "rollout-control";

    private static final int CONTROL_ATTEMPTS = 5;

    private final RolloutStore rollouts;
    private final NodeStore nodes;
    private final ContainerInstances ecs;
    private final ChangeCalendars calendars;
    private final RolloutWorkflow workflow;
    private final EventPublisher events;
    private final Clock clock;
    private final Set<String> managedClusters;
    private final String defaultCluster;
    private final Set<String> calendarNames;

    /**
     * @param calendarNames the change calendars the stack may read ({@code null}: any, for tests)
     */
    public RolloutIntake(RolloutStore rollouts, NodeStore nodes, ContainerInstances ecs, ChangeCalendars calendars,
                         RolloutWorkflow workflow, EventPublisher events, Clock clock, Set<String> managedClusters,
                         String defaultCluster, Set<String> calendarNames) {
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.calendars = Objects.requireNonNull(calendars, "calendars");
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.managedClusters = Set.copyOf(managedClusters);
        this.defaultCluster = Objects.requireNonNull(defaultCluster, "defaultCluster");
        this.calendarNames = calendarNames == null ? null : Set.copyOf(calendarNames);
    }

    /** Whether a decoded message is a rollout or a rollout control (this intake's, not the node requests'). */
    public static boolean handles(Map<String, ?> body) {
        return body != null && (RolloutValidator.ACTION.equals(body.get("action"))
                || CONTROL_ACTION.equals(body.get("action")));
    }

    /**
     * Takes one rollout or control message.
     *
     * @param spec the message body as received (JSON), kept on the record
     * @return the rollout's record as it now stands
     */
    public Rollout accept(Map<String, ?> body, String spec, String messageId) {
        if (CONTROL_ACTION.equals(body.get("action"))) {
            return control(body, spec, messageId);
        }
        RolloutValidator.Result v = RolloutValidator.validate(body, managedClusters, calendarNames);
        Object rawId = body.get("requestId");
        String id = rawId instanceof String s && RolloutValidator.ROLLOUT_ID.matcher(s).matches() ? s
                : "sqs-" + messageId;
        if (!v.isValid()) {
            return reject(id, spec, body, sentence(v.violations()));
        }
        RolloutRequest request = v.request();
        Optional<Rollout> existing = rollouts.get(request.rolloutId());
        if (existing.isPresent()) {
            return replay(existing.get(), spec, body, messageId);
        }
        RolloutTargets.Resolved resolved = RolloutTargets.resolve(request, nodes::getNode,
                () -> inventory(request.selector()), defaultCluster);
        Map<String, ClusterLoad> loads = new LinkedHashMap<>();
        if (request.action().drains()) {
            // The plan's capacity check drains the first batch: the tasks of its nodes are the ones read.
            List<List<RolloutTarget>> batches = RolloutPlanner.batches(RolloutPlanner.order(resolved.targets(),
                    request.controls().spreadBy()), request.controls());
            Set<String> first = batches.isEmpty() ? Set.of() : batches.get(0).stream()
                    .map(RolloutTarget::containerInstanceArn).filter(Objects::nonNull).collect(Collectors.toSet());
            resolved.targets().stream().map(RolloutTarget::cluster).distinct()
                    .forEach(c -> loads.put(c, ecs.load(c, first)));
        }
        Admission.CalendarState calendar = request.controls().changeCalendar() == null ? null
                : calendars.state(request.controls().changeCalendar());
        RolloutPlanner.Plan plan = RolloutPlanner.plan(request.action(), request.controls(), resolved.targets(),
                resolved.excluded(), loads, clock.instant(), calendar);
        Rollout rollout = Rollout.planned(request, spec, plan, resolved.targets(), clock.instant());
        if (!rollouts.create(rollout)) {
            // Another copy of the message recorded it first.
            return replay(rollouts.get(request.rolloutId()).orElseThrow(), spec, body, messageId);
        }
        if (rollout.status() == RolloutStatus.PLANNED) {
            events.publish(new NodeEvent.RolloutEvent(rollout.id(), "RolloutPlanned", rollout.status().name(),
                    rollout.targets().size() + " node(s) in " + rollout.batches() + " batch(es), "
                            + rollout.excluded().size() + " excluded; nothing started (dry run)"));
        } else {
            workflow.start(rollout.id());
        }
        return rollout;
    }

    private Rollout replay(Rollout existing, String spec, Map<String, ?> body, String messageId) {
        if (!existing.spec().equals(spec)) {
            return reject("sqs-" + messageId, spec, body, "requestId " + existing.id()
                    + " already names another rollout; send this one with a new requestId");
        }
        if (!existing.status().finished()) {
            workflow.start(existing.id());
        }
        return existing;
    }

    private Rollout reject(String id, String spec, Map<String, ?> body, String why) {
        Object action = body.get("nodeAction");
        RolloutAction parsed = action instanceof String s ? RolloutAction.fromWireName(s).orElse(null) : null;
        Object by = body.get("requestedBy");
        Rollout rejected = Rollout.rejected(id, spec, parsed, by instanceof String s && s.length() <= 128 ? s : null,
                why, clock.instant());
        if (!rollouts.create(rejected)) {
            return rollouts.get(id).orElseThrow();
        }
        events.publish(new NodeEvent.RolloutEvent(id, "RolloutRejected", RolloutStatus.REJECTED.name(), why));
        return rejected;
    }

    /** An operator's control: applied to the record (conditional on its version, read again on a race). */
    private Rollout control(Map<String, ?> body, String spec, String messageId) {
        Object rawId = body.get("rolloutId");
        Object rawControl = body.get("control");
        Object rawBy = body.get("requestedBy");
        List<String> problems = new ArrayList<>();
        if (!(rawId instanceof String id) || !RolloutValidator.ROLLOUT_ID.matcher(id).matches()) {
            problems.add("rolloutId: must be a rollout id");
        }
        Rollout.Control control = null;
        if (rawControl instanceof String c) {
            for (Rollout.Control k : Rollout.Control.values()) {
                if (k.name().equalsIgnoreCase(c)) {
                    control = k;
                }
            }
        }
        if (control == null) {
            problems.add("control: must be one of pause, resume, cancel, approve");
        }
        if (!(rawBy instanceof String by) || by.isBlank() || by.length() > 128) {
            problems.add("requestedBy: must be 1 to 128 characters");
        }
        for (String key : body.keySet()) {
            if (!Set.of("action", "rolloutId", "control", "requestedBy", "reason").contains(key)) {
                problems.add((key.matches("[A-Za-z0-9_.-]{1,64}") ? key : "field") + ": is not a known field");
            }
        }
        if (!problems.isEmpty()) {
            return reject("sqs-" + messageId, spec, body, "Invalid rollout control (" + problems.size()
                    + " problem" + (problems.size() == 1 ? "" : "s") + "): " + String.join("; ", problems));
        }
        String id = (String) rawId;
        for (int attempt = 1; attempt <= CONTROL_ATTEMPTS; attempt++) {
            Optional<Rollout> found = rollouts.get(id);
            if (found.isEmpty()) {
                return reject("sqs-" + messageId, spec, body, "no rollout " + id + " to " + control.name()
                        .toLowerCase(java.util.Locale.ROOT));
            }
            Rollout current = found.get();
            if (current.status().finished()) {
                return current;
            }
            Rollout next = current.controlled(control, (String) rawBy).next(clock.instant());
            if (rollouts.replace(next)) {
                return next;
            }
        }
        throw new dev.ecsa.core.error.RetryableException(Reason.CONFLICT, "rollout " + id
                + " kept changing while the control was applied");
    }

    /** The nodes a selector may match: those in the states it names (one index query each), or in any state. */
    private List<NodeRecord> inventory(TargetSelector selector) {
        List<NodeRecord> all = new ArrayList<>();
        Set<NodeState> states = selector == null || selector.states().isEmpty()
                ? EnumSet.allOf(NodeState.class) : selector.states();
        for (NodeState state : states) {
            all.addAll(nodes.listNodesByState(state));
        }
        return all;
    }

    private static String sentence(List<Violation> violations) {
        String listed = violations.stream().limit(10).map(Violation::toString).collect(Collectors.joining("; "));
        return "Invalid rollout (" + violations.size() + " problem" + (violations.size() == 1 ? "" : "s") + "): "
                + listed + (violations.size() > 10 ? "; and " + (violations.size() - 10) + " more" : "");
    }
}
