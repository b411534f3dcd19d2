package dev.ecsa.core.fakes;


import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.reconcile.ReconcileStore;
import dev.ecsa.core.reconcile.RepairPause;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@link NodeStore} contract, as tests every implementation must pass: the in-memory fake (in {@code shared})
 * and the DynamoDB adapter (against dynalite, in {@code local}) both extend this class, so they provably behave the
 * same. "Writes nothing" is checked through the store itself: the clock moves before the call, so any write would
 * show as a new {@code updatedAt}.
 */
public abstract class NodeStoreContract {

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    protected NodeStore store;
    private final RegisterRequest request = new RegisterRequest("req-1", "node-1", "10.0.0.5", 22, "ecsa", null,
            "edge", Map.of(), Map.of(), "provisioner", "");

    /** A new, empty store that reads time from {@code clock}. Called before every test. */
    protected abstract NodeStore newStore(Clock clock);

    /** Releases what {@link #newStore} took; nothing by default. */
    protected void release(NodeStore store) {
    }

    @BeforeEach
    void openStore() {
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        release(store);
    }

    private NodeRecord created() {
        return store.createNodeIfAbsent(NodeRecord.newRegistration(request, "edge", clock.instant())).node();
    }

    @Test
    void aRequestIsStoredOnceByItsId() {
        RequestRecord first = RequestRecord.received(request, clock.instant());
        assertThat(store.putRequestIfAbsent(first)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        RequestRecord redelivered = RequestRecord.received(request, clock.instant());
        assertThat(store.putRequestIfAbsent(redelivered)).isFalse();
        assertThat(store.getRequest("req-1")).contains(first);
        assertThat(store.getRequest("req-unknown")).isEmpty();
    }

    @Test
    void aNodeItemIsCreatedOnceInTheInitialState() {
        assertThat(store.getNode("node-1")).isEmpty();
        NodeCreation c1 = store.createNodeIfAbsent(NodeRecord.newRegistration(request, "edge", clock.instant()));
        assertThat(c1.created()).isTrue();
        assertThat(c1.node().state()).isEqualTo(NodeState.REGISTERING);
        assertThat(c1.node().version()).isEqualTo(1);
        assertThat(store.getNode("node-1")).contains(c1.node());
        NodeCreation c2 = store.createNodeIfAbsent(NodeRecord.newRegistration(request, "other", clock.instant()));
        assertThat(c2.created()).isFalse();
        assertThat(c2.node()).isEqualTo(c1.node());
        NodeRecord notInitial = c1.node().movedTo(NodeState.REGISTERED, 1, clock.instant());
        assertThatThrownBy(() -> store.createNodeIfAbsent(notInitial)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTransitionWritesStateVersionAndFieldsTogether() {
        created();
        clock.advance(Duration.ofMinutes(3));
        TransitionResult r = store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId("mi-0123456789abcdef0").withContainerInstanceArn("arn:ci/1"));
        assertThat(r.decision()).isEqualTo(TransitionDecision.APPLY);
        NodeRecord n = store.getNode("node-1").orElseThrow();
        assertThat(r.node()).isEqualTo(n);
        assertThat(n.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(n.version()).isEqualTo(2);
        assertThat(n.managedInstanceId()).isEqualTo("mi-0123456789abcdef0");
        assertThat(n.containerInstanceArn()).isEqualTo("arn:ci/1");
        assertThat(n.stateChangedAt()).isEqualTo(clock.instant());
        assertThat(n.updatedAt()).isEqualTo(clock.instant());
        assertThat(n.createdAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(3)));
        assertThat(n.address()).isEqualTo("10.0.0.5");
        assertThat(n.cluster()).isEqualTo("edge");
    }

    @Test
    void aTransitionCanSetAndClearTheLastError() {
        created();
        Failure why = new Failure(Reason.INSTALL_FAILED, "install script exited 1");
        NodeRecord failed = store.transition("node-1",
                new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1),
                NodeUpdate.none().withLastError(why)).orThrow();
        assertThat(failed.lastError()).isEqualTo(why);
        NodeRecord retrying = store.transition("node-1",
                new Transition(NodeState.REGISTRATION_FAILED, NodeState.REGISTERING, 2),
                NodeUpdate.none().clearingLastError().withLastRequestId("req-2")).orThrow();
        assertThat(retrying.lastError()).isNull();
        assertThat(retrying.lastRequestId()).isEqualTo("req-2");
        assertThat(retrying.version()).isEqualTo(3);
        assertThat(store.getNode("node-1")).contains(retrying);
    }

    @Test
    void aReplayedTransitionIsAlreadyDoneAndWritesNothing() {
        created();
        Transition move = new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1);
        NodeRecord after = store.transition("node-1", move, NodeUpdate.none().withManagedInstanceId("mi-1")).orThrow();
        clock.advance(Duration.ofSeconds(30));
        TransitionResult replay = store.transition("node-1", move, NodeUpdate.none().withManagedInstanceId("mi-2"));
        assertThat(replay.decision()).isEqualTo(TransitionDecision.ALREADY_DONE);
        assertThat(replay.node()).isEqualTo(after);
        assertThat(store.getNode("node-1")).contains(after);
    }

    @Test
    void aStaleOrMisplacedTransitionIsAConflictAndWritesNothing() {
        created();
        NodeRecord failed = store.transition("node-1",
                new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1), NodeUpdate.none()).orThrow();
        clock.advance(Duration.ofSeconds(30));
        TransitionResult r = store.transition("node-1",
                new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId("mi-9"));
        assertThat(r.decision()).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(r.node()).isEqualTo(failed);
        assertThat(store.getNode("node-1")).contains(failed);
        assertThatThrownBy(r::orThrow).isInstanceOf(PermanentException.class)
                .hasMessageContaining("REGISTRATION_FAILED at version 2")
                .satisfies(e -> assertThat(((PermanentException) e).reason()).isEqualTo(Reason.CONFLICT));
        // right state, wrong version
        TransitionResult stale = store.transition("node-1",
                new Transition(NodeState.REGISTRATION_FAILED, NodeState.REGISTERING, 1), NodeUpdate.none());
        assertThat(stale.decision()).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(store.getNode("node-1")).contains(failed);
    }

    @Test
    void aNeverSeenNodeCannotBeTransitioned() {
        TransitionResult r = store.transition("ghost", new Transition(NodeState.REGISTERED, NodeState.DRAINING, 1),
                NodeUpdate.none());
        assertThat(r.decision()).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(r.node()).isNull();
        assertThat(store.getNode("ghost")).isEmpty();
    }

    @Test
    void racingTransitionsApplyExactlyOnceAndTheRestAreReplaysOrConflicts() throws Exception {
        created();
        Transition toRegistered = new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1);
        Transition toFailed = new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1);
        int calls = 16;
        List<Callable<TransitionResult>> tasks = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Transition t = i % 2 == 0 ? toRegistered : toFailed;
            tasks.add(() -> store.transition("node-1", t, NodeUpdate.none().withLastRequestId("req-" + t.to())));
        }
        List<TransitionResult> results = runTogether(tasks);
        List<TransitionResult> applied = results.stream()
                .filter(r -> r.decision() == TransitionDecision.APPLY).toList();
        assertThat(applied).hasSize(1);
        NodeRecord winner = store.getNode("node-1").orElseThrow();
        assertThat(winner).isEqualTo(applied.get(0).node());
        assertThat(winner.version()).isEqualTo(2);
        assertThat(winner.lastRequestId()).isEqualTo("req-" + winner.state());
        // Same move as the winner: a replay; the other move: a conflict. No call lost or doubled an update.
        long replays = results.stream().filter(r -> r.decision() == TransitionDecision.ALREADY_DONE).count();
        long conflicts = results.stream().filter(r -> r.decision() == TransitionDecision.CONFLICT).count();
        assertThat(replays).isEqualTo(calls / 2 - 1);
        assertThat(conflicts).isEqualTo(calls / 2);
        assertThat(results).allSatisfy(r -> assertThat(r.node()).isEqualTo(winner));
    }

    @Test
    void updatesAreConditionalOnStateAndKeepTheVersion() {
        created();
        clock.advance(Duration.ofSeconds(10));
        NodeRecord n = store.updateNode("node-1", NodeState.REGISTERING,
                NodeUpdate.none().withHostKeyFingerprint("SHA256:pinned").withLastError(
                        new Failure(Reason.HOST_UNREACHABLE, "retrying")));
        assertThat(n.version()).isEqualTo(1);
        assertThat(n.updatedAt()).isEqualTo(clock.instant());
        assertThat(n.stateChangedAt()).isEqualTo(clock.instant().minusSeconds(10));
        assertThat(n.hostKeyFingerprint()).isEqualTo("SHA256:pinned");
        assertThat(n.error()).contains(new Failure(Reason.HOST_UNREACHABLE, "retrying"));
        assertThat(store.getNode("node-1")).contains(n);
        NodeRecord cleared = store.updateNode("node-1", NodeState.REGISTERING, NodeUpdate.none().clearingLastError());
        assertThat(cleared.lastError()).isNull();
        assertThat(cleared.hostKeyFingerprint()).isEqualTo("SHA256:pinned");
        assertThat(store.getNode("node-1")).contains(cleared);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> store.updateNode("node-1", NodeState.REGISTERED, NodeUpdate.none()))
                .isInstanceOf(PermanentException.class).hasMessageContaining("CONFLICT");
        assertThat(store.getNode("node-1")).contains(cleared);
        assertThatThrownBy(() -> store.updateNode("ghost", NodeState.REGISTERED, NodeUpdate.none()))
                .isInstanceOf(PermanentException.class).hasMessageContaining("absent");
        assertThat(store.getNode("ghost")).isEmpty();
    }

    @Test
    void ofTwoClaimsOnTheSameSeenNodeExactlyOneWinsEvenUnderAFrozenClock() {
        NodeRecord seen = created();
        // The clock does not move: the claim must still change updatedAt, or the second would pass as well.
        Optional<NodeRecord> first = store.claimNode(seen, NodeUpdate.none().clearingLastError());
        Optional<NodeRecord> second = store.claimNode(seen, NodeUpdate.none().withHostKeyFingerprint("SHA256:late"));

        assertThat(first).isPresent();
        assertThat(first.get().updatedAt()).isAfter(seen.updatedAt());
        assertThat(first.get().version()).isEqualTo(seen.version());
        assertThat(second).isEmpty();
        assertThat(store.getNode("node-1")).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.claimNode(first.get(), NodeUpdate.none())).hasValueSatisfying(
                n -> assertThat(n.updatedAt()).isEqualTo(clock.instant()));
        assertThat(store.claimNode(seen, NodeUpdate.none())).isEmpty();
    }

    @Test
    void aReplayedStepReplacesItselfAndNewStepsAppend() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        Instant start = clock.instant();
        RequestRecord begun = store.appendStep("req-1", Step.started("bootstrap", start));
        assertThat(begun.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        clock.advance(Duration.ofSeconds(40));
        store.appendStep("req-1", Step.started("bootstrap", start).end(clock.instant(), StepResult.SUCCEEDED, "ok"));
        RequestRecord last = store.appendStep("req-1", Step.started("verify", clock.instant()));
        RequestRecord r = store.getRequest("req-1").orElseThrow();
        assertThat(r).isEqualTo(last);
        assertThat(r.steps()).extracting(Step::name).containsExactly("bootstrap", "verify");
        assertThat(r.steps().get(0).result()).isEqualTo(StepResult.SUCCEEDED);
        assertThat(r.steps().get(0).endedAt()).isEqualTo(clock.instant());
        assertThat(r.steps().get(0).detail()).isEqualTo("ok");
        assertThat(r.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThatThrownBy(() -> store.appendStep("nope", Step.started("x", start)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("NOT_FOUND");
        assertThat(store.getRequest("nope")).isEmpty();
    }

    @Test
    void severalStepsAreWrittenTogetherAndTheLastOfOneIdentityCounts() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        Instant start = clock.instant();
        Step guard = new Step("guard", start, start, StepResult.SUCCEEDED, "new node");
        Step bootstrap = Step.started("bootstrap", start.plusSeconds(1));
        RequestRecord r = store.appendSteps("req-1", List.of(guard, bootstrap,
                bootstrap.end(start.plusSeconds(2), StepResult.FAILED, "refused")));
        assertThat(r.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(r.steps()).extracting(Step::name, Step::result)
                .containsExactly(tuple("guard", StepResult.SUCCEEDED), tuple("bootstrap", StepResult.FAILED));
        assertThat(store.getRequest("req-1")).contains(r);
    }

    @Test
    void theLastStepsAreWrittenWithTheOutcomeAndAfterItToo() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        Instant start = clock.instant();
        store.appendStep("req-1", Step.started("verify", start));
        clock.advance(Duration.ofSeconds(1));
        RequestRecord done = store.finishRequest("req-1", Outcome.REGISTERED, null, List.of(
                Step.started("verify", start).end(clock.instant(), StepResult.SUCCEEDED, "ok"),
                new Step("record", clock.instant(), clock.instant(), StepResult.SUCCEEDED, "REGISTERED")));
        assertThat(done.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(done.steps()).extracting(Step::name, Step::result)
                .containsExactly(tuple("verify", StepResult.SUCCEEDED), tuple("record", StepResult.SUCCEEDED));

        // A late copy: the outcome stays, its step is kept.
        clock.advance(Duration.ofSeconds(1));
        RequestRecord late = store.finishRequest("req-1", Outcome.FAILED, new Failure(Reason.INTERNAL, "late"),
                List.of(new Step("delete-activation", clock.instant(), clock.instant(), StepResult.SUCCEEDED, "a-1",
                        "a-1")));
        assertThat(late.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(late.failure()).isNull();
        assertThat(late.steps()).extracting(Step::name).containsExactly("verify", "record", "delete-activation");
        assertThat(late.steps().get(2).resourceId()).isEqualTo("a-1");
        assertThat(store.getRequest("req-1")).contains(late);
        assertThatThrownBy(() -> store.appendSteps("nope", List.of(Step.started("x", start))))
                .isInstanceOf(PermanentException.class).hasMessageContaining("NOT_FOUND");
    }

    @Test
    void concurrentStepsAreAllKept() throws Exception {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        int steps = 12;
        List<Callable<RequestRecord>> tasks = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Step step = Step.started("step-" + i, clock.instant().plusMillis(i));
            tasks.add(() -> store.appendStep("req-1", step));
        }
        runTogether(tasks);
        Set<String> names = new HashSet<>();
        store.getRequest("req-1").orElseThrow().steps().forEach(s -> names.add(s.name()));
        assertThat(names).hasSize(steps);
        assertThat(store.getRequest("req-1").orElseThrow().steps()).hasSize(steps);
    }

    @Test
    void theFirstFinishWins() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        RequestRecord done = store.finishRequest("req-1", Outcome.REGISTERED, null);
        assertThat(done.completed()).isTrue();
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(done.failure()).isNull();
        clock.advance(Duration.ofSeconds(1));
        RequestRecord again = store.finishRequest("req-1", Outcome.FAILED, new Failure(Reason.INTERNAL, "late"));
        assertThat(again).isEqualTo(done);
        assertThat(store.getRequest("req-1")).contains(done);
        assertThatThrownBy(() -> store.finishRequest("nope", Outcome.FAILED, null))
                .isInstanceOf(PermanentException.class).hasMessageContaining("NOT_FOUND");
    }

    @Test
    void racingFinishesAgreeOnOneOutcome() throws Exception {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        List<Callable<RequestRecord>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Outcome how = i % 2 == 0 ? Outcome.REGISTERED : Outcome.FAILED;
            Failure why = how == Outcome.FAILED ? new Failure(Reason.INSTALL_FAILED, "attempt " + i) : null;
            tasks.add(() -> store.finishRequest("req-1", how, why));
        }
        List<RequestRecord> results = runTogether(tasks);
        RequestRecord stored = store.getRequest("req-1").orElseThrow();
        assertThat(stored.completed()).isTrue();
        assertThat(results).allSatisfy(r -> assertThat(r).isEqualTo(stored));
    }

    @Test
    void aCompletedRequestKeepsItsOutcomeWhenAStepArrivesLate() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        store.finishRequest("req-1", Outcome.FAILED, new Failure(Reason.TIMED_OUT, "budget spent"));
        RequestRecord late = store.appendStep("req-1", Step.started("cleanup", clock.instant()));
        assertThat(late.status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(late.result()).contains(Outcome.FAILED);
        assertThat(late.steps()).extracting(Step::name).containsExactly("cleanup");
        assertThat(store.getRequest("req-1")).contains(late);
    }

    @Test
    void everyFieldOfANodeSurvivesTheStore() {
        Instant odd = Instant.parse("2026-03-01T12:00:00.123456789Z");
        NodeRecord full = new NodeRecord("node-full", NodeState.REGISTERING, 1, "edge",
                "mi-0123456789abcdef0", "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/abc",
                "SHA256:AAAAC3NzaC1lZDI1NTE5", "host.example.internal", 2222, "deploy",
                new AgentVersions("3.3.0.0", "1.89.0", null), "req-full",
                new Failure(Reason.AGENT_NOT_READY, "ecs agent not up after 120 s; \"quotes\" and ünïcode"),
                odd, odd.plusMillis(1), odd.plusNanos(1), Map.of("rack", "r4", "site/zone", "eu.1:a"));
        assertThat(store.createNodeIfAbsent(full).created()).isTrue();
        assertThat(store.getNode("node-full")).contains(full);
        NodeRecord moved = store.transition("node-full",
                new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withAgentVersions(new AgentVersions(null, null, "1.89.0-1"))
                        .withSsh("10.1.2.3", 22, "ecsa").withCluster("core")
                        .withAttributes(Map.of("rack", "r5"))).orThrow();
        assertThat(moved.agentVersions()).isEqualTo(new AgentVersions(null, null, "1.89.0-1"));
        assertThat(moved.attributes()).as("replaced as a whole").isEqualTo(Map.of("rack", "r5"));
        assertThat(moved.port()).isEqualTo(22);
        assertThat(moved.cluster()).isEqualTo("core");
        assertThat(store.getNode("node-full")).contains(moved);
        assertThat(store.listNodesByState(NodeState.REGISTERED)).containsExactly(moved);
        NodeRecord kept = store.updateNode("node-full", NodeState.REGISTERED, NodeUpdate.none().withLastRequestId("r-2"));
        assertThat(kept.attributes()).as("an update without attributes keeps them").isEqualTo(Map.of("rack", "r5"));
        NodeRecord cleared = store.updateNode("node-full", NodeState.REGISTERED, NodeUpdate.none().withAttributes(Map.of()));
        assertThat(cleared.attributes()).isEmpty();
        assertThat(store.getNode("node-full")).contains(cleared);
    }

    @Test
    void everyFieldOfARequestSurvivesTheStore() {
        DeregisterRequest dereg = new DeregisterRequest("req-d", "node-1", 420, TimeoutPolicy.FORCE,
                "operator@example.com", "hardware swap");
        RequestRecord received = RequestRecord.received(dereg, clock.instant().plusNanos(500));
        assertThat(store.putRequestIfAbsent(received)).isTrue();
        assertThat(store.getRequest("req-d")).contains(received);
        Step drain = new Step("start-drain", clock.instant(), clock.instant().plusSeconds(2), StepResult.SKIPPED,
                "already DRAINING");
        store.appendStep("req-d", drain);
        store.appendStep("req-d", Step.started("check-drain", clock.instant().plusSeconds(3)));
        clock.advance(Duration.ofMinutes(8));
        RequestRecord finished = store.finishRequest("req-d", Outcome.DRAIN_TIMED_OUT,
                new Failure(Reason.TIMED_OUT, "2 tasks still RUNNING: web:3, batch:1"));
        assertThat(store.getRequest("req-d")).contains(finished);
        assertThat(finished.steps()).containsExactly(drain,
                Step.started("check-drain", clock.instant().minus(Duration.ofMinutes(8)).plusSeconds(3)));
        assertThat(finished.action()).isEqualTo(Action.DEREGISTER);
        assertThat(finished.requestedBy()).isEqualTo("operator@example.com");
        assertThat(finished.reason()).isEqualTo("hardware swap");

        RequestRecord rejected = RequestRecord.rejected("req-bad", "node-?", Action.REGISTER, "",
                new Failure(Reason.INVALID_REQUEST, "address: missing"), clock.instant());
        assertThat(store.putRequestIfAbsent(rejected)).isTrue();
        assertThat(store.getRequest("req-bad")).contains(rejected);
    }

    @Test
    void aNodesHealthIsStoredWithItsMovesAndRemovedAsAWhole() {
        created();
        Instant since = Instant.parse("2026-03-01T11:45:00.5Z");
        NodeHealth sick = new NodeHealth(since, "ECS reports the agent disconnected", null, null);
        store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1), NodeUpdate.none());
        assertThat(store.updateNode("node-1", NodeState.REGISTERED, NodeUpdate.none().withHealth(sick)).health())
                .isEqualTo(sick);
        NodeHealth quarantined = sick.withQuarantine(clock.instant());
        NodeRecord kept = store.transition("node-1", new Transition(NodeState.REGISTERED, NodeState.DRAIN_KEPT, 2),
                NodeUpdate.none().withHealth(quarantined)).orThrow();
        assertThat(kept.health()).isEqualTo(quarantined);
        assertThat(store.getNode("node-1").orElseThrow().health()).isEqualTo(quarantined);
        NodeRecord other = store.updateNode("node-1", NodeState.DRAIN_KEPT, NodeUpdate.none().withLastRequestId("r-9"));
        assertThat(other.health()).as("an update without health keeps it").isEqualTo(quarantined);
        store.updateNode("node-1", NodeState.DRAIN_KEPT, NodeUpdate.none().withHealth(NodeHealth.none()));
        assertThat(store.getNode("node-1").orElseThrow().health()).isEqualTo(NodeHealth.none());
    }

    @Test
    void theRepairPauseIsSetReadAndCleared() {
        assertThat(store).isInstanceOf(ReconcileStore.class);
        ReconcileStore reconcile = (ReconcileStore) store;
        assertThat(reconcile.repairPause()).isEmpty();
        RepairPause pause = new RepairPause("alice@example.com", "core switch upgrade", clock.instant());
        reconcile.pauseRepair(pause);
        assertThat(reconcile.repairPause()).contains(pause);
        assertThat(store.listNodesByState(NodeState.REGISTERED)).as("not a node").isEmpty();
        reconcile.resumeRepair();
        reconcile.resumeRepair();
        assertThat(reconcile.repairPause()).isEmpty();
    }

    @Test
    void nodesAreListedByState() {
        created();
        RegisterRequest other = new RegisterRequest("req-2", "node-2", "10.0.0.6", 22, "ecsa", null, null, null,
                null, "p", null);
        store.createNodeIfAbsent(NodeRecord.newRegistration(other, "edge", clock.instant()));
        store.transition("node-2", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1), NodeUpdate.none());
        // request records are not nodes, whatever their status
        store.putRequestIfAbsent(RequestRecord.received(other, clock.instant()));
        assertThat(store.listNodesByState(NodeState.REGISTERING)).extracting(NodeRecord::nodeId)
                .containsExactly("node-1");
        assertThat(store.listNodesByState(NodeState.REGISTERED)).extracting(NodeRecord::nodeId)
                .containsExactly("node-2");
        assertThat(store.listNodesByState(NodeState.REGISTERED).get(0)).isEqualTo(store.getNode("node-2").get());
        assertThat(store.listNodesByState(NodeState.DRAINING)).isEmpty();
    }

    /** Runs the tasks on as many threads, released together, and returns their results in order. */
    protected static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
