package dev.ecsa.core.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart of a node's agents over SSH, and the check that both come back under the same ids. */
class RestartAgentsTest {

    private final RestartWorld w = new RestartWorld();

    private IntakeResult restart(String requestId, boolean last) {
        return w.restartAgents().accept(RestartWorld.request(requestId), new Attempt(last ? 5 : 1, 5, null));
    }

    private RequestRecord record(String requestId) {
        return w.store.getRequest(requestId).orElseThrow();
    }

    @Test
    void disconnectedAgentsAreRestartedAndComeBackUnderTheSameIds() {
        NodeRecord before = w.registered(false);

        IntakeResult r = restart("rst-1", false);

        assertThat(r.outcome()).isEqualTo(Outcome.AGENTS_RESTARTED);
        assertThat(w.scriptRuns).containsExactly("restart-agents");
        assertThat(w.remote.runs().get(0).command()).isEqualTo("sudo -n bash -s");
        RequestRecord record = record("rst-1");
        assertThat(record.steps()).extracting(Step::name, Step::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RestartAgents.STEP_RESTART, StepResult.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(RestartAgents.STEP_VERIFY, StepResult.SUCCEEDED));
        assertThat(record.steps().get(1).detail()).contains(RestartWorld.MI, w.containerInstanceArn, "same ids");
        NodeRecord after = w.store.getNode("node-1").orElseThrow();
        assertThat(after.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(after.version()).as("a restart moves nothing").isEqualTo(before.version());
        assertThat(w.events.eventsOf(NodeEvent.NodeAgentsRestarted.class)).singleElement()
                .satisfies(e -> assertThat(e.containerInstanceArn()).isEqualTo(w.containerInstanceArn));
    }

    @Test
    void aQuarantinedNodeIsRestartedAndStaysHeldForTheReconcilerToRelease() {
        NodeRecord n = w.registered(false);
        w.store.transition("node-1", new Transition(NodeState.REGISTERED, NodeState.DRAIN_KEPT, n.version()),
                NodeUpdate.none());

        assertThat(restart("rst-1", false).outcome()).isEqualTo(Outcome.AGENTS_RESTARTED);

        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DRAIN_KEPT);
    }

    @Test
    void agentsThatDoNotComeBackFailTheRequestAfterTheVerifyTimeout() {
        w.registered(false);
        w.onRestart = world -> { };

        IntakeResult r = restart("rst-1", false);

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failure().reason()).isEqualTo(Reason.AGENT_NOT_READY);
        assertThat(r.failure().message()).contains("CONNECTION_LOST", "disconnected", "PT3M");
        assertThat(w.events.eventsOf(NodeEvent.NodeAgentsRestartFailed.class)).hasSize(1);
    }

    @Test
    void aNodeThatLostItsManagedInstanceIsAnIdentityProblemNotARestartOne() {
        w.registered(false);
        w.onRestart = world -> world.managed.deregister(RestartWorld.MI);

        IntakeResult r = restart("rst-1", false);

        assertThat(r.failure().reason()).isEqualTo(Reason.IDS_MISMATCH);
        assertThat(r.failure().message()).contains("SSM no longer knows", "register it again");
    }

    @Test
    void aScriptThatCouldNotRestartAUnitFailsWithWhatItSaid() {
        w.registered(false);
        w.scriptOutcome = "unit:ecs: not installed; the node needs registering again";

        IntakeResult r = restart("rst-1", false);

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failure().message()).contains("unit:ecs: not installed");
        assertThat(record("rst-1").steps()).extracting(Step::result).containsExactly(StepResult.FAILED);
    }

    @Test
    void anUnreachableHostIsRetriedByRedeliveryAndTheLastDeliveryRecordsTheFailure() {
        w.registered(false);
        w.remote.setReachable(RestartWorld.ADDRESS, RestartWorld.PORT, false);

        assertThatThrownBy(() -> restart("rst-1", false)).isInstanceOf(RetryableException.class)
                .satisfies(e -> assertThat(((RetryableException) e).reason()).isEqualTo(Reason.HOST_UNREACHABLE));
        assertThat(record("rst-1").completed()).isFalse();

        IntakeResult last = restart("rst-1", true);

        assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(last.failure().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
    }

    @Test
    void aChangedHostKeyRunsNothingAndIsNotRetried() {
        w.registered(false);
        w.remote.changeHostKey(RestartWorld.ADDRESS, RestartWorld.PORT, "SHA256:" + "D".repeat(42) + "E");

        IntakeResult r = restart("rst-1", false);

        assertThat(r.failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(w.scriptRuns).isEmpty();
    }

    @Test
    void theRequestsHostKeyReplacesThePinnedOne() {
        w.registered(false);
        String reinstalled = "SHA256:" + "D".repeat(42) + "E";
        w.remote.changeHostKey(RestartWorld.ADDRESS, RestartWorld.PORT, reinstalled);

        IntakeResult r = w.restartAgents().accept(new RestartRequest("rst-1", "node-1", "operator", "", reinstalled),
                Attempt.first(5));

        assertThat(r.outcome()).isEqualTo(Outcome.AGENTS_RESTARTED);
    }

    @Test
    void aNodeWithoutAPinnedHostKeyGetsNoRootScript() {
        RestartWorld other = new RestartWorld();
        java.time.Instant now = other.clock.instant();
        other.store.createNodeIfAbsent(new NodeRecord("node-1", NodeState.REGISTERING, 1, RestartWorld.CLUSTER, null,
                null, null, RestartWorld.ADDRESS, 22, "ecsa", null, "r", null, now, now, now));
        other.store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(RestartWorld.MI).withContainerInstanceArn("arn:x"));

        IntakeResult r = other.restartAgents().accept(RestartWorld.request("rst-1"), Attempt.first(5));

        assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(r.failure().reason()).isEqualTo(Reason.HOST_KEY_UNKNOWN);
        assertThat(other.scriptRuns).isEmpty();
    }

    @Test
    void aCompletedRestartIsOnlyReportedAgain() {
        w.registered(false);
        restart("rst-1", false);

        IntakeResult again = restart("rst-1", false);

        assertThat(again.replay()).isTrue();
        assertThat(again.outcome()).isEqualTo(Outcome.AGENTS_RESTARTED);
        assertThat(w.scriptRuns).hasSize(1);
    }

    @Test
    void theVerifyPollsUntilBothAgentsAreBack() {
        w.registered(false);
        int[] polls = {0};
        w.onRestart = world -> world.containers.setAgentConnected(world.containerInstanceArn, true);
        RestartAgents restarts = new RestartAgents(w.store, w.managed, w.containers, w.remote, w.secrets, w.script,
                w.events, w.clock, d -> {
                    w.clock.advance(d);
                    if (++polls[0] == 3) {
                        w.managed.setPing(RestartWorld.MI, dev.ecsa.core.port.PingStatus.ONLINE, w.clock.instant());
                    }
                }, RestartSettings.defaults(RestartWorld.SECRET_ID));

        IntakeResult r = restarts.accept(RestartWorld.request("rst-1"), Attempt.first(5));

        assertThat(r.outcome()).isEqualTo(Outcome.AGENTS_RESTARTED);
        assertThat(polls[0]).as("SSM came Online at the third poll").isEqualTo(3);
        assertThat(Duration.between(record("rst-1").steps().get(1).startedAt(), record("rst-1").finishedAt()))
                .isEqualTo(Duration.ofSeconds(15));
    }
}
