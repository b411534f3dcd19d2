package dev.ecsa.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.InMemoryRolloutStore;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rollout's intake and its workflow step on the in-memory ports. */
class RolloutIntakeTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final InMemoryNodeStore nodes = new InMemoryNodeStore(clock);
    private final InMemoryContainerInstances ecs = new InMemoryContainerInstances();
    private final InMemoryRolloutStore rollouts = new InMemoryRolloutStore();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final List<String> started = new ArrayList<>();
    private final RolloutWorkflow workflow = new RolloutWorkflow() {
        @Override
        public void start(String rolloutId) {
            started.add(rolloutId);
        }

        @Override
        public void continueAs(String rolloutId, int generation) {
            started.add(rolloutId + "-g" + generation);
        }
    };
    private final List<NodeRequest> sent = new ArrayList<>();
    private Admission.CalendarState calendar = Admission.CalendarState.OPEN;
    private final RolloutIntake intake = new RolloutIntake(rollouts, nodes, ecs, name -> calendar, workflow,
            events, clock, Set.of(), "prod", null);
    private final RolloutStepper stepper = stepper(rollouts, sent::add, RolloutStepper.DEFAULT_STEPS_PER_EXECUTION);

    /** Specs in these tests are written by {@link #json}: a flat re-reading is enough. */
    private static final Map<String, Map<String, Object>> BODIES = new LinkedHashMap<>();

    private static String json(Map<String, Object> body) {
        String key = "{\"spec\":" + BODIES.size() + "}";
        BODIES.put(key, body);
        return key;
    }

    private static Map<String, ?> decode(String spec) {
        return BODIES.get(spec);
    }

    private void registered(String node) {
        ContainerInstance ci = ecs.register("prod", "mi-" + node, Map.of());
        RegisterRequest r = new RegisterRequest("reg-" + node, node, "10.0.0.1", 22, "ecsa", null, "prod", Map.of(),
                Map.of(), "test", "");
        nodes.createNodeIfAbsent(NodeRecord.newRegistration(r, "prod", clock.instant()));
        nodes.transition(node, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1), NodeUpdate.none()
                .withManagedInstanceId("mi-" + node).withContainerInstanceArn(ci.arn())).orThrow();
    }

    private Map<String, Object> deregister(String id, String... nodeIds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "rollout");
        m.put("requestId", id);
        m.put("requestedBy", "alice");
        m.put("nodeAction", "deregister");
        m.put("nodes", List.of(nodeIds));
        return m;
    }

    /** n-1 and n-2 registered, and a rollout {@code id} deregistering both at once (no canary, a budget of 2). */
    private Map<String, Object> bothAtOnce(String id) {
        registered("n-1");
        registered("n-2");
        Map<String, Object> body = deregister(id, "n-1", "n-2");
        body.put("canary", 0);
        body.put("batchSize", 2);
        body.put("maxUnavailable", 2);
        return body;
    }

    /** The test's rollout store, with {@code replace} as given (a write that races an operator's control). */
    private RolloutStore racing(java.util.function.Predicate<Rollout> replace) {
        return new RolloutStore() {
            @Override
            public boolean create(Rollout rollout) {
                return rollouts.create(rollout);
            }

            @Override
            public java.util.Optional<Rollout> get(String id) {
                return rollouts.get(id);
            }

            @Override
            public boolean replace(Rollout rollout) {
                return replace.test(rollout);
            }

            @Override
            public List<Rollout> recent(int limit) {
                return rollouts.recent(limit);
            }
        };
    }

    /** A stepper on the test's fakes, with this store, queue and steps per execution. */
    private RolloutStepper stepper(RolloutStore store, dev.ecsa.core.port.NodeRequestSender queue, int steps) {
        return new RolloutStepper(store, nodes, ecs, name -> calendar, queue, events, clock, Set.of(),
                RolloutIntakeTest::decode, null, workflow, steps);
    }

    /** A stepper like the test's own, on {@code store}. */
    private RolloutStepper steppingOn(RolloutStore store) {
        return stepper(store, sent::add, RolloutStepper.DEFAULT_STEPS_PER_EXECUTION);
    }

    /** n-1 registered and a rollout {@code id} of it recorded AWAITING_APPROVAL. */
    private void awaitingApproval(String id, String messageId) {
        registered("n-1");
        Map<String, Object> body = deregister(id, "n-1");
        body.put("approval", true);
        intake.accept(body, json(body), messageId);
    }

    @Test
    void aRolloutIsPlannedRecordedAndItsWorkflowStartedOnce() {
        registered("n-1");
        registered("n-2");
        Map<String, Object> body = deregister("retire-1", "n-1", "n-2", "ghost");
        String spec = json(body);

        Rollout r = intake.accept(body, spec, "m-1");

        assertThat(r.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(r.targets()).extracting(TargetRun::nodeId).containsExactly("n-1", "n-2");
        assertThat(r.excluded()).extracting(RolloutPlanner.Excluded::nodeId).containsExactly("ghost");
        assertThat(rollouts.get("retire-1")).hasValue(r);
        assertThat(started).containsExactly("retire-1");

        assertThat(intake.accept(body, spec, "m-1-again")).as("a redelivery").isEqualTo(r);
        assertThat(started).as("started again: the workflow's own name makes it a no-op")
                .containsExactly("retire-1", "retire-1");
    }

    @Test
    void aSelectorReadsOnlyTheStatesItNamesAndWithoutStatesEveryState() {
        registered("n-1");
        registered("n-2");
        Map<String, Object> body = deregister("sel-1");
        body.remove("nodes");
        body.put("selector", Map.of("states", List.of("REGISTERED"), "cluster", "prod"));

        Rollout r = intake.accept(body, json(body), "m-sel-1");

        assertThat(r.targets()).extracting(TargetRun::nodeId).containsExactlyInAnyOrder("n-1", "n-2");
        assertThat(nodes.stateQueries()).containsExactly(NodeState.REGISTERED);

        nodes.clearStateQueries();
        Map<String, Object> any = deregister("sel-2");
        any.remove("nodes");
        any.put("selector", Map.of("cluster", "prod"));
        intake.accept(any, json(any), "m-sel-2");
        assertThat(nodes.stateQueries()).containsExactlyInAnyOrder(NodeState.values());
    }

    @Test
    void aDryRunIsPlannedAndNothingStarts() {
        registered("n-1");
        Map<String, Object> body = deregister("look-1", "n-1");
        body.put("dryRun", true);

        Rollout r = intake.accept(body, json(body), "m-2");

        assertThat(r.status()).isEqualTo(RolloutStatus.PLANNED);
        assertThat(started).isEmpty();
        assertThat(events.eventsOf(NodeEvent.RolloutEvent.class)).extracting(NodeEvent.RolloutEvent::event)
                .containsExactly("RolloutPlanned");
        assertThat(r.plannedChecks()).extracting(RolloutPlanner.Check::name).contains("budget prod", "first batch");
        assertThat(r.plannedDisruption()).extracting(RolloutPlanner.Disruption::cluster).containsExactly("prod");
    }

    @Test
    void anInvalidRolloutOrAReusedIdIsRecordedRejected() {
        Map<String, Object> bad = deregister("bad-1");
        bad.put("nodes", List.of());
        Rollout r = intake.accept(bad, json(bad), "m-3");
        assertThat(r.status()).isEqualTo(RolloutStatus.REJECTED);
        assertThat(r.haltReason()).startsWith("Invalid rollout (1 problem): nodes:");
        assertThat(rollouts.get("bad-1")).hasValue(r);

        registered("n-1");
        Map<String, Object> first = deregister("same-id", "n-1");
        intake.accept(first, json(first), "m-4");
        Map<String, Object> other = deregister("same-id", "n-1");
        other.put("batchSize", 2);
        Rollout conflict = intake.accept(other, json(other), "m-5");
        assertThat(conflict.id()).isEqualTo("sqs-m-5");
        assertThat(conflict.haltReason()).contains("already names another rollout");
        assertThat(events.eventsOf(NodeEvent.RolloutEvent.class)).extracting(NodeEvent.RolloutEvent::event)
                .containsExactly("RolloutRejected", "RolloutRejected");
    }

    @Test
    void theStepSendsEachNodesRequestAndRecordsItsOutcome() {
        Map<String, Object> body = bothAtOnce("retire-2");
        body.put("drainTimeoutSeconds", 300);
        intake.accept(body, json(body), "m-6");

        RolloutStepper.Next next = stepper.step("retire-2");

        assertThat(next.ended()).isFalse();
        assertThat(next.waitSeconds()).isEqualTo(15);
        assertThat(sent).extracting(NodeRequest::requestId).containsExactly("retire-2-1", "retire-2-2");
        assertThat(sent.get(0)).isEqualTo(new DeregisterRequest("retire-2-1", "n-1", 300, null, "alice",
                "rollout retire-2"));
        for (NodeRequest n : sent) {
            nodes.putRequestIfAbsent(RequestRecord.received(n, clock.instant()));
            nodes.finishRequest(n.requestId(), Outcome.DEREGISTERED, null);
        }
        RolloutStepper.Next done = stepper.step("retire-2");
        assertThat(done.ended()).isTrue();
        assertThat(done.status()).isEqualTo("COMPLETED");
        assertThat(rollouts.get("retire-2").orElseThrow().count(TargetRun.State.SUCCEEDED)).isEqualTo(2);
        assertThat(events.eventsOf(NodeEvent.RolloutEvent.class)).extracting(NodeEvent.RolloutEvent::event)
                .containsExactly("RolloutStarted", "RolloutBatchStarted", "RolloutCompleted");
    }

    @Test
    void controlsReachTheRecordAndABadControlIsRecorded() {
        awaitingApproval("retire-3", "m-7");
        assertThat(stepper.step("retire-3").waitSeconds()).isEqualTo(RolloutStepper.APPROVAL_POLL.toSeconds());

        Map<String, Object> approve = Map.of("action", "rollout-control", "rolloutId", "retire-3", "control",
                "approve", "requestedBy", "carol");
        assertThat(intake.accept(approve, json(new LinkedHashMap<>(approve)), "m-8").approvedBy()).isEqualTo("carol");
        stepper.step("retire-3");
        assertThat(sent).extracting(NodeRequest::nodeId).containsExactly("n-1");

        Map<String, Object> bad = Map.of("action", "rollout-control", "rolloutId", "nope", "control", "pause",
                "requestedBy", "carol");
        Rollout r = intake.accept(bad, json(new LinkedHashMap<>(bad)), "m-9");
        assertThat(r.status()).isEqualTo(RolloutStatus.REJECTED);
        assertThat(r.haltReason()).isEqualTo("no rollout nope to pause");
    }

    @Test
    void anExecutionHandsTheRolloutToANewOneAfterItsSteps() {
        awaitingApproval("long-1", "m-11");
        RolloutStepper shortLived = stepper(rollouts, sent::add, 2);

        RolloutStepper.Next first = shortLived.step("long-1", 0, 1);
        RolloutStepper.Next second = shortLived.step("long-1", first.steps(), first.generation());

        assertThat(first.ended()).isFalse();
        assertThat(second.ended()).isTrue();
        assertThat(second.status()).isEqualTo("CONTINUED");
        assertThat(started).containsExactly("long-1", "long-1-g2");
        assertThat(rollouts.get("long-1").orElseThrow().status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
        assertThat(shortLived.step("long-1", 0, 2).ended()).as("the new execution steps on").isFalse();
    }

    @Test
    void aStepThatLosesTheRaceWithAControlIsRetried() {
        registered("n-1");
        Map<String, Object> body = deregister("retire-4", "n-1");
        intake.accept(body, json(body), "m-10");
        RolloutStepper loser = steppingOn(racing(rollout -> false));

        assertThatThrownBy(() -> loser.step("retire-4")).isInstanceOf(RetryableException.class)
                .hasMessageContaining("changed during the step");
        assertThat(sent).as("a step whose record was not written sends nothing").isEmpty();
    }

    @Test
    void aCancelThatRacesTheStepEndsTheRolloutWithNothingSentBehindItsBack() {
        Map<String, Object> body = bothAtOnce("retire-race");
        intake.accept(body, json(body), "m-20");
        // The operator's cancel lands while the step is deciding (between its read and its write).
        Map<String, Object> cancel = Map.of("action", "rollout-control", "rolloutId", "retire-race", "control",
                "cancel", "requestedBy", "carol");
        java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
        RolloutStepper step = steppingOn(racing(rollout -> {
            if (!raced.getAndSet(true)) {
                intake.accept(cancel, json(new LinkedHashMap<>(cancel)), "m-21");
            }
            return rollouts.replace(rollout);
        }));

        assertThatThrownBy(() -> step.step("retire-race")).isInstanceOf(RetryableException.class);
        RolloutStepper.Next retried = step.step("retire-race");

        assertThat(retried.status()).isEqualTo("CANCELLED");
        assertThat(sent).as("no node's request went out unrecorded").isEmpty();
        assertThat(rollouts.get("retire-race").orElseThrow().count(TargetRun.State.NOT_STARTED)).isEqualTo(2);
    }

    @Test
    void aRequestLostBetweenTheWriteAndTheSendIsSentAgainAndOneNeverRecordedFailsInTheEnd() {
        registered("n-1");
        Map<String, Object> body = deregister("retire-lost", "n-1");
        intake.accept(body, json(body), "m-22");
        RolloutStepper crashing = stepper(rollouts, request -> {
            throw new IllegalStateException("the environment died before SendMessage");
        }, RolloutStepper.DEFAULT_STEPS_PER_EXECUTION);

        assertThatThrownBy(() -> crashing.step("retire-lost")).isInstanceOf(IllegalStateException.class);
        assertThat(rollouts.get("retire-lost").orElseThrow().count(TargetRun.State.IN_FLIGHT)).isEqualTo(1);

        stepper.step("retire-lost");
        assertThat(sent).extracting(NodeRequest::requestId).as("sent again under its own id")
                .containsExactly("retire-lost-1");
        stepper.step("retire-lost");
        assertThat(sent).as("again while the intake has not recorded it (the queue drops copies)").hasSize(2);

        clock.advance(RolloutEngine.UNRECORDED_LIMIT);
        RolloutStepper.Next end = stepper.step("retire-lost");
        assertThat(end.status()).isEqualTo("HALTED");
        TargetRun lost = rollouts.get("retire-lost").orElseThrow().targets().get(0);
        assertThat(lost.state()).isEqualTo(TargetRun.State.FAILED);
        assertThat(lost.detail()).contains("never recorded", "dead-letter queue");
        assertThat(sent).as("not sent once it counts as failed").hasSize(2);
    }
}
