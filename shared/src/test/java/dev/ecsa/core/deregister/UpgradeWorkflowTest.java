package dev.ecsa.core.deregister;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.model.UpgradeRequest;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.upgrade.UpgradeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drain workflow with purpose UPGRADE, walked as the definition routes it, on the in-memory fakes: drained →
 * UpgradeAgents → NodeUpgraded (or UpgradeNotApplied), and every way an upgrade can fail leaves the node either running
 * its old agents ACTIVE or held DRAINING, never half-upgraded and ACTIVE.
 */
class UpgradeWorkflowTest {

    private static final String UPGRADE = "upg-0001";
    private static final TargetVersions TARGETS = new TargetVersions("1.90.0", "3.3.1957.0");

    private final DrainFixture f = new DrainFixture();

    @BeforeEach
    void upgradeRequest() {
        f.store.putRequestIfAbsent(RequestRecord.received(new UpgradeRequest(UPGRADE, DrainFixture.NODE, null, null,
                null, null, "operator", "agents behind", null), f.clock.instant()));
        f.containers.setVersions(f.arn, "1.82.0", "24.0.7");
        f.managed.setAgentVersion(DrainFixture.MI, "3.3.1142.0");
        // What a successful run of the script does on the host: the agents come back with the new versions.
        f.hosts.addHost(DrainFixture.ADDRESS, 22, DrainFixture.HOST_KEY, DrainFixture.USER, DrainFixture.KEY_TEXT,
                run -> {
                    if (f.upgrade.next.ok()) {
                        f.containers.setVersions(f.arn, "1.90.0", "24.0.7");
                        f.managed.setAgentVersion(DrainFixture.MI, "3.3.1957.0");
                    }
                    return new InMemoryRemoteHost.Reply(0, "ECSA_RESULT {}\n", "");
                });
    }

    private DrainStart start(TimeoutPolicy policy) {
        return new DrainStart(UPGRADE, DrainFixture.NODE, DrainFixture.CLUSTER, f.arn,
                f.clock.instant().plus(Duration.ofMinutes(10)), policy, f.node().version(), DrainPurpose.UPGRADE,
                TARGETS);
    }

    private StateMachineDriver.Run run(TimeoutPolicy policy) {
        return new StateMachineDriver(f.tasks(), f.clock).run(start(policy));
    }

    private RequestRecord request() {
        return f.store.getRequest(UPGRADE).orElseThrow();
    }

    @Test
    void aDrainedNodeIsUpgradedConfirmedAndActiveAgain() {
        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.states()).containsExactly("StartDrain", "DrainDecision", "UpgradeAgents", "UpgradeDecision",
                "NodeUpgraded");
        assertThat(f.upgrade.inputs).singleElement().satisfies(in -> {
            assertThat(in.targets()).isEqualTo(TARGETS);
            assertThat(in.managedInstanceId()).isEqualTo(DrainFixture.MI);
            assertThat(in.containerInstanceArn()).isEqualTo(f.arn);
        });
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.node().managedInstanceId()).isEqualTo(DrainFixture.MI);
        assertThat(f.node().containerInstanceArn()).isEqualTo(f.arn);
        assertThat(f.node().agentVersions().ecsAgent()).isEqualTo("1.90.0");
        assertThat(f.node().agentVersions().ssmAgent()).isEqualTo("3.3.1957.0");
        assertThat(f.node().agentVersions().ecsInit()).isEqualTo("1.90.0-1");
        assertThat(f.node().lastError()).isNull();
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(request().outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(request().steps()).extracting(s -> s.name()).contains("upgrade-agents", "verify-upgrade");
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgraded.class)).singleElement()
                .satisfies(e -> assertThat(e.upgraded()).containsExactly("amazon-ecs-init 1.82.0-1 -> 1.90.0-1"));
    }

    @Test
    void tasksKeepTheUpgradeWaitingAndAtTheDeadlineRevertEndsItWithoutTouchingTheHost() {
        f.containers.addTask(f.arn, new TaskInfo("arn:task/standalone", "family:backup", "RUNNING", "RUNNING",
                false));

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(f.upgrade.inputs).isEmpty();
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(request().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
    }

    @Test
    void policyForceUpgradesWithTheTasksStillThere() {
        f.containers.addTask(f.arn, new TaskInfo("arn:task/standalone", "family:backup", "RUNNING", "RUNNING",
                false));

        StateMachineDriver.Run run = run(TimeoutPolicy.FORCE);

        assertThat(run.states()).containsSubsequence("ApplyTimeoutPolicy", "TimeoutDecision", "UpgradeAgents",
                "UpgradeDecision", "NodeUpgraded");
        assertThat(request().outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
    }

    @Test
    void aRolledBackUpgradeLeavesTheOldAgentsRunningAndTheNodeActive() {
        f.upgrade.next = new UpgradeScript.Report(false, "rollback", "UPGRADE_ROLLED_BACK", "the ECS agent upgrade "
                + "failed", true, true, List.of(), List.of("ecs: did not report 1.90.0"), "1.82.0-1", "3.3.1142.0-1");

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("UpgradeNotApplied");
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.node().lastError().reason()).isEqualTo(Reason.UPGRADE_FAILED);
        assertThat(f.node().lastError().message()).startsWith("rolled back: UPGRADE_ROLLED_BACK")
                .contains("did not report 1.90.0");
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(request().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgradeFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.rolledBack()).isTrue());
    }

    @Test
    void anUpgradeRefusedBeforeAnyChangeEndsLikeARollback() {
        f.upgrade.next = new UpgradeScript.Report(false, "verify", "SIGNATURE_INVALID", "no valid signature",
                false, false, List.of(), List.of(), "1.82.0-1", "3.3.1142.0-1");

        run(TimeoutPolicy.REVERT);

        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.node().lastError().message()).startsWith("not upgraded: SIGNATURE_INVALID");
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.ACTIVE);
    }

    @Test
    void aRollbackThatFailedKeepsTheNodeDraining() {
        f.upgrade.next = new UpgradeScript.Report(false, "rollback", "ROLLBACK_FAILED", "restoring failed too",
                false, true, List.of(), List.of(), "1.90.0-1", "3.3.1142.0-1");

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("UpgradeNotApplied");
        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgradeFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.keptDraining()).isTrue());
    }

    @Test
    void anUpgradeEcsAndSsmDoNotConfirmKeepsTheNodeDraining() {
        // The host says it upgraded, but ECS keeps reporting the old agent.
        f.hosts.addHost(DrainFixture.ADDRESS, 22, DrainFixture.HOST_KEY, DrainFixture.USER, DrainFixture.KEY_TEXT,
                run -> new InMemoryRemoteHost.Reply(0, "ECSA_RESULT {}\n", ""));

        run(TimeoutPolicy.REVERT);

        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.node().lastError().message()).contains("ECS reports agent 1.82.0, not 1.90.0");
        assertThat(request().steps()).anyMatch(s -> s.name().equals("verify-upgrade")
                && s.detail().contains("not confirmed within PT1M"));
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void anAgentThatComesBackAsAnotherInstanceIsNotWaitedFor() {
        f.managed.setPing(DrainFixture.MI, PingStatus.ONLINE, f.clock.instant());
        f.hosts.addHost(DrainFixture.ADDRESS, 22, DrainFixture.HOST_KEY, DrainFixture.USER, DrainFixture.KEY_TEXT,
                run -> {
                    f.containers.forceStatus(f.arn, ContainerInstanceStatus.INACTIVE);
                    return new InMemoryRemoteHost.Reply(0, "ECSA_RESULT {}\n", "");
                });

        run(TimeoutPolicy.REVERT);

        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.node().lastError().message()).contains("ECS no longer lists container instance");
    }

    @Test
    void anUnreachableHostIsRetriedThenTheNodeIsKeptDraining() {
        f.hosts.setReachable(DrainFixture.ADDRESS, 22, false);

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("DrainFailed");
        assertThat(run.retries()).isEqualTo(5);
        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(request().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgradeFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.keptDraining()).isTrue());
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).isEmpty();
    }

    @Test
    void aNodeWhoseContainerInstanceIsGoneIsNotUpgraded() {
        f.containers.forceStatus(f.arn, ContainerInstanceStatus.INACTIVE);

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("DrainFailed");
        assertThat(f.upgrade.inputs).isEmpty();
        assertThat(request().failure().message()).contains("no container instance in ECS");
    }

    @Test
    void aReplayAfterTheUpgradeReportsTheRecordedOutcome() {
        StateMachineDriver.Run first = run(TimeoutPolicy.REVERT);

        DrainState again = f.tasks().upgradeAgents(first.last().withDecision(WorkflowDecision.UPGRADE));

        assertThat(again.decision()).isEqualTo(WorkflowDecision.UPGRADED);
        assertThat(f.upgrade.inputs).hasSize(1);
    }

    @Test
    void anAgentThatDoesNotRunAfterTheScriptKeepsTheNodeDrainingEvenIfNothingWasInstalled() {
        f.upgrade.next = new UpgradeScript.Report(false, "upgrade", "AGENT_NOT_RUNNING", "installed but not running",
                false, false, List.of(), List.of(), "1.90.0-1", "3.3.1142.0-1");

        run(TimeoutPolicy.REVERT);

        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void aThrottledNodeUpgradedKeepsTheInstanceDrainingUntilTheRetryPublishesIt() {
        List<String> seen = new ArrayList<>();
        f.events.refuse(1, NodeEvent.NodeUpgraded.class, new RetryableException(Reason.THROTTLED,
                "EventBridge PutEvents: 400 ThrottlingException")).whileRefusing(() -> seen.add(f.node().state() + " "
                + f.containers.describe(DrainFixture.CLUSTER, f.arn).orElseThrow().status()));

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(seen).containsExactly("DRAINING DRAINING");
        assertThat(run.end()).isEqualTo("NodeUpgraded");
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(request().outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgraded.class)).hasSize(1);
    }

    @Test
    void aRetryAfterTheNodeWasLetGoFinishesTheRequestWithoutRunningTheScript() {
        DrainState started = f.tasks().startDrain(start(TimeoutPolicy.REVERT));
        // An earlier attempt confirmed the upgrade, published it and let the node go, then stopped.
        f.store.appendStep(UPGRADE, new Step(UpgradeAgents.STEP_VERIFY, f.clock.instant(),
                f.clock.instant(), StepResult.SUCCEEDED, "confirmed"));
        f.store.transition(DrainFixture.NODE, new Transition(NodeState.DRAINING,
                NodeState.REGISTERED, started.nodeVersion()), NodeUpdate.none()
                .withLastRequestId(UPGRADE)).orThrow();

        DrainState again = f.tasks().upgradeAgents(started.withDecision(WorkflowDecision.UPGRADE));

        assertThat(again.decision()).isEqualTo(WorkflowDecision.UPGRADED);
        assertThat(f.upgrade.inputs).isEmpty();
        assertThat(request().outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(f.events.eventsOf(NodeEvent.NodeUpgradeFailed.class)).isEmpty();
    }
}
