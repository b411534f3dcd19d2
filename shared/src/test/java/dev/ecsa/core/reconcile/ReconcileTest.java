package dev.ecsa.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconcileTest {

    private final ReconcileWorld w = new ReconcileWorld();

    private static List<Finding> of(ReconcileResult r, FindingType type) {
        return r.run().findings().stream().filter(f -> f.type() == type).toList();
    }

    private static Finding only(ReconcileResult r, FindingType type) {
        List<Finding> found = of(r, type);
        assertThat(found).as("findings of type %s in %s", type, r.run().findings()).hasSize(1);
        return found.get(0);
    }

    @Test
    void aHealthyFleetHasNoFindingsAndTheRunIsRecorded() {
        w.registered("n1");
        w.registered("n2");
        ReconcileResult r = w.run();
        assertThat(r.run().findings()).isEmpty();
        assertThat(r.run().counts()).containsEntry(FindingType.OK, 2).containsEntry(FindingType.MISMATCH, 0);
        assertThat(r.run().nodes()).isEqualTo(2);
        assertThat(r.run().managedInstances()).isEqualTo(2);
        assertThat(r.run().containerInstances()).isEqualTo(2);
        assertThat(w.store.lastReconcileRun()).contains(r.run());
        assertThat(w.events.events()).isEmpty();
    }

    @Test
    void aDisconnectedEcsAgentIsReportedSinceTheFirstRunThatSawIt() {
        var n = w.registered("n1");
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        Instant first = w.clock.instant();
        Finding f = only(w.run(), FindingType.AGENT_DISCONNECTED);
        assertThat(f.since()).isEqualTo(first);
        assertThat(f.action()).isEqualTo(FixAction.REPORTED);
        assertThat(f.detail()).contains("ECS reports the agent");

        w.advance(Duration.ofMinutes(15));
        ReconcileResult second = w.run();
        assertThat(only(second, FindingType.AGENT_DISCONNECTED).since()).isEqualTo(first);
        assertThat(second.newFindings()).extracting(Finding::type).as("the repair's, past its debounce")
                .containsExactlyInAnyOrder(FindingType.NODE_UNHEALTHY, FindingType.REPAIR_SUSPENDED);
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftFound.class))
                .filteredOn(e -> e.findingType().equals("AGENT_DISCONNECTED")).hasSize(1);
    }

    @Test
    void aLostSsmPingIsReportedSinceTheLastPing() {
        var n = w.registered("n1");
        Instant lastPing = w.clock.instant().minus(Duration.ofHours(3));
        w.managed.setPing(n.managedInstanceId(), PingStatus.CONNECTION_LOST, lastPing);
        Finding f = only(w.run(), FindingType.AGENT_DISCONNECTED);
        assertThat(f.since()).isEqualTo(lastPing);
        assertThat(f.detail()).contains("CONNECTION_LOST");
        NodeEvent.NodeDriftFound e = w.events.eventsOf(NodeEvent.NodeDriftFound.class).get(0);
        assertThat(e.nodeId()).isEqualTo("n1");
        assertThat(e.findingType()).isEqualTo("AGENT_DISCONNECTED");
        assertThat(e.since()).isEqualTo(lastPing.toString());
    }

    @Test
    void aReconnectedAgentIsAResolution() {
        var n = w.registered("n1");
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        w.run();
        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        ReconcileResult r = w.run();
        assertThat(r.run().findings()).isEmpty();
        assertThat(r.resolved()).extracting(Finding::type).containsExactly(FindingType.AGENT_DISCONNECTED);
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftResolved.class)).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("n1"));
    }

    @Test
    void aManagedInstanceOfTheStackWithoutANodeIsAnSsmOrphanLeftAloneByDefault() {
        ManagedInstance mi = w.registerHost("ghost", "req-x", true);
        Finding f = only(w.run(), FindingType.ORPHAN_IN_SSM);
        assertThat(f.subject()).isEqualTo(mi.instanceId());
        assertThat(f.nodeId()).isEqualTo("ghost");
        assertThat(f.fixKind()).isEqualTo(FixKind.MEMBERSHIP);
        assertThat(f.action()).isEqualTo(FixAction.SKIPPED_DISABLED);
        assertThat(w.managed.describe(mi.instanceId())).isPresent();
    }

    @Test
    void membershipFixesDeregisterSsmOrphansWithinTheBudgetAndTheNextRunTakesTheRest() {
        for (int i = 0; i < 7; i++) {
            w.registerHost("ghost-" + i, "req-g" + i, true);
        }
        w.membershipFixes(5);
        ReconcileResult first = w.run();
        assertThat(of(first, FindingType.ORPHAN_IN_SSM)).extracting(Finding::action)
                .containsOnly(FixAction.FIXED, FixAction.SKIPPED_BUDGET)
                .filteredOn(a -> a == FixAction.FIXED).hasSize(5);
        assertThat(w.managed.deregisteredIds()).hasSize(5);
        assertThat(first.run().fixes()).isEqualTo(5);

        ReconcileResult second = w.run();
        assertThat(of(second, FindingType.ORPHAN_IN_SSM)).extracting(Finding::action).containsOnly(FixAction.FIXED)
                .hasSize(2);
        assertThat(w.managed.deregisteredIds()).hasSize(7);
        assertThat(second.resolved()).hasSize(5);
        assertThat(w.run().run().findings()).isEmpty();
    }

    @Test
    void anEcsInstanceOfADeregisteredNodeIsAnEcsOrphanDeregisteredWithoutForce() {
        var n = w.registered("n1");
        var busy = w.registered("n2");
        w.containers.addTask(busy.containerInstanceArn(), new TaskInfo("arn:task/1", "family:batch", "RUNNING",
                "RUNNING", false));
        for (var node : List.of(n, busy)) {
            w.managed.deregister(node.managedInstanceId());
            w.store.transition(node.nodeId(), new dev.ecsa.core.state.Transition(NodeState.REGISTERED,
                    NodeState.DEREGISTERING, 2), NodeUpdate.none());
            w.store.transition(node.nodeId(), new dev.ecsa.core.state.Transition(NodeState.DEREGISTERING,
                    NodeState.DEREGISTERED, 3), NodeUpdate.none());
        }
        w.membershipFixes(5);
        ReconcileResult r = w.run();
        assertThat(of(r, FindingType.ORPHAN_IN_ECS)).hasSize(2);
        Finding fixed = of(r, FindingType.ORPHAN_IN_ECS).stream().filter(f -> f.nodeId().equals("n1")).findFirst()
                .orElseThrow();
        assertThat(fixed.action()).isEqualTo(FixAction.FIXED);
        assertThat(fixed.subject()).isEqualTo(n.containerInstanceArn());
        Finding refused = of(r, FindingType.ORPHAN_IN_ECS).stream().filter(f -> f.nodeId().equals("n2")).findFirst()
                .orElseThrow();
        assertThat(refused.action()).isEqualTo(FixAction.FAILED);
        assertThat(refused.actionDetail()).contains("CONFLICT");
        assertThat(w.containers.statusChanges()).containsExactly(n.containerInstanceArn() + " DEREGISTERED");
    }

    @Test
    void instancesThatAreNotTheStacksAreIgnored() {
        w.registered("n1");
        w.managed.add(new ManagedInstance("mi-0000000000000000f", null, "someone-else", PingStatus.ONLINE, "3", null));
        w.containers.register(ReconcileWorld.CLUSTER, "mi-0000000000000000f", Map.of());
        w.containers.register(ReconcileWorld.CLUSTER, "i-0123456789", Map.of());
        ReconcileResult r = w.run();
        assertThat(r.run().findings()).isEmpty();
        assertThat(r.run().counts()).containsEntry(FindingType.OK, 1);
    }

    @Test
    void aLiveNodeMissingFromOneViewIsAnOrphanInTheOtherReportedOnly() {
        var a = w.registered("a");
        var b = w.registered("b");
        w.containers.deregister(ReconcileWorld.CLUSTER, a.containerInstanceArn(), false);
        w.managed.deregister(b.managedInstanceId());
        w.membershipFixes(5);
        ReconcileResult r = w.run();
        Finding ssm = only(r, FindingType.ORPHAN_IN_SSM);
        assertThat(ssm.subject()).isEqualTo("a");
        assertThat(ssm.action()).isEqualTo(FixAction.REPORTED);
        Finding ecs = only(r, FindingType.ORPHAN_IN_ECS);
        assertThat(ecs.subject()).isEqualTo("b");
        assertThat(ecs.action()).isEqualTo(FixAction.REPORTED);
        assertThat(w.containers.statusChanges()).hasSize(1);
    }

    @Test
    void storedIdsThatDifferFromAwsAreAMismatch() {
        var n = w.registered("n1");
        // The agent re-registered (amazon-ecs-agent#921): the stored ARN is gone, ECS has a new one for the mi-.
        w.containers.deregister(ReconcileWorld.CLUSTER, n.containerInstanceArn(), false);
        ContainerInstance again = w.containers.register(ReconcileWorld.CLUSTER, n.managedInstanceId(),
                Map.of(Classifier.NODE_ATTRIBUTE, "n1"));
        var gone = w.registered("n2");
        w.containers.deregister(ReconcileWorld.CLUSTER, gone.containerInstanceArn(), false);
        w.managed.deregister(gone.managedInstanceId());
        ReconcileResult r = w.run();
        assertThat(of(r, FindingType.MISMATCH)).extracting(Finding::subject).containsExactlyInAnyOrder("n1", "n2");
        assertThat(of(r, FindingType.MISMATCH)).filteredOn(f -> f.subject().equals("n1")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains(again.arn()));
        assertThat(of(r, FindingType.MISMATCH)).filteredOn(f -> f.subject().equals("n2")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("neither SSM nor ECS"));
        assertThat(of(r, FindingType.ORPHAN_IN_ECS)).isEmpty();
    }

    @Test
    void leftoverActivationsAreDeletedButOnesInUseOrTooYoungAreNot() {
        Activation leftover = w.activations.create(new ActivationSpec("n9", "req-old", w.clock.instant()
                .plus(Duration.ofHours(1)), Map.of()));
        w.registering("n8", "req-live");
        Activation inUse = w.activations.create(new ActivationSpec("n8", "req-live", w.clock.instant()
                .plus(Duration.ofHours(1)), Map.of()));
        w.advance(Duration.ofMinutes(10));
        Activation young = w.activations.create(new ActivationSpec("n7", "req-new", w.clock.instant()
                .plus(Duration.ofHours(1)), Map.of()));
        ReconcileResult r = w.run();
        Finding f = only(r, FindingType.LEFTOVER_ACTIVATION);
        assertThat(f.subject()).isEqualTo(leftover.activationId());
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(f.detail()).contains("unused");
        assertThat(w.activations.listActivations()).extracting(ActivationInfo::activationId)
                .containsExactlyInAnyOrder(inUse.activationId(), young.activationId());
    }

    @Test
    void anExpiredActivationIsLeftoverEvenWhileItsNodeRegisters() {
        w.registering("n8", "req-live");
        Activation a = w.activations.create(new ActivationSpec("n8", "req-live", w.clock.instant()
                .plus(Duration.ofMinutes(30)), Map.of()));
        w.advance(Duration.ofMinutes(31));
        Finding f = only(w.run(), FindingType.LEFTOVER_ACTIVATION);
        assertThat(f.detail()).contains("expired");
        assertThat(f.since()).isEqualTo(a.expiresAt());
    }

    @Test
    void safeFixesCanBeTurnedOff() {
        w.activations.create(new ActivationSpec("n9", "req-old", w.clock.instant().plus(Duration.ofHours(1)),
                Map.of()));
        w.advance(Duration.ofMinutes(10));
        w.settings = w.settings.withSafeFixes(false);
        assertThat(only(w.run(), FindingType.LEFTOVER_ACTIVATION).action()).isEqualTo(FixAction.SKIPPED_DISABLED);
        assertThat(w.activations.listActivations()).hasSize(1);
    }

    @Test
    void aRegistrationWithoutProgressIsClosedAsFailed() {
        w.registering("n1", "req-1");
        w.advance(Duration.ofMinutes(59));
        assertThat(w.run().run().findings()).isEmpty();
        w.advance(Duration.ofMinutes(2));
        Finding f = only(w.run(), FindingType.STUCK_OPERATION);
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(w.store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistrationFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("TIMED_OUT"));
        ReconcileResult next = w.run();
        assertThat(next.run().findings()).isEmpty();
        assertThat(next.resolved()).extracting(Finding::type).containsExactly(FindingType.STUCK_OPERATION);
    }

    @Test
    void aDrainWhoseWorkflowRunsIsNotStuck() {
        var n = w.registered("n1");
        w.drain(n, TimeoutPolicy.REVERT);
        w.advance(Duration.ofMinutes(30));
        assertThat(of(w.run(), FindingType.STUCK_OPERATION)).isEmpty();
    }

    @Test
    void aDrainWhoseWorkflowEndedGetsItsRevertPolicy() {
        var n = w.registered("n1");
        DrainStart start = w.stoppedDrain(n, TimeoutPolicy.REVERT);
        w.advance(Duration.ofMinutes(2));
        assertThat(of(w.run(), FindingType.STUCK_OPERATION)).as("within the grace period").isEmpty();
        w.advance(Duration.ofMinutes(4));
        Finding f = only(w.run(), FindingType.STUCK_OPERATION);
        assertThat(f.fixKind()).isEqualTo(FixKind.SAFE);
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(w.containers.describe(ReconcileWorld.CLUSTER, n.containerInstanceArn()).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(w.store.getRequest(start.requestId()).orElseThrow().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(w.events.eventsOf(NodeEvent.NodeDrainTimedOut.class)).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo("REVERT_TO_ACTIVE"));
    }

    @Test
    void aStoppedDrainIsClosedThoughItsItemWasWrittenSinceItBecameDraining() {
        var n = w.registered("n1");
        DrainStart start = w.stoppedDrain(n, TimeoutPolicy.REVERT);
        w.advance(Duration.ofMinutes(4));
        // A note on the item (no move): the soak's concurrent writer, or the reconciler's own inventory write.
        w.store.updateNode("n1", NodeState.DRAINING, NodeUpdate.none());
        w.advance(Duration.ofMinutes(2));

        assertThat(only(w.run(), FindingType.STUCK_OPERATION).action()).isEqualTo(FixAction.FIXED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(w.store.getRequest(start.requestId()).orElseThrow().outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
    }

    @Test
    void aDrainWithPolicyKeepIsKeptDraining() {
        var n = w.registered("n1");
        DrainStart start = w.stoppedDrain(n, TimeoutPolicy.KEEP);
        w.advance(Duration.ofMinutes(6));
        assertThat(only(w.run(), FindingType.STUCK_OPERATION).action()).isEqualTo(FixAction.FIXED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(w.containers.describe(ReconcileWorld.CLUSTER, n.containerInstanceArn()).orElseThrow().status())
                .isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void aStuckDrainWithPolicyForceDeregistersOnlyWithMembershipFixes() {
        var n = w.registered("n1");
        DrainStart start = w.stoppedDrain(n, TimeoutPolicy.FORCE);
        w.advance(Duration.ofMinutes(6));
        Finding skipped = only(w.run(), FindingType.STUCK_OPERATION);
        assertThat(skipped.fixKind()).isEqualTo(FixKind.MEMBERSHIP);
        assertThat(skipped.action()).isEqualTo(FixAction.SKIPPED_DISABLED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.DRAINING);

        w.membershipFixes(5);
        assertThat(only(w.run(), FindingType.STUCK_OPERATION).action()).isEqualTo(FixAction.FIXED);
        var node = w.store.getNode("n1").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(node.lastError().message()).contains("host was not cleaned");
        assertThat(w.containers.statusChanges()).contains(n.containerInstanceArn() + " DEREGISTERED (force)");
        assertThat(w.managed.deregisteredIds()).containsExactly(n.managedInstanceId());
        assertThat(w.run().run().findings()).isEmpty();
    }

    @Test
    void aDeregistrationLeftDeregisteringIsClosedAsFailed() {
        var n = w.registered("n1");
        DrainStart start = w.drain(n, TimeoutPolicy.REVERT);
        var node = w.store.getNode("n1").orElseThrow();
        w.store.transition("n1", new dev.ecsa.core.state.Transition(NodeState.DRAINING, NodeState.DEREGISTERING,
                node.version()), NodeUpdate.none());
        w.drains.end(start.requestId());
        w.advance(Duration.ofMinutes(6));
        assertThat(only(w.run(), FindingType.STUCK_OPERATION).action()).isEqualTo(FixAction.FIXED);
        assertThat(w.store.getNode("n1").orElseThrow().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(w.store.getRequest(start.requestId()).orElseThrow().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void anInstanceDrainedBySomeoneElseIsReported() {
        var n = w.registered("n1");
        w.containers.forceStatus(n.containerInstanceArn(), ContainerInstanceStatus.DRAINING);
        Finding f = only(w.run(), FindingType.STUCK_OPERATION);
        assertThat(f.fixKind()).isEqualTo(FixKind.NONE);
        assertThat(f.detail()).contains("someone else");
    }

    @Test
    void twoRunsNeverFixTheSameThingTwiceEvenWhenListingsLag() {
        w.activations.create(new ActivationSpec("n9", "req-old", w.clock.instant().plus(Duration.ofHours(1)),
                Map.of()));
        w.advance(Duration.ofMinutes(10));
        LaggingActivations lagging = new LaggingActivations(w.activations);
        lagging.freeze();
        Reconcile reconcile = new Reconcile(w.store, lagging, w.managed, w.containers, w.drains, w.events, w.clock,
                w.settings);
        ReconcileResult first = reconcile.run("run-a");
        assertThat(only(first, FindingType.LEFTOVER_ACTIVATION).action()).isEqualTo(FixAction.FIXED);
        w.advance(Duration.ofMinutes(15));
        ReconcileResult second = reconcile.run("run-b");
        Finding again = only(second, FindingType.LEFTOVER_ACTIVATION);
        assertThat(again.action()).isEqualTo(FixAction.ALREADY_FIXED);
        assertThat(again.fixedAt()).isEqualTo(only(first, FindingType.LEFTOVER_ACTIVATION).fixedAt());
        assertThat(second.run().fixes()).isZero();
        assertThat(lagging.deletes.get()).isEqualTo(1);
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftFound.class)).hasSize(1);

        lagging.thaw();
        ReconcileResult third = reconcile.run("run-c");
        assertThat(third.run().findings()).isEmpty();
        assertThat(lagging.deletes.get()).isEqualTo(1);
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftResolved.class)).hasSize(1);
    }

    @Test
    void theRunRecordIsBoundedButTheCountsAreComplete() {
        for (int i = 0; i < 12; i++) {
            w.registerHost("ghost-" + i, "req-g" + i, true);
        }
        w.settings = new ReconcileSettings(w.settings.clusters(), true, false, 5, w.settings.stuckAfter(),
                w.settings.grace(), TimeoutPolicy.REVERT, 10);
        ReconcileRun run = w.run().run();
        assertThat(run.findings()).hasSize(10);
        assertThat(run.truncated()).isTrue();
        assertThat(run.counts()).containsEntry(FindingType.ORPHAN_IN_SSM, 12);
        assertThat(run.totalFindings()).isEqualTo(12);
    }

    /** Activations whose listings can be frozen at a snapshot, as an eventually consistent API may answer. */
    static final class LaggingActivations implements HybridActivations {
        private final HybridActivations delegate;
        final AtomicInteger deletes = new AtomicInteger();
        private List<ActivationInfo> frozen;

        LaggingActivations(HybridActivations delegate) {
            this.delegate = delegate;
        }

        void freeze() {
            frozen = delegate.listActivations();
        }

        void thaw() {
            frozen = null;
        }

        @Override
        public Activation create(ActivationSpec spec) {
            return delegate.create(spec);
        }

        @Override
        public void delete(String activationId) {
            deletes.incrementAndGet();
            delegate.delete(activationId);
        }

        @Override
        public Optional<ManagedInstance> findManagedInstance(String activationId) {
            return delegate.findManagedInstance(activationId);
        }

        @Override
        public List<String> findForRequest(String nodeId, String requestId) {
            return delegate.findForRequest(nodeId, requestId);
        }

        @Override
        public List<ActivationInfo> listActivations() {
            return frozen != null ? frozen : delegate.listActivations();
        }

        @Override
        public List<ListedManagedInstance> listManagedInstances() {
            return delegate.listManagedInstances();
        }
    }
}
