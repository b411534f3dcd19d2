package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryNodeStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final RegisterRequest request = new RegisterRequest("req-1", "node-1", "10.0.0.5", 22, "ecsa", null,
            "edge", Map.of(), Map.of(), "provisioner", "");

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
    }

    @Test
    void aNodeItemIsCreatedOnceInTheInitialState() {
        NodeCreation c1 = store.createNodeIfAbsent(NodeRecord.newRegistration(request, "edge", clock.instant()));
        assertThat(c1.created()).isTrue();
        assertThat(c1.node().state()).isEqualTo(NodeState.REGISTERING);
        assertThat(c1.node().version()).isEqualTo(1);
        NodeCreation c2 = store.createNodeIfAbsent(NodeRecord.newRegistration(request, "other", clock.instant()));
        assertThat(c2.created()).isFalse();
        assertThat(c2.node().cluster()).isEqualTo("edge");
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
        assertThat(n.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(n.version()).isEqualTo(2);
        assertThat(n.managedInstanceId()).isEqualTo("mi-0123456789abcdef0");
        assertThat(n.containerInstanceArn()).isEqualTo("arn:ci/1");
        assertThat(n.stateChangedAt()).isEqualTo(clock.instant());
        assertThat(n.createdAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(3)));
    }

    @Test
    void aReplayedTransitionIsAlreadyDoneAndWritesNothing() {
        created();
        Transition move = new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1);
        store.transition("node-1", move, NodeUpdate.none().withManagedInstanceId("mi-1"));
        int writes = store.writeCount();
        TransitionResult replay = store.transition("node-1", move, NodeUpdate.none().withManagedInstanceId("mi-2"));
        assertThat(replay.decision()).isEqualTo(TransitionDecision.ALREADY_DONE);
        assertThat(replay.orThrow().managedInstanceId()).isEqualTo("mi-1");
        assertThat(store.writeCount()).isEqualTo(writes);
    }

    @Test
    void aStaleOrMisplacedTransitionIsAConflictAndWritesNothing() {
        created();
        store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1),
                NodeUpdate.none());
        int writes = store.writeCount();
        TransitionResult r = store.transition("node-1",
                new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1), NodeUpdate.none());
        assertThat(r.decision()).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(r.node().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(store.writeCount()).isEqualTo(writes);
        assertThatThrownBy(r::orThrow).isInstanceOf(PermanentException.class)
                .hasMessageContaining("REGISTRATION_FAILED at version 2")
                .satisfies(e -> assertThat(((PermanentException) e).reason()).isEqualTo(Reason.CONFLICT));
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
    void racingTransitionsApplyExactlyOnce() throws Exception {
        created();
        Transition toRegistered = new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1);
        Transition toFailed = new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<TransitionResult>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Transition t = i % 2 == 0 ? toRegistered : toFailed;
                calls.add(() -> store.transition("node-1", t, NodeUpdate.none()));
            }
            long applied = 0;
            for (Future<TransitionResult> f : pool.invokeAll(calls)) {
                if (f.get().decision() == TransitionDecision.APPLY) {
                    applied++;
                }
            }
            assertThat(applied).isEqualTo(1);
            assertThat(store.getNode("node-1").orElseThrow().version()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void updatesAreConditionalOnStateAndKeepTheVersion() {
        created();
        NodeRecord n = store.updateNode("node-1", NodeState.REGISTERING,
                NodeUpdate.none().withHostKeyFingerprint("SHA256:pinned").withLastError(
                        new Failure(Reason.HOST_UNREACHABLE, "retrying")));
        assertThat(n.version()).isEqualTo(1);
        assertThat(n.hostKeyFingerprint()).isEqualTo("SHA256:pinned");
        assertThat(n.error()).contains(new Failure(Reason.HOST_UNREACHABLE, "retrying"));
        NodeRecord cleared = store.updateNode("node-1", NodeState.REGISTERING, NodeUpdate.none().clearingLastError());
        assertThat(cleared.lastError()).isNull();
        assertThat(cleared.hostKeyFingerprint()).isEqualTo("SHA256:pinned");
        assertThatThrownBy(() -> store.updateNode("node-1", NodeState.REGISTERED, NodeUpdate.none()))
                .isInstanceOf(PermanentException.class).hasMessageContaining("CONFLICT");
        assertThatThrownBy(() -> store.updateNode("ghost", NodeState.REGISTERED, NodeUpdate.none()))
                .isInstanceOf(PermanentException.class).hasMessageContaining("absent");
    }

    @Test
    void aReplayedStepReplacesItselfAndNewStepsAppend() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        Instant start = clock.instant();
        store.appendStep("req-1", Step.started("bootstrap", start));
        clock.advance(Duration.ofSeconds(40));
        store.appendStep("req-1", Step.started("bootstrap", start).end(clock.instant(), StepResult.SUCCEEDED, "ok"));
        store.appendStep("req-1", Step.started("verify", clock.instant()));
        RequestRecord r = store.getRequest("req-1").orElseThrow();
        assertThat(r.steps()).extracting(Step::name).containsExactly("bootstrap", "verify");
        assertThat(r.steps().get(0).result()).isEqualTo(StepResult.SUCCEEDED);
        assertThat(r.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThatThrownBy(() -> store.appendStep("nope", Step.started("x", start)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("NOT_FOUND");
    }

    @Test
    void theFirstFinishWins() {
        store.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        RequestRecord done = store.finishRequest("req-1", Outcome.REGISTERED, null);
        assertThat(done.completed()).isTrue();
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        clock.advance(Duration.ofSeconds(1));
        RequestRecord again = store.finishRequest("req-1", Outcome.FAILED, new Failure(Reason.INTERNAL, "late"));
        assertThat(again).isEqualTo(done);
        assertThat(store.getRequest("req-1").orElseThrow().result()).contains(Outcome.REGISTERED);
    }

    @Test
    void nodesAreListedByState() {
        created();
        RegisterRequest other = new RegisterRequest("req-2", "node-2", "10.0.0.6", 22, "ecsa", null, null, null,
                null, "p", null);
        store.createNodeIfAbsent(NodeRecord.newRegistration(other, "edge", clock.instant()));
        store.transition("node-2", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1), NodeUpdate.none());
        assertThat(store.listNodesByState(NodeState.REGISTERING)).extracting(NodeRecord::nodeId)
                .containsExactly("node-1");
        assertThat(store.listNodesByState(NodeState.REGISTERED)).extracting(NodeRecord::nodeId)
                .containsExactly("node-2");
        assertThat(store.listNodesByState(NodeState.DRAINING)).isEmpty();
    }
}
