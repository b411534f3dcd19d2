package dev.ecsa.core.deregister;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.model.UpgradeRequest;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.restart.RestartWorld;
import dev.ecsa.core.state.NodeState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpgradeIntakeTest {

    private final RestartWorld w = new RestartWorld();
    private final InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();

    private UpgradeIntake intake(TargetVersions stack) {
        return new UpgradeIntake(w.store, w.managed, w.containers, workflow, w.events, w.clock,
                DeregisterSettings.defaults(), stack);
    }

    private static UpgradeRequest request(String id, String ecs, String ssm, TimeoutPolicy policy) {
        return new UpgradeRequest(id, "node-1", ecs, ssm, 120, policy, "operator", "agents behind", null);
    }

    @Test
    void startsTheNodesDrainWorkflowWithPurposeUpgradeAndTheVersionsToReach() {
        w.registered(true);
        w.containers.setVersions(w.containerInstanceArn, "1.82.0", null);

        IntakeResult r = intake(new TargetVersions("1.90.0", "3.3.1957.0"))
                .accept(request("upg-1", null, "3.3.2000.0", TimeoutPolicy.FORCE), Attempt.first(5));

        assertThat(r.outcome()).isNull();
        DrainStart start = workflow.started().get(0);
        assertThat(start.purpose()).isEqualTo(DrainPurpose.UPGRADE);
        assertThat(start.targets()).as("the request's version wins, the stack's fills the gap")
                .isEqualTo(new TargetVersions("1.90.0", "3.3.2000.0"));
        assertThat(start.policy()).isEqualTo(TimeoutPolicy.FORCE);
        assertThat(start.deadline()).isEqualTo(w.clock.instant().plus(Duration.ofSeconds(120)));
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DRAINING);
        assertThat(w.store.getNode("node-1").orElseThrow().lastRequestId()).isEqualTo("upg-1");

        // A redelivery starts the same execution again (StartExecution's no-op), not a second one.
        IntakeResult again = intake(new TargetVersions("1.90.0", "3.3.1957.0"))
                .accept(request("upg-1", null, "3.3.2000.0", TimeoutPolicy.FORCE), Attempt.first(5));
        assertThat(again.replay()).isTrue();
        assertThat(workflow.started()).hasSize(1);
    }

    @Test
    void agentsAlreadyAtTheTargetsAreNotDrained() {
        w.registered(true);
        w.containers.setVersions(w.containerInstanceArn, "1.90.0", null);
        w.managed.setAgentVersion(RestartWorld.MI, "3.3.1957.0");

        IntakeResult r = intake(TargetVersions.none())
                .accept(request("upg-2", "1.90.0", "3.3.1957.0", null), Attempt.first(5));

        assertThat(r.outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(workflow.started()).isEmpty();
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(w.store.getRequest("upg-2").orElseThrow().steps()).singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("ECS reports agent 1.90.0"));
        assertThat(w.events.eventsOf(NodeEvent.NodeUpgraded.class)).hasSize(1);
    }

    @Test
    void noVersionAnywhereIsRejected() {
        w.registered(true);

        IntakeResult r = intake(TargetVersions.none()).accept(request("upg-3", null, null, null), Attempt.first(5));

        assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(r.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(r.failure().message()).contains("ecsa:targetEcsAgentVersion");
    }

    @Test
    void aStartThatFailsOnTheLastDeliveryPutsTheNodeBackAndRecordsTheFailure() {
        w.registered(true);
        w.containers.setVersions(w.containerInstanceArn, "1.82.0", null);
        dev.ecsa.core.port.DrainWorkflow unavailable = new dev.ecsa.core.port.DrainWorkflow() {
            @Override
            public boolean start(DrainStart input) {
                throw new RetryableException(Reason.AWS_UNAVAILABLE, "Step Functions did not answer");
            }

            @Override
            public java.util.Optional<dev.ecsa.core.port.DrainExecution> find(String requestId) {
                return java.util.Optional.empty();
            }
        };
        UpgradeIntake intake = new UpgradeIntake(w.store, w.managed, w.containers, unavailable, w.events, w.clock,
                DeregisterSettings.defaults(), TargetVersions.none());

        IntakeResult r = intake.accept(request("upg-5", "1.90.0", null, null), new Attempt(5, 5, null));

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(w.events.eventsOf(NodeEvent.NodeUpgradeFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.keptDraining()).isFalse());
    }
}
