package dev.ecsa.core.deregister;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workflow's closing steps publish their outcome event while the request still holds the node, then let the node
 * go, then finish the request. Once the node is let go another request may take it, so a retry of a closing step must
 * never act on the host or the instance again. The soak found the opposite order at work (seed 11, docs/soak.md): a
 * NodeDeregistered that EventBridge throttled after the node was let go, a register that took the node meanwhile, and
 * a retried CleanHost that ran the cleanup script on the re-registered host and then recorded a failure.
 */
class OutcomeEventOrderTest {

    private static final RetryableException THROTTLED =
            new RetryableException(Reason.THROTTLED, "EventBridge PutEvents: 400 ThrottlingException");
    private static final String OTHER = "reg-0002";

    private final DrainFixture f = new DrainFixture();
    private final DrainTasks tasks = f.tasks();

    /** What a register request does when it finds the node: takes it if it is free, else it waits (NODE_BUSY). */
    private TransitionDecision anotherRequestTriesToTakeTheNode() {
        var node = f.node();
        if (node.state() != NodeState.DEREGISTERED) {
            return TransitionDecision.CONFLICT;
        }
        return f.store.transition(DrainFixture.NODE, new Transition(NodeState.DEREGISTERED, NodeState.REGISTERING,
                node.version()), NodeUpdate.none().withLastRequestId(OTHER)).decision();
    }

    @Test
    void aThrottledNodeDeregisteredKeepsTheNodeUntilTheRetryPublishesIt() {
        List<TransitionDecision> tries = new ArrayList<>();
        f.events.refuse(1, NodeEvent.NodeDeregistered.class, THROTTLED)
                .whileRefusing(() -> tries.add(anotherRequestTriesToTakeTheNode()));

        StateMachineDriver.Run run = new StateMachineDriver(tasks, f.clock).run(f.start(TimeoutPolicy.REVERT));

        assertThat(tries).containsExactly(TransitionDecision.CONFLICT);
        assertThat(run.end()).isEqualTo("NodeDeregistered");
        assertThat(run.retries()).isEqualTo(1);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.node().lastRequestId()).isEqualTo(DrainFixture.REQUEST);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class)).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo(DrainFixture.REQUEST));
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).isEmpty();
    }

    @Test
    void aCleanHostRetryNeverSendsTheScriptToAHostAnotherRequestTook() {
        DrainState deregistered = tasks.deregister(tasks.startDrain(f.start(TimeoutPolicy.REVERT)));
        // An earlier attempt let the node go and stopped; a register took the node since.
        f.store.transition(DrainFixture.NODE, new Transition(NodeState.DEREGISTERING, NodeState.DEREGISTERED,
                deregistered.nodeVersion()), NodeUpdate.none().withLastRequestId(DrainFixture.REQUEST)).orThrow();
        f.store.transition(DrainFixture.NODE, new Transition(NodeState.DEREGISTERED, NodeState.REGISTERING,
                deregistered.nodeVersion() + 1), NodeUpdate.none().withLastRequestId(OTHER)).orThrow();

        assertThatThrownBy(() -> tasks.cleanHost(deregistered)).isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(((PermanentException) e).reason()).isEqualTo(Reason.CONFLICT))
                .hasMessageContaining("no longer this request's to clean");

        assertThat(f.cleanupRuns.get()).isZero();
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERING);
        assertThat(f.node().lastRequestId()).isEqualTo(OTHER);
    }

    @Test
    void aCleanHostRetryAfterTheNodeWasLetGoOnlyFinishesTheRequest() {
        DrainState deregistered = tasks.deregister(tasks.startDrain(f.start(TimeoutPolicy.REVERT)));
        Failure notCleaned = new Failure(Reason.HOST_UNREACHABLE,
                "deregistered from ECS and SSM, but the host was not cleaned: connection refused");
        f.store.transition(DrainFixture.NODE, new Transition(NodeState.DEREGISTERING, NodeState.DEREGISTERED,
                deregistered.nodeVersion()), NodeUpdate.none().withLastRequestId(DrainFixture.REQUEST)
                .withLastError(notCleaned)).orThrow();

        DrainState done = tasks.cleanHost(deregistered);

        assertThat(done.decision()).isEqualTo(WorkflowDecision.END);
        assertThat(done.nodeState()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.cleanupRuns.get()).isZero();
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.request().failure()).isEqualTo(notCleaned);
        assertThat(f.events.events()).extracting(e -> e.getClass().getSimpleName())
                .doesNotContain("NodeDeregistered");
    }

    @Test
    void aFailureCaughtAfterTheOutcomeWasRecordedChangesNothingAndPublishesNothing() {
        StateMachineDriver.Run run = new StateMachineDriver(tasks, f.clock).run(f.start(TimeoutPolicy.REVERT));
        int published = f.events.events().size();
        var node = f.node();

        tasks.recordFailure(run.last(), new CaughtError(PermanentException.class.getName(),
                "CONFLICT: node edge-017 is DRAINING at version 13"));

        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.node()).isEqualTo(node);
        assertThat(f.events.events()).hasSize(published);
    }

    @Test
    void aThrottledNodeDrainTimedOutKeepsTheNodeDrainingUntilTheRetry() {
        DrainState passed = f.deadlinePassed(tasks);
        f.events.refuse(1, THROTTLED);

        assertThatThrownBy(() -> tasks.applyTimeoutPolicy(passed)).isSameAs(THROTTLED);
        assertThat(f.node().state()).isEqualTo(NodeState.DRAINING);
        assertThat(f.request().finishedAt()).isNull();

        DrainState done = tasks.applyTimeoutPolicy(passed);

        assertThat(done.decision()).isEqualTo(WorkflowDecision.END);
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class)).hasSize(1);
    }

    @Test
    void anApplyTimeoutPolicyReplayNeverSetsActiveAnInstanceAnotherRequestDrains() {
        DrainState passed = f.deadlinePassed(tasks);
        DrainState reverted = tasks.applyTimeoutPolicy(passed);
        // Another deregistration drains the node again.
        f.store.transition(DrainFixture.NODE, new Transition(NodeState.REGISTERED, NodeState.DRAINING,
                reverted.nodeVersion()), NodeUpdate.none().withLastRequestId("dereg-0002")).orThrow();
        f.containers.setStatus(DrainFixture.CLUSTER, f.arn, ContainerInstanceStatus.DRAINING);

        DrainState replay = tasks.applyTimeoutPolicy(passed);

        assertThat(replay.decision()).isEqualTo(WorkflowDecision.END);
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(f.node().state()).isEqualTo(NodeState.DRAINING);
        assertThat(f.node().lastRequestId()).isEqualTo("dereg-0002");
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class)).hasSize(1);
    }

    @Test
    void aThrottledFailureEventKeepsTheNodeUntilTheRetry() {
        DrainState started = tasks.startDrain(f.start(TimeoutPolicy.REVERT));
        CaughtError error = new CaughtError(PermanentException.class.getName(),
                "AWS_ACCESS_DENIED: ecs:DeregisterContainerInstance denied");
        f.events.refuse(1, THROTTLED);

        assertThatThrownBy(() -> tasks.recordFailure(started, error)).isSameAs(THROTTLED);
        assertThat(f.node().state()).isEqualTo(NodeState.DRAINING);
        assertThat(f.request().finishedAt()).isNull();

        tasks.recordFailure(started, error);

        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(f.request().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).hasSize(1);
    }
}
