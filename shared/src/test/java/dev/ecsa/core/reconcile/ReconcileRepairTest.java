package dev.ecsa.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.model.NodeUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health-gated repair: debounce, quarantine, release, and the two safeties (outage limit, pause). */
class ReconcileRepairTest {

    private static final Duration RUN_EVERY = Duration.ofMinutes(15);

    private final ReconcileWorld w = new ReconcileWorld();

    @BeforeEach
    void quarantineOn() {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly().withQuarantine(true));
    }

    private NodeRecord node(String nodeId) {
        return w.store.getNode(nodeId).orElseThrow();
    }

    private ContainerInstanceStatus status(ReconcileWorld.Node n) {
        return w.containers.describe(ReconcileWorld.CLUSTER, n.containerInstanceArn()).orElseThrow().status();
    }

    private static Finding finding(ReconcileResult r, FindingType type, String subject) {
        return r.run().findings().stream().filter(f -> f.type() == type && f.subject().equals(subject)).findFirst()
                .orElse(null);
    }

    private ReconcileResult nextRun() {
        w.advance(RUN_EVERY);
        return w.run();
    }

    /** Four healthy nodes besides the ones a test makes sick, so one sick node is 20% of the cluster. */
    private void healthyNeighbours() {
        for (int i = 1; i <= 4; i++) {
            w.registered("ok-" + i);
        }
    }

    /** n1 among four healthy nodes, its ECS agent disconnected since a first run (its streak started there). */
    private ReconcileWorld.Node disconnectedForOneRun() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        w.run();
        return n;
    }

    @Test
    void anAgentThatFlipsBetweenRunsIsNeverActedOn() {
        healthyNeighbours();
        var n = w.registered("n1");
        for (int i = 0; i < 6; i++) {
            w.containers.setAgentConnected(n.containerInstanceArn(), i % 2 == 1);
            ReconcileResult r = nextRun();
            assertThat(finding(r, FindingType.NODE_UNHEALTHY, "n1")).as("run %d", i).isNull();
        }

        assertThat(node("n1").state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node("n1").health()).as("the last run found it healthy: the streak is over").isEqualTo(
                NodeHealth.none());
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(w.events.eventsOf(NodeEvent.NodeQuarantined.class)).isEmpty();
        assertThat(w.containers.statusChanges()).isEmpty();
    }

    @Test
    void anAgentDisconnectedLongerThanTheDebounceIsQuarantined() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.containers.setAgentConnected(n.containerInstanceArn(), false);

        ReconcileResult first = w.run();
        assertThat(finding(first, FindingType.AGENT_DISCONNECTED, "n1")).isNotNull();
        assertThat(finding(first, FindingType.NODE_UNHEALTHY, "n1")).as("not yet: the debounce").isNull();
        assertThat(node("n1").health().unhealthySince()).isEqualTo(first.run().startedAt());

        ReconcileResult second = nextRun();

        Finding f = finding(second, FindingType.NODE_UNHEALTHY, "n1");
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(f.actionDetail()).contains("quarantined");
        assertThat(f.since()).isEqualTo(first.run().startedAt());
        NodeRecord after = node("n1");
        assertThat(after.state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(after.lastError().reason()).isEqualTo(Reason.AGENT_UNHEALTHY);
        assertThat(after.health().quarantinedAt()).isEqualTo(second.run().startedAt());
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(w.events.eventsOf(NodeEvent.NodeQuarantined.class)).singleElement()
                .satisfies(e -> assertThat(e.containerInstanceArn()).isEqualTo(n.containerInstanceArn()));
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftFound.class))
                .anyMatch(e -> e.findingType().equals("NODE_UNHEALTHY") && e.nodeId().equals("n1"));

        ReconcileResult third = nextRun();
        assertThat(finding(third, FindingType.NODE_UNHEALTHY, "n1").action()).isEqualTo(FixAction.REPORTED);
        assertThat(w.events.eventsOf(NodeEvent.NodeQuarantined.class)).as("quarantined once").hasSize(1);
    }

    @Test
    void anInstanceEcsReportsImpairedIsUnhealthyThoughItsAgentIsConnected() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.containers.setHealthStatus(n.containerInstanceArn(), "IMPAIRED");
        ReconcileResult first = w.run();
        assertThat(first.run().counts()).as("an impaired instance is reported once past the debounce, not before")
                .containsEntry(FindingType.OK, 5);
        assertThat(node("n1").health().problem()).contains("IMPAIRED");

        ReconcileResult second = nextRun();

        Finding f = finding(second, FindingType.NODE_UNHEALTHY, "n1");
        assertThat(f.detail()).contains("IMPAIRED");
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(finding(second, FindingType.AGENT_DISCONNECTED, "n1")).as("its agent is connected").isNull();
        assertThat(second.run().counts()).containsEntry(FindingType.OK, 4).containsEntry(FindingType.NODE_UNHEALTHY, 1);
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);
    }

    @Test
    void withQuarantineOffAnUnhealthyNodeIsOnlyReported() {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly());
        var n = disconnectedForOneRun();

        Finding f = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(f.action()).isEqualTo(FixAction.REPORTED);
        assertThat(f.actionDetail()).contains("quarantine and restart are turned off");
        assertThat(node("n1").state()).isEqualTo(NodeState.REGISTERED);
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);
    }

    @Test
    void ssmsLastPingDatesTheStreakSoALongSilentAgentIsUnhealthyAtOnce() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.managed.setPing(n.managedInstanceId(), PingStatus.CONNECTION_LOST, w.clock.instant().minus(Duration.ofHours(1)));

        ReconcileResult r = w.run();

        Finding f = finding(r, FindingType.NODE_UNHEALTHY, "n1");
        assertThat(f.since()).isEqualTo(w.clock.instant().minus(Duration.ofHours(1)));
        assertThat(f.action()).isEqualTo(FixAction.FIXED);
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);
    }

    @Test
    void aQuarantinedNodeIsReleasedOnceItStayedHealthyForTheDebounce() {
        var n = disconnectedForOneRun();
        nextRun();
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);

        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        ReconcileResult healthyOnce = nextRun();
        assertThat(node("n1").state()).as("healthy once is not enough").isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(node("n1").health().healthySince()).isEqualTo(healthyOnce.run().startedAt());
        assertThat(finding(healthyOnce, FindingType.NODE_UNHEALTHY, "n1")).isNull();

        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        nextRun();
        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        nextRun();
        assertThat(node("n1").state()).as("a relapse starts the wait again").isEqualTo(NodeState.DRAIN_KEPT);

        ReconcileResult released = nextRun();

        NodeRecord after = node("n1");
        assertThat(after.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(after.health()).isEqualTo(NodeHealth.none());
        assertThat(after.lastError()).isNull();
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(w.events.eventsOf(NodeEvent.NodeQuarantineReleased.class)).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo(released.run().runId()));
        assertThat(finding(nextRun(), FindingType.STUCK_OPERATION, "n1")).isNull();
    }

    @Test
    void aClusterWideOutageStopsRepairUntilFewerNodesAreUnhealthy() {
        List<ReconcileWorld.Node> nodes = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            nodes.add(w.registered("n" + i));
        }
        for (int i = 0; i < 3; i++) {
            w.containers.setAgentConnected(nodes.get(i).containerInstanceArn(), false);
        }
        w.run();

        ReconcileResult outage = nextRun();

        Finding suspended = finding(outage, FindingType.REPAIR_SUSPENDED, ReconcileWorld.CLUSTER);
        assertThat(suspended.detail()).contains("3 of 5", "60%", "40%");
        for (int i = 1; i <= 3; i++) {
            Finding f = finding(outage, FindingType.NODE_UNHEALTHY, "n" + i);
            assertThat(f.action()).isEqualTo(FixAction.SKIPPED_SAFETY);
            assertThat(f.actionDetail()).contains("suspended");
            assertThat(node("n" + i).state()).isEqualTo(NodeState.REGISTERED);
        }
        assertThat(w.containers.statusChanges()).isEmpty();
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftFound.class))
                .anyMatch(e -> e.findingType().equals("REPAIR_SUSPENDED"));

        w.containers.setAgentConnected(nodes.get(1).containerInstanceArn(), true);
        w.containers.setAgentConnected(nodes.get(2).containerInstanceArn(), true);
        ReconcileResult over = nextRun();

        assertThat(finding(over, FindingType.REPAIR_SUSPENDED, ReconcileWorld.CLUSTER)).isNull();
        assertThat(node("n1").state()).as("one of five: a node problem").isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(w.events.eventsOf(NodeEvent.NodeDriftResolved.class))
                .anyMatch(e -> e.findingType().equals("REPAIR_SUSPENDED"));
    }

    @Test
    void thePauseStopsQuarantineAndReleaseAndResumingLetsThemGoOn() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.store.pauseRepair(new RepairPause("alice", "network change tonight", w.clock.instant()));
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        w.run();

        Finding paused = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(paused.action()).isEqualTo(FixAction.SKIPPED_SAFETY);
        assertThat(paused.actionDetail()).contains("paused", "alice", "network change tonight");
        assertThat(node("n1").state()).isEqualTo(NodeState.REGISTERED);

        w.store.resumeRepair();
        nextRun();
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);

        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        w.store.pauseRepair(new RepairPause("alice", "", w.clock.instant()));
        nextRun();
        nextRun();
        assertThat(node("n1").state()).as("paused: not released either").isEqualTo(NodeState.DRAIN_KEPT);
        w.store.resumeRepair();
        nextRun();
        assertThat(node("n1").state()).isEqualTo(NodeState.REGISTERED);
    }

    @Test
    void aQuarantineWhoseDrainingFailedIsFinishedByTheNextRun() {
        var n = disconnectedForOneRun();
        w.containers.failNextStatusChanges(1);

        Finding failed = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(failed.action()).isEqualTo(FixAction.FAILED);
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);

        Finding finished = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(finished.action()).isEqualTo(FixAction.FIXED);
        assertThat(finished.actionDetail()).contains("DRAINING again");
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void aReleaseWhoseActiveFailedIsFinishedByTheNextRun() {
        var n = disconnectedForOneRun();
        nextRun();
        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        nextRun();
        w.containers.failNextStatusChanges(1);

        ReconcileResult half = nextRun();

        assertThat(node("n1").state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node("n1").health().quarantined()).as("kept until the instance is ACTIVE").isTrue();
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(finding(half, FindingType.STUCK_OPERATION, "n1")).as("the repair's own, not someone else's")
                .isNull();

        nextRun();

        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(node("n1").health()).isEqualTo(NodeHealth.none());
    }

    @Test
    void aNodeARequestMovesMeanwhileIsLeftToTheRequest() {
        var n = disconnectedForOneRun();
        w.store.beforeNextTransition(() -> w.drain(n, TimeoutPolicy.REVERT));

        Finding f = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(f.action()).isEqualTo(FixAction.RESOLVED_ON_RECHECK);
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAINING);
        assertThat(node("n1").health().quarantined()).isFalse();
        assertThat(w.events.eventsOf(NodeEvent.NodeQuarantined.class)).isEmpty();
    }

    @Test
    void aNodeHeldDrainingByADrainIsReportedAndNeverReleasedByTheRepair() {
        healthyNeighbours();
        var n = w.registered("n1");
        w.drain(n, TimeoutPolicy.KEEP);
        NodeRecord draining = node("n1");
        w.store.transition("n1", new Transition(NodeState.DRAINING, NodeState.DRAIN_KEPT, draining.version()),
                NodeUpdate.none());
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        w.run();

        Finding f = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(f.action()).isEqualTo(FixAction.REPORTED);
        assertThat(f.actionDetail()).contains("not quarantined again");
        w.containers.setAgentConnected(n.containerInstanceArn(), true);
        nextRun();
        nextRun();
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(status(n)).isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void aHealthyFleetWritesNothing() {
        healthyNeighbours();
        w.run();
        List<NodeRecord> before = List.of(node("ok-1"), node("ok-2"), node("ok-3"), node("ok-4"));

        nextRun();

        assertThat(List.of(node("ok-1"), node("ok-2"), node("ok-3"), node("ok-4"))).isEqualTo(before);
    }

    @Test
    void aQuarantinedNodeStillUnhealthyAStepLaterGetsOneRestartRequest() {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly().withQuarantine(true)
                .withRestart(true, Duration.ofMinutes(30)));
        var n = disconnectedForOneRun();
        nextRun();
        assertThat(node("n1").state()).isEqualTo(NodeState.DRAIN_KEPT);
        Finding waiting = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");
        assertThat(waiting.actionDetail()).contains("a restart is due at");
        assertThat(w.restartsSent).isEmpty();

        Finding sent = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(sent.action()).isEqualTo(FixAction.FIXED);
        assertThat(sent.actionDetail()).contains("restart requested", "ecsa watch repair-");
        var request = w.restartsSent.get(0);
        assertThat(request.nodeId()).isEqualTo("n1");
        assertThat(request.requestedBy()).isEqualTo("ecsa-reconciler");
        assertThat(request.reason()).contains("agents unhealthy since", "disconnected");
        assertThat(dev.ecsa.core.validation.RequestValidator.validate(java.util.Map.of("action", "restart",
                "requestId", request.requestId(), "nodeId", request.nodeId(), "requestedBy", request.requestedBy(),
                "reason", request.reason())).isValid()).as("the body the queue gets is a valid request").isTrue();
        assertThat(node("n1").health().restartRequestId()).isEqualTo(request.requestId());

        Finding after = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");
        assertThat(after.actionDetail()).contains("restart request " + request.requestId(), "not recorded yet",
                "no second restart");
        assertThat(w.restartsSent).as("once per streak").hasSize(1);
    }

    @Test
    void withoutQuarantineTheRestartIsTheFirstStepAndItsFailureIsReported() {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly().withRestart(true, Duration.ofMinutes(15)));
        healthyNeighbours();
        var n = w.registered("n1");
        w.managed.setPing(n.managedInstanceId(), PingStatus.CONNECTION_LOST, w.clock.instant().minus(Duration.ofHours(1)));
        w.failSends = 1;

        Finding failed = finding(w.run(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(failed.action()).isEqualTo(FixAction.FAILED);
        assertThat(failed.actionDetail()).contains("could not be sent", "503");
        assertThat(node("n1").state()).as("no quarantine").isEqualTo(NodeState.REGISTERED);

        nextRun();
        var request = w.restartsSent.get(0);
        w.request(request.requestId(), "n1", dev.ecsa.core.model.Action.RESTART);
        w.store.finishRequest(request.requestId(), dev.ecsa.core.model.Outcome.FAILED,
                new dev.ecsa.core.model.Failure(Reason.AGENT_NOT_READY, "the agents did not both report connected"));

        Finding reported = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(reported.actionDetail()).contains("it ended FAILED AGENT_NOT_READY");
        assertThat(w.restartsSent).hasSize(1);
    }

    @Test
    void aNewStreakGetsANewRestartAndTheSameStreakAlwaysTheSameRequestId() {
        java.time.Instant since = java.time.Instant.parse("2026-03-01T10:00:00Z");
        assertThat(Repair.restartRequestId("n1", since)).isEqualTo(Repair.restartRequestId("n1", since))
                .matches("repair-[0-9a-f-]{36}");
        assertThat(Repair.restartRequestId("n1", since.plusSeconds(1))).isNotEqualTo(Repair.restartRequestId("n1",
                since));
    }

    @Test
    void aPausedRepairSendsNoRestart() {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly().withRestart(true, Duration.ZERO));
        healthyNeighbours();
        var n = w.registered("n1");
        w.store.pauseRepair(new RepairPause("bob", "", w.clock.instant()));
        w.containers.setAgentConnected(n.containerInstanceArn(), false);
        w.run();
        nextRun();
        nextRun();

        assertThat(w.restartsSent).isEmpty();
    }

    @Test
    void theLimitIsAShareOfTheCluster() {
        RepairSettings s = RepairSettings.reportOnly();
        assertThat(s.outage(1, 3)).as("33%").isFalse();
        assertThat(s.outage(1, 2)).as("50%").isTrue();
        assertThat(s.outage(2, 5)).as("40% is within").isFalse();
        assertThat(new RepairSettings(Duration.ZERO, true, 100).outage(10, 10)).isFalse();
        assertThat(s.outage(0, 0)).isFalse();
    }

    @Test
    void theLastResortReRegistersANodeWhoseRestartDidNotHelpUnderANewIdentity() {
        var n = restartThatDidNotHelp(Duration.ofMinutes(15));
        w.store.updateNode("n1", NodeState.REGISTERED, dev.ecsa.core.model.NodeUpdate.none()
                .withAttributes(java.util.Map.of("rack", "r7")).withTags(java.util.Map.of("team", "blue")));

        // A step after the restart ended: the deregistration of the re-registration.
        Finding started = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");
        assertThat(started.action()).isEqualTo(FixAction.FIXED);
        assertThat(started.actionDetail()).contains("it ended FAILED", "re-registration started");
        var dereg = (dev.ecsa.core.model.DeregisterRequest) w.restartsSent.get(1);
        assertThat(dereg.onTimeout()).isEqualTo(dev.ecsa.core.model.TimeoutPolicy.FORCE);
        assertThat(dereg.drainTimeoutSeconds()).isEqualTo(60);
        assertThat(node("n1").health().reregistering()).isTrue();
        assertThat(dev.ecsa.core.validation.RequestValidator.validate(
                dev.ecsa.core.validation.NodeRequestWire.body(dereg)).isValid()).isTrue();

        // The deregistration runs (as the drain workflow would leave the node).
        w.request(dereg.requestId(), "n1", dev.ecsa.core.model.Action.DEREGISTER);
        long v = node("n1").version();
        w.store.transition("n1", new Transition(NodeState.REGISTERED, NodeState.DEREGISTERING, v),
                dev.ecsa.core.model.NodeUpdate.none().withLastRequestId(dereg.requestId())).orThrow();
        w.store.transition("n1", new Transition(NodeState.DEREGISTERING, NodeState.DEREGISTERED, v + 1),
                dev.ecsa.core.model.NodeUpdate.none()).orThrow();
        w.store.finishRequest(dereg.requestId(), dev.ecsa.core.model.Outcome.FORCE_DEREGISTERED, null);
        w.managed.deregister(n.managedInstanceId());

        // The registration, from the node's record.
        Finding registering = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");
        assertThat(registering.actionDetail()).contains("registration", "sent");
        var reg = (dev.ecsa.core.model.RegisterRequest) w.restartsSent.get(2);
        assertThat(reg.address()).isEqualTo("192.0.2.10");
        assertThat(reg.sshUser()).isEqualTo("ecsa");
        assertThat(reg.hostKeyFingerprint()).isEqualTo("SHA256:abc");
        assertThat(reg.cluster()).isEqualTo(ReconcileWorld.CLUSTER);
        assertThat(reg.attributes()).containsEntry("rack", "r7");
        assertThat(reg.tags()).containsEntry("team", "blue");
        // Taken by the intake (recorded, running): the next run waits for it and sends nothing again. (Until it is
        // recorded a run sends it again under the same id: a duplicate the queue drops or the intake replays.)
        w.request(reg.requestId(), "n1", dev.ecsa.core.model.Action.REGISTER);
        Finding again = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");
        assertThat(again.actionDetail()).contains("under way");
        assertThat(w.restartsSent).as("the registration is sent once").hasSize(3);

        // It registers under a new identity: reported, and the streak is forgotten.
        var mi = w.registerHost("n1", reg.requestId(), true);
        var ci = w.containers.register(ReconcileWorld.CLUSTER, mi.instanceId(), java.util.Map.of(Classifier.NODE_ATTRIBUTE, "n1"));
        long v2 = node("n1").version();
        w.store.transition("n1", new Transition(NodeState.DEREGISTERED, NodeState.REGISTERING, v2),
                dev.ecsa.core.model.NodeUpdate.none().withLastRequestId(reg.requestId())).orThrow();
        w.store.transition("n1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, v2 + 1),
                dev.ecsa.core.model.NodeUpdate.none().withManagedInstanceId(mi.instanceId())
                        .withContainerInstanceArn(ci.arn())).orThrow();
        w.store.finishRequest(reg.requestId(), dev.ecsa.core.model.Outcome.REGISTERED, null);

        nextRun();

        assertThat(w.events.eventsOf(dev.ecsa.core.event.NodeEvent.NodeReregistered.class)).singleElement()
                .satisfies(e -> {
                    assertThat(e.previousManagedInstanceId()).isEqualTo(n.managedInstanceId());
                    assertThat(e.managedInstanceId()).isEqualTo(mi.instanceId());
                    assertThat(e.containerInstanceArn()).isEqualTo(ci.arn());
                });
        assertThat(node("n1").health().isNone()).isTrue();
    }

    @Test
    void aReRegistrationWhoseDeregistrationDidNotHappenEndsAndIsNotRetriedInALoop() {
        restartThatDidNotHelp(Duration.ZERO);
        nextRun();
        var dereg = w.restartsSent.get(1);
        w.request(dereg.requestId(), "n1", dev.ecsa.core.model.Action.DEREGISTER);
        w.store.finishRequest(dereg.requestId(), dev.ecsa.core.model.Outcome.REJECTED,
                new dev.ecsa.core.model.Failure(Reason.NODE_BUSY, "busy"));

        Finding ended = finding(nextRun(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(ended.action()).isEqualTo(FixAction.FAILED);
        assertThat(ended.actionDetail()).contains("ended without a new identity", "REJECTED NODE_BUSY");
        assertThat(node("n1").health().reregistering()).isFalse();
        assertThat(w.restartsSent).hasSize(2);
    }

    @Test
    void reRegistrationNeedsTheRestartStep() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RepairSettings.reportOnly().withReregister(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restart");
    }

    /** n1 silent for an hour among healthy neighbours, restarts and re-registration on; its restart ended FAILED. */
    private ReconcileWorld.Node restartThatDidNotHelp(Duration stepAfter) {
        w.settings = w.settings.withRepair(RepairSettings.reportOnly().withRestart(true, stepAfter)
                .withReregister(true));
        healthyNeighbours();
        var n = w.registered("n1");
        w.managed.setPing(n.managedInstanceId(), PingStatus.CONNECTION_LOST, w.clock.instant().minus(Duration.ofHours(1)));
        w.run();
        var restart = w.restartsSent.get(0);
        w.request(restart.requestId(), "n1", dev.ecsa.core.model.Action.RESTART);
        w.store.finishRequest(restart.requestId(), dev.ecsa.core.model.Outcome.FAILED,
                new dev.ecsa.core.model.Failure(Reason.AGENT_NOT_READY, "the agents did not both report connected"));
        return n;
    }
}
