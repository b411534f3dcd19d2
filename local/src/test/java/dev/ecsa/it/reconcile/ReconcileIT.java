package dev.ecsa.it.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.deregister.StartDrain;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.FixAction;
import dev.ecsa.core.reconcile.ReconcileResult;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.reconcile.RepairSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.Json;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.it.HeldExecutions;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.PublishedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The reconciler end to end on the bench: the production SSM, ECS, EventBridge, Step Functions and DynamoDB adapters
 * against the control-plane simulator, the Step Functions emulator and dynalite. Every finding type and every fix,
 * the budget, idempotency. Each test is its own stack (name, IAM role, cluster, table).
 *
 * <p>The drain executions run a one-Task stand-in that holds each execution until the test releases it, so a drain
 * whose workflow is running and one whose workflow has ended can both be set up.
 */
@ExtendWith(DynaliteExtension.class)
class ReconcileIT {

    private static final String STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:DrainHold";

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static DynaliteServer dynalite;
    private static HeldExecutions held;
    private static SfnDrainWorkflow drains;

    private ReconcileBench bench;

    @BeforeAll
    static void start(DynaliteServer server) throws Exception {
        dynalite = server;
        held = new HeldExecutions(STATE_MACHINE, Duration.ofSeconds(60));
        drains = new SfnDrainWorkflow(held.sfn(), STATE_MACHINE);
    }

    @AfterAll
    static void stop() {
        if (held != null) {
            held.close();
        }
    }

    @BeforeEach
    void newStack() {
        bench = new ReconcileBench(SIM.simulator(), dynalite, held.endpoint());
        SIM.simulator().clearEvents();
    }

    @AfterEach
    void closeStack() {
        bench.close();
    }

    private ReconcileResult run(ReconcileSettings settings) {
        return bench.run(settings, drains);
    }

    private static List<Finding> of(ReconcileResult r, FindingType type) {
        return r.run().findings().stream().filter(f -> f.type() == type).toList();
    }

    private static Finding only(ReconcileResult r, FindingType type, String subject) {
        List<Finding> found = of(r, type).stream().filter(f -> f.subject().equals(subject)).toList();
        assertThat(found).as("%s of %s in %s", type, subject, r.run().findings()).hasSize(1);
        return found.get(0);
    }

    private List<PublishedEvent> events(String detailType) {
        return SIM.simulator().events().stream().filter(e -> e.detailType().equals(detailType)).toList();
    }

    /** Starts a drain the way the intake and StartDrain do; the execution holds until {@link #endExecution}. */
    private DrainStart drain(ReconcileBench.Node node, TimeoutPolicy policy) {
        String requestId = bench.nextRequest();
        bench.request(requestId, node.nodeId(), Action.DEREGISTER);
        NodeRecord n = bench.store.getNode(node.nodeId()).orElseThrow();
        DrainStart start = new DrainStart(requestId, node.nodeId(), bench.cluster, node.containerInstanceArn(),
                bench.clock.instant().plus(Duration.ofMinutes(10)), policy, n.version());
        assertThat(drains.start(start)).isTrue();
        new StartDrain(bench.store, bench.containers, bench.events, bench.clock, DrainSettings.defaults("key"))
                .handle(start);
        return start;
    }

    private void endExecution(String requestId) throws InterruptedException {
        held.release(requestId);
        String arn = held.executionArn(requestId);
        for (int i = 0; i < 200; i++) {
            if (held.sfn().describeExecution(r -> r.executionArn(arn)).status() != ExecutionStatus.RUNNING) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("execution " + requestId + " did not end");
    }

    @Test
    void aHealthyFleetIsAllOkAndTheRunIsStored() {
        bench.registered("n1");
        bench.registered("n2");
        ReconcileResult r = run(bench.settings());
        assertThat(r.run().findings()).isEmpty();
        assertThat(r.run().counts()).containsEntry(FindingType.OK, 2);
        assertThat(bench.store.lastReconcileRun()).contains(r.run());
    }

    @Test
    void disconnectedAgentsAreReportedWithSinceWhenAndAnEvent() {
        var ecsDown = bench.registered("ecs-down");
        var ssmDown = bench.registered("ssm-down");
        SIM.simulator().setAgentConnected(ecsDown.containerInstanceArn(), false);
        SIM.simulator().setPingStatus(ssmDown.managedInstanceId(), "ConnectionLost");
        var lastPing = SIM.simulator().managedInstance(ssmDown.managedInstanceId()).orElseThrow().lastPingDateTime();
        // The reconciler's clock is a test clock; bring it past the simulator's (real) time of the last ping.
        bench.clock.advance(Duration.between(bench.clock.instant(), java.time.Instant.now()).plusMinutes(5));

        ReconcileResult r = run(bench.settings());
        assertThat(only(r, FindingType.AGENT_DISCONNECTED, "ecs-down").since()).isEqualTo(r.run().startedAt());
        Finding ssm = only(r, FindingType.AGENT_DISCONNECTED, "ssm-down");
        // The wire carries epoch seconds with milliseconds.
        assertThat(ssm.since()).isBetween(lastPing.minusMillis(1), lastPing.plusMillis(1));
        assertThat(ssm.detail()).contains("CONNECTION_LOST");
        assertThat(events("NodeDriftFound")).extracting(e -> Json.mapper().readTree(e.detail()).get("nodeId").asText())
                .containsExactlyInAnyOrder("ecs-down", "ssm-down");
    }

    @Test
    void orphansAreReportedAndDeregisteredOnlyWithMembershipFixes() {
        bench.registered("kept");
        String strayMi = bench.registerHost("stray", "req-stray", true);
        String strayArn = SIM.simulator().registerContainerInstance(bench.cluster, strayMi,
                Map.of(ReconcileBench.NODE_ATTRIBUTE, "stray"), Map.of(ReconcileBench.STACK_TAG, bench.stack));

        ReconcileResult off = run(bench.settings());
        assertThat(only(off, FindingType.ORPHAN_IN_SSM, strayMi).action()).isEqualTo(FixAction.SKIPPED_DISABLED);
        assertThat(only(off, FindingType.ORPHAN_IN_ECS, strayArn).action()).isEqualTo(FixAction.SKIPPED_DISABLED);
        assertThat(SIM.simulator().managedInstance(strayMi).orElseThrow().deregistered()).isFalse();

        ReconcileResult on = run(bench.settings().withMembershipFixes(true, 5));
        assertThat(only(on, FindingType.ORPHAN_IN_SSM, strayMi).action()).isEqualTo(FixAction.FIXED);
        assertThat(only(on, FindingType.ORPHAN_IN_ECS, strayArn).action()).isEqualTo(FixAction.FIXED);
        assertThat(SIM.simulator().managedInstance(strayMi).orElseThrow().deregistered()).isTrue();
        assertThat(SIM.simulator().containerInstance(strayArn).orElseThrow().status()).isEqualTo("INACTIVE");
        assertThat(on.newFindings()).isEmpty();

        ReconcileResult after = run(bench.settings().withMembershipFixes(true, 5));
        assertThat(after.run().findings()).isEmpty();
        assertThat(after.resolved()).hasSize(2);
        assertThat(events("NodeDriftResolved")).hasSize(2);
    }

    @Test
    void aLiveNodeMissingFromEcsOrSsmIsReportedAndStoredIdsThatDifferAreAMismatch() {
        var noEcs = bench.registered("no-ecs");
        var noSsm = bench.registered("no-ssm");
        var moved = bench.registered("moved");
        bench.containers.deregister(bench.cluster, noEcs.containerInstanceArn(), false);
        bench.managed.deregister(noSsm.managedInstanceId());
        bench.containers.deregister(bench.cluster, moved.containerInstanceArn(), false);
        String again = SIM.simulator().registerContainerInstance(bench.cluster, moved.managedInstanceId(),
                Map.of(ReconcileBench.NODE_ATTRIBUTE, "moved"), Map.of(ReconcileBench.STACK_TAG, bench.stack));

        ReconcileResult r = run(bench.settings().withMembershipFixes(true, 5));
        assertThat(only(r, FindingType.ORPHAN_IN_SSM, "no-ecs").action()).isEqualTo(FixAction.REPORTED);
        assertThat(only(r, FindingType.ORPHAN_IN_ECS, "no-ssm").action()).isEqualTo(FixAction.REPORTED);
        assertThat(only(r, FindingType.MISMATCH, "moved").detail()).contains(again);
        assertThat(r.run().fixes()).isZero();
    }

    @Test
    void leftoverActivationsAreDeleted() {
        bench.registerHost("used", "req-used", false);
        bench.clock.advance(Duration.ofMinutes(10));
        ActivationInfo leftover = bench.activations.listActivations().get(0);
        ReconcileResult r = run(bench.settings());
        Finding f = only(r, FindingType.LEFTOVER_ACTIVATION, leftover.activationId());
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(f.detail()).contains("used up");
        assertThat(bench.activations.listActivations()).isEmpty();
    }

    @Test
    void aStuckRegistrationIsClosedAsFailed() {
        String requestId = bench.nextRequest();
        bench.request(requestId, "slow", Action.REGISTER);
        bench.store.createNodeIfAbsent(new NodeRecord("slow", NodeState.REGISTERING, 1, bench.cluster, null, null,
                null, "192.0.2.20", 22, "ecsa", null, requestId, null, bench.clock.instant(), bench.clock.instant(),
                bench.clock.instant()));
        bench.clock.advance(Duration.ofMinutes(61));
        ReconcileResult r = run(bench.settings());
        assertThat(only(r, FindingType.STUCK_OPERATION, "slow").action()).isEqualTo(FixAction.FIXED);
        assertThat(bench.store.getNode("slow").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(bench.store.getRequest(requestId).orElseThrow().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(events("NodeRegistrationFailed")).hasSize(1);
    }

    @Test
    void aDrainWhoseWorkflowEndedGetsItsTimeoutPolicyAndARunningOneIsLeftAlone() throws Exception {
        var ended = bench.registered("ended");
        var running = bench.registered("running");
        DrainStart endedDrain = drain(ended, TimeoutPolicy.REVERT);
        drain(running, TimeoutPolicy.REVERT);
        endExecution(endedDrain.requestId());
        bench.clock.advance(Duration.ofMinutes(6));

        ReconcileResult r = run(bench.settings());
        assertThat(of(r, FindingType.STUCK_OPERATION)).extracting(Finding::subject).containsExactly("ended");
        assertThat(only(r, FindingType.STUCK_OPERATION, "ended").action()).isEqualTo(FixAction.FIXED);
        assertThat(bench.store.getNode("ended").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(SIM.simulator().containerInstance(ended.containerInstanceArn()).orElseThrow().status())
                .isEqualTo("ACTIVE");
        assertThat(bench.store.getRequest(endedDrain.requestId()).orElseThrow().outcome())
                .isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(bench.store.getNode("running").orElseThrow().state()).isEqualTo(NodeState.DRAINING);
        assertThat(events("NodeDrainTimedOut")).hasSize(1);
    }

    @Test
    void theBudgetBoundsMembershipFixesPerRun() {
        for (int i = 0; i < 7; i++) {
            bench.registerHost("stray-" + i, "req-s" + i, true);
        }
        ReconcileSettings settings = bench.settings().withMembershipFixes(true, 3);
        assertThat(run(settings).run().fixes()).isEqualTo(3);
        assertThat(SIM.simulator().managedInstanceCount()).isGreaterThanOrEqualTo(4);
        ReconcileResult second = run(settings);
        assertThat(second.run().fixes()).isEqualTo(3);
        assertThat(of(second, FindingType.ORPHAN_IN_SSM)).extracting(Finding::action)
                .containsExactlyInAnyOrder(FixAction.FIXED, FixAction.FIXED, FixAction.FIXED,
                        FixAction.SKIPPED_BUDGET);
        assertThat(run(settings).run().fixes()).isEqualTo(1);
        assertThat(run(settings).run().findings()).isEmpty();
    }

    @Test
    void twoRunsInARowNeverFixTheSameThingTwice() {
        bench.registerHost("used", "req-used", false);
        String strayMi = bench.registerHost("stray", "req-stray", true);
        var down = bench.registered("down");
        SIM.simulator().setAgentConnected(down.containerInstanceArn(), false);
        bench.clock.advance(Duration.ofMinutes(10));
        // The repair's debounce beyond this test's half hour: the disconnected agent stays a plain report.
        ReconcileSettings settings = bench.settings().withMembershipFixes(true, 5)
                .withRepair(new RepairSettings(Duration.ofHours(2), false, RepairSettings.DEFAULT_MAX_UNHEALTHY_PERCENT));

        ReconcileResult first = run(settings);
        // The leftover activation, the two mi- registered without a node item, and the disconnected agent.
        assertThat(first.run().totalFindings()).isEqualTo(4);
        assertThat(first.run().fixes()).isEqualTo(3);
        long deletes = SIM.simulator().calls("AmazonSSM.DeleteActivation");
        long deregistrations = SIM.simulator().calls("AmazonSSM.DeregisterManagedInstance");

        bench.clock.advance(Duration.ofMinutes(15));
        ReconcileResult second = run(settings);
        assertThat(second.run().fixes()).isZero();
        assertThat(second.run().findings()).extracting(Finding::type)
                .containsExactly(FindingType.AGENT_DISCONNECTED);
        assertThat(second.newFindings()).isEmpty();
        assertThat(second.resolved()).hasSize(3);
        assertThat(SIM.simulator().calls("AmazonSSM.DeleteActivation")).isEqualTo(deletes);
        assertThat(SIM.simulator().calls("AmazonSSM.DeregisterManagedInstance")).isEqualTo(deregistrations);
        assertThat(events("NodeDriftFound")).hasSize(4);
        assertThat(SIM.simulator().managedInstance(strayMi).orElseThrow().deregistered()).isTrue();

        ReconcileRun stored = bench.store.lastReconcileRun().orElseThrow();
        assertThat(stored).isEqualTo(second.run());
        assertThat(stored.findings().get(0).since()).isEqualTo(first.run().startedAt());
    }
}
