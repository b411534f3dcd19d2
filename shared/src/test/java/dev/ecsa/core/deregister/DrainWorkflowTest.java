package dev.ecsa.core.deregister;


import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.state.NodeState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import static dev.ecsa.core.deregister.DrainFixture.CLUSTER;
import static dev.ecsa.core.deregister.DrainFixture.MI;
import static dev.ecsa.core.deregister.DrainFixture.NODE;
import static dev.ecsa.core.deregister.DrainFixture.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

/** Whole drains on the in-memory fakes, routed the way the state machine routes them. */
class DrainWorkflowTest {

    private final DrainFixture f = new DrainFixture();

    private StateMachineDriver.Run run(TimeoutPolicy policy) {
        return new StateMachineDriver(f.tasks(), f.clock).run(f.start(policy));
    }

    @Test
    void aDrainThatCompletesDeregistersTheNodeAndCleansTheHost() {
        f.addServiceTask("web-1");
        // The service task is still stopping at the first check and gone at the second.
        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(), f.clock, n -> {
            if (n == 2) {
                f.containers.finishStopping();
            }
        }).run(f.start(TimeoutPolicy.REVERT));

        assertThat(run.states()).containsExactly("StartDrain", "DrainDecision", "WaitForDrain", "CheckDrain",
                "DrainDecision", "WaitForDrain", "CheckDrain", "DrainDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.node().lastError()).isNull();
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.INACTIVE);
        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " DEREGISTERED");
        assertThat(f.managed.deregisteredIds()).containsExactly(MI);
        assertThat(f.cleanupRuns).hasValue(1);
        assertThat(f.hosts.runs()).singleElement().satisfies(r -> {
            assertThat(r.script()).isEqualTo(DrainFixture.TestCleanupScript.TEXT);
            assertThat(r.hostKeyPolicy()).isEqualTo(new dev.ecsa.core.port.HostKeyPolicy.Expect(DrainFixture.HOST_KEY));
        });
        assertThat(f.request().status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.request().failure()).isNull();
        assertThat(f.step(CleanHost.STEP).detail()).contains("removed [/var/lib/ecs, /etc/ecs]");
        assertThat(f.step(CheckDrain.STEP).detail()).startsWith("check 2: no task left");
        assertThat(f.events.events()).extracting(NodeEvent::detailType)
                .containsExactly("NodeDrainStarted", "NodeDeregistered");
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class).get(0).forced()).isFalse();
    }

    @Test
    void anInstanceWithoutTasksIsDeregisteredWithoutWaiting() {
        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.states()).containsExactly("StartDrain", "DrainDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
    }

    @Test
    void atTheDeadlineRevertSetsActiveAgainBecauseThisWorkflowSetDraining() {
        f.addServiceTask("web-1"); // asked to stop, never stops

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(run.last().weSetDraining()).isTrue();
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " ACTIVE");
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.node().lastError().reason()).isEqualTo(Reason.TIMED_OUT);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(f.request().failure().message()).contains(DrainFixture.taskArn("web-1"), "service:web");
        assertThat(f.managed.deregisteredIds()).isEmpty();
        assertThat(f.cleanupRuns).hasValue(0);
        NodeEvent.NodeDrainTimedOut timedOut = f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class).get(0);
        assertThat(timedOut.action()).isEqualTo("REVERT_TO_ACTIVE");
        assertThat(timedOut.policy()).isEqualTo("revert");
        assertThat(timedOut.blockingTasks()).containsExactly(DrainFixture.taskArn("web-1"));
    }

    @Test
    void aTenMinuteDrainThatTimesOutCostsOneHundredTwentyFiveStateTransitionsAtTheDefaultPoll() {
        f.addServiceTask("web-1");

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        // StartDrain + DrainDecision, 40 × (WaitForDrain + CheckDrain + DrainDecision) — the 40th check, at exactly
        // 600 s, is the one that finds the (inclusive) deadline passed — then ApplyTimeoutPolicy, TimeoutDecision and
        // the end state. docs/drain-workflow.md quotes this number.
        assertThat(run.count(DrainStep.CHECK_DRAIN)).isEqualTo(40);
        assertThat(run.last().checks()).isEqualTo(40);
        assertThat(run.states()).hasSize(2 + 40 * 3 + 3).hasSize(125);
        assertThat(run.retries()).isZero();
    }

    @Test
    void aNodeDrainedBySomeoneElseIsNeverReverted() {
        f.addServiceTask("web-1");
        f.containers.forceStatus(f.arn, ContainerInstanceStatus.DRAINING); // an operator, before the request

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(run.last().weSetDraining()).isFalse();
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(f.containers.statusChanges()).isEmpty();
        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(f.step(StartDrain.STEP).detail()).contains("someone else", "never be reverted");
        assertThat(f.request().steps()).extracting(s -> s.name()).doesNotContain(StartDrain.SET_DRAINING);
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class).get(0).action())
                .isEqualTo("LEAVE_OTHERS_DRAIN");
    }

    @Test
    void aStandaloneTaskBlocksTheDrainAndTheTimeoutRecordNamesIt() {
        f.addServiceTask("web-1");
        f.addStandaloneTask("backup-7");
        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(), f.clock, n -> f.containers.finishStopping())
                .run(f.start(TimeoutPolicy.REVERT));

        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(run.last().remainingTasks()).isEqualTo(1);
        assertThat(run.last().standaloneTasks()).isEqualTo(1);
        String backup = DrainFixture.taskArn("backup-7");
        assertThat(run.last().blockingArns()).containsExactly(backup);
        assertThat(f.request().failure().message())
                .contains("1 task not stopped (1 standalone)", backup + " (standalone family:backup, RUNNING)")
                .doesNotContain("web-1");
        assertThat(f.step(ApplyTimeoutPolicy.STEP).result()).isEqualTo(StepResult.FAILED);
        assertThat(f.step(ApplyTimeoutPolicy.STEP).detail()).contains(backup);
        assertThat(f.step(CheckDrain.STEP).detail()).contains("deadline", backup);
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class).get(0).blockingTasks())
                .containsExactly(backup);
    }

    @Test
    void forceDeregistersWithForceAtTheDeadline() {
        f.addStandaloneTask("backup-7");

        StateMachineDriver.Run run = run(TimeoutPolicy.FORCE);

        assertThat(run.states()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " DEREGISTERED (force)");
        assertThat(f.managed.deregisteredIds()).containsExactly(MI);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.request().outcome()).isEqualTo(Outcome.FORCE_DEREGISTERED);
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class).get(0).forced()).isTrue();
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class).get(0).action()).isEqualTo("FORCE_DEREGISTER");
    }

    @Test
    void aDrainThatCompletesIsNeverForcedEvenUnderTheForcePolicy() {
        f.addServiceTask("web-1");
        new StateMachineDriver(f.tasks(), f.clock, n -> f.containers.finishStopping()).run(f.start(TimeoutPolicy.FORCE));

        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " DEREGISTERED");
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
    }

    @Test
    void keepLeavesTheInstanceDrainingAndAlerts() {
        f.addStandaloneTask("backup-7");

        StateMachineDriver.Run run = run(TimeoutPolicy.KEEP);

        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(f.node().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DRAIN_KEPT);
        assertThat(f.events.eventsOf(NodeEvent.NodeDrainTimedOut.class).get(0).action()).isEqualTo("KEEP_DRAINING");
    }

    @Test
    void retryableErrorsAreRetriedAndTheDrainCompletes() {
        ContainerInstances throttled = Faults.failFirst(ContainerInstances.class, f.containers, "listTasks", 2,
                () -> new RetryableException(Reason.THROTTLED, "ListTasks rate exceeded"));

        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(throttled), f.clock).run(f.start(TimeoutPolicy.REVERT));

        assertThat(run.end()).isEqualTo("NodeDeregistered");
        assertThat(run.retries()).isEqualTo(2);
        // StartDrain ran three times; it set DRAINING once and still knows it did.
        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " DEREGISTERED");
        assertThat(f.request().steps()).extracting(s -> s.name())
                .containsExactly(StartDrain.SET_DRAINING, StartDrain.STEP, Deregister.STEP, CleanHost.STEP);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
    }

    @Test
    void anUnreachableHostIsStillDeregisteredInAwsAndRecordedAsNotCleaned() {
        f.hosts.setReachable(DrainFixture.ADDRESS, 22, false);

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("NodeDeregistered");
        assertThat(run.retries()).isEqualTo(f.settings.cleanupAttempts() - 1);
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.INACTIVE);
        assertThat(f.managed.deregisteredIds()).containsExactly(MI);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.node().lastError().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.request().failure().message())
                .contains("deregistered from ECS and SSM, but the host was not cleaned", "after 4 attempts");
        assertThat(f.step(CleanHost.STEP).result()).isEqualTo(StepResult.FAILED);
        assertThat(f.request().steps()).extracting(s -> s.name()).contains("clean-host attempt 1",
                "clean-host attempt 4");
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class)).hasSize(1);
        assertThat(f.cleanupRuns).hasValue(0);
    }

    @Test
    void aHostThatComesBackBeforeTheLastAttemptIsCleaned() {
        f.hosts.setReachable(DrainFixture.ADDRESS, 22, false);
        RemoteHostThatRecovers recovering = new RemoteHostThatRecovers(f, 2);
        DrainTasks tasks = f.tasks(f.containers, recovering);

        StateMachineDriver.Run run = new StateMachineDriver(tasks, f.clock).run(f.start(TimeoutPolicy.REVERT));

        assertThat(run.retries()).isEqualTo(2);
        assertThat(f.request().failure()).isNull();
        assertThat(f.step(CleanHost.STEP).result()).isEqualTo(StepResult.SUCCEEDED);
        assertThat(f.cleanupRuns).hasValue(1);
    }

    @Test
    void aChangedHostKeyLeavesTheNodeDeregisteredWithTheHostNotCleanedAndNothingSentToIt() {
        f.hosts.changeHostKey(DrainFixture.ADDRESS, 22, "SHA256:impostorimpostorimpostorimpostorimpostor000");

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        // Like an unreachable host: the node is registered nowhere, so DEREGISTRATION_FAILED would be untrue.
        assertThat(run.states()).endsWith("Deregister", "CleanHost", "NodeDeregistered").doesNotContain("RecordFailure");
        assertThat(run.retries()).as("a changed key is not retried").isZero();
        assertThat(f.cleanupRuns).hasValue(0);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.node().lastError().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(f.request().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.request().failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(f.request().failure().message()).startsWith("deregistered from ECS and SSM, but the host was not");
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class)).hasSize(1);
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).isEmpty();
    }

    @Test
    void aPermanentErrorIsRecordedOnTheNodeAndTheRequest() {
        f.containers.forceStatus(f.arn, ContainerInstanceStatus.REGISTERING);

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.states()).containsExactly("StartDrain", "RecordFailure", "DrainFailed");
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(f.node().lastError().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(f.node().lastError().message()).contains("REGISTERING");
        assertThat(f.request().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.request().failure().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(f.step(RecordFailure.STEP).result()).isEqualTo(StepResult.FAILED);
        assertThat(f.events.events()).extracting(NodeEvent::detailType).containsExactly("NodeDeregistrationFailed");
    }

    @Test
    void aNodeTheIntakeTookToDeregisteringIsDeregisteredAndCleanedWithoutADrain() {
        // The intake takes a failed registration's node straight to DEREGISTERING for the request.
        long v = f.store.transition(NODE, new dev.ecsa.core.state.Transition(NodeState.REGISTERED,
                NodeState.DEREGISTERING, f.node().version()), dev.ecsa.core.model.NodeUpdate.none()
                .withLastRequestId(REQUEST)).orThrow().version();
        dev.ecsa.core.port.DrainStart start = new dev.ecsa.core.port.DrainStart(REQUEST, NODE, CLUSTER, f.arn,
                f.clock.instant().plusSeconds(600), TimeoutPolicy.REVERT, v);

        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(), f.clock).run(start);

        assertThat(run.states()).containsExactly("StartDrain", "DrainDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
        assertThat(f.containers.statusChanges()).containsExactly(f.arn + " DEREGISTERED");
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.cleanupRuns).hasValue(1);
    }

    @Test
    void aFailureBeforeTheNodeIsClaimedLeavesTheNodeAlone() {
        // The request saw version 1, but the node has moved on since (version 2): another operation got there first.
        dev.ecsa.core.port.DrainStart stale = new dev.ecsa.core.port.DrainStart(REQUEST, NODE, CLUSTER, f.arn,
                f.clock.instant().plusSeconds(600), TimeoutPolicy.REVERT, 1);

        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(), f.clock).run(stale);

        assertThat(run.end()).isEqualTo("DrainFailed");
        assertThat(f.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(f.node().version()).isEqualTo(2);
        assertThat(f.node().lastError()).isNull();
        assertThat(f.containers.statusChanges()).isEmpty();
        assertThat(f.request().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.request().failure().reason()).isEqualTo(Reason.CONFLICT);
        assertThat(f.step(RecordFailure.STEP).detail()).endsWith("(node left as it was)");
    }

    @Test
    void anInstanceGoneFromEcsIsStillDeregisteredFromSsmAndCleaned() {
        f.containers.deregister(CLUSTER, f.arn, false); // someone deregistered it in the console

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.states()).containsExactly("StartDrain", "DrainDecision", "Deregister", "CleanHost",
                "NodeDeregistered");
        assertThat(f.step(StartDrain.STEP).result()).isEqualTo(StepResult.SKIPPED);
        assertThat(f.step(StartDrain.STEP).detail()).contains("gone from ECS");
        assertThat(f.managed.deregisteredIds()).containsExactly(MI);
        assertThat(f.cleanupRuns).hasValue(1);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(f.events.events()).extracting(NodeEvent::detailType).containsExactly("NodeDeregistered");
    }

    @Test
    void aManagedInstanceGoneFromSsmCountsAsDeregisteredThoughIamDeniesTheCall() {
        f.managed.deregister(MI); // someone deregistered it in the console
        f.managed.denyUnlisted();

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("NodeDeregistered");
        assertThat(f.step(Deregister.STEP).detail()).contains("managed instance " + MI + " already gone from SSM");
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
    }

    @Test
    void anInstanceTheRecordDoesNotNameIsDeregisteredToo() {
        // A registration cut short registered the host again and could not reach SSM to record what it left.
        String stray = "mi-0fedcba9876543210";
        f.managed.add(new ManagedInstance(stray, "act-2", NODE, PingStatus.ONLINE, "3.3.0", DrainFixture.ADDRESS));
        String strayArn = f.containers.register(CLUSTER, stray, Map.of("ecsa.nodeId", NODE)).arn();
        f.managed.add(new ManagedInstance("mi-00000000000000099", "act-3", "another-node", PingStatus.ONLINE,
                "3.3.0", "192.0.2.99"));

        run(TimeoutPolicy.REVERT);

        assertThat(f.managed.deregisteredIds()).containsExactly(MI, stray);
        assertThat(f.managed.registeredFor(NODE)).isEmpty();
        assertThat(f.managed.registeredFor("another-node")).hasSize(1);
        assertThat(f.containers.statusChanges()).contains(strayArn + " DEREGISTERED");
        assertThat(f.step(Deregister.STEP).detail()).contains("managed instance " + stray
                + " deregistered (not recorded on the node)", "container instance " + strayArn + " of " + stray);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
    }

    /** Seed 7 of the soak: the recorded container instance was an earlier registration's; the live one was not. */
    @Test
    void aLiveContainerInstanceOfTheRecordedManagedInstanceIsDeregisteredThoughTheRecordNamesAnother() {
        f.containers.deregister(CLUSTER, f.arn, false); // the recorded one: an earlier registration's, long gone
        String laterArn = f.containers.register(CLUSTER, MI, Map.of("ecsa.nodeId", NODE)).arn();

        StateMachineDriver.Run run = run(TimeoutPolicy.REVERT);

        assertThat(run.end()).isEqualTo("NodeDeregistered");
        assertThat(f.containers.statusChanges()).contains(laterArn + " DEREGISTERED");
        assertThat(f.containers.findByManagedInstanceId(CLUSTER, MI).filter(c -> !c.status().isGone())).isEmpty();
        assertThat(f.step(Deregister.STEP).detail()).contains("container instance " + laterArn + " of " + MI);
        assertThat(f.managed.deregisteredIds()).containsExactly(MI);
        assertThat(f.node().state()).isEqualTo(NodeState.DEREGISTERED);
    }

    @Test
    void aDisconnectedAgentIsRecordedAndTheTimeoutPolicyApplies() {
        f.addServiceTask("web-1");
        ContainerInstances disconnected = disconnectedAgent(f.containers);

        StateMachineDriver.Run run = new StateMachineDriver(f.tasks(disconnected), f.clock)
                .run(f.start(TimeoutPolicy.REVERT));

        assertThat(f.step(StartDrain.STEP).detail()).contains("agent is disconnected", "revert policy applies");
        assertThat(run.end()).isEqualTo("DrainEndedWithoutDeregistration");
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.ACTIVE);
    }

    @Test
    void aGuardTakenByTheIntakeIsAdoptedNotMovedAgain() {
        f.store.transition(NODE, new dev.ecsa.core.state.Transition(NodeState.REGISTERED, NodeState.DRAINING, 2),
                dev.ecsa.core.model.NodeUpdate.none()).orThrow();
        DrainState started = f.tasks().startDrain(f.start(TimeoutPolicy.REVERT)); // nodeVersion 3, DRAINING

        assertThat(started.nodeState()).isEqualTo(NodeState.DRAINING);
        assertThat(started.nodeVersion()).isEqualTo(3);
        assertThat(f.node().version()).isEqualTo(3);
        assertThat(f.node().lastRequestId()).isEqualTo(REQUEST);
        assertThat(started.weSetDraining()).isTrue();
    }

    private static ContainerInstances disconnectedAgent(ContainerInstances delegate) {
        return (ContainerInstances) Proxy.newProxyInstance(ContainerInstances.class.getClassLoader(),
                new Class<?>[] {ContainerInstances.class}, (p, m, args) -> {
                    Object result;
                    try {
                        result = m.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (m.getName().equals("describe")) {
                        return ((Optional<?>) result).map(o -> {
                            ContainerInstance ci = (ContainerInstance) o;
                            return new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), ci.status(),
                                    false, ci.runningTasksCount(), ci.pendingTasksCount(), ci.agentVersion(),
                                    ci.attributes());
                        });
                    }
                    return result;
                });
    }

    /** The fixture's host, unreachable for the first {@code failures} runs and reachable after. */
    private static final class RemoteHostThatRecovers implements dev.ecsa.core.port.RemoteHost {
        private final DrainFixture f;
        private int failures;

        RemoteHostThatRecovers(DrainFixture f, int failures) {
            this.f = f;
            this.failures = failures;
        }

        @Override
        public dev.ecsa.core.port.ScriptResult run(dev.ecsa.core.port.ScriptRun run) {
            if (failures-- == 0) {
                f.hosts.setReachable(DrainFixture.ADDRESS, 22, true);
            }
            return f.hosts.run(run);
        }
    }
}
