package dev.ecsa.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.model.NodeUpdate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The software inventory a reconcile run records from what SSM and ECS report, and the version targets. */
class ReconcileInventoryTest {

    private final ReconcileWorld w = new ReconcileWorld();

    private AgentVersions versions(String nodeId) {
        return w.store.getNode(nodeId).orElseThrow().agentVersions();
    }

    @Test
    void aRunRecordsWhatSsmAndEcsReportAndKeepsWhatOnlyTheHostKnows() {
        w.registered("n1");
        w.store.updateNode("n1", NodeState.REGISTERED,
                NodeUpdate.none().withAgentVersions(new AgentVersions("3.2.0.0", "1.80.0", "1.80.0-1")));

        ReconcileResult r = w.run();

        AgentVersions v = versions("n1");
        assertThat(v.ssmAgent()).isEqualTo("3.3.0.0");
        assertThat(v.ecsAgent()).isEqualTo("1.90.0");
        assertThat(v.ecsInit()).as("no API reports it: kept from the registration").isEqualTo("1.80.0-1");
        assertThat(v.docker()).isEqualTo("25.0.5");
        assertThat(v.platformName()).isEqualTo("Ubuntu");
        assertThat(v.platformVersion()).isEqualTo("22.04");
        assertThat(v.observedAt()).isEqualTo(w.clock.instant());
        assertThat(r.inventoryUpdated()).isEqualTo(1);
        assertThat(r.run().counts()).containsEntry(FindingType.OK, 1);
    }

    @Test
    void aNodeWhoseSoftwareDidNotChangeIsNotWrittenAgain() {
        w.registered("n1");
        w.run();
        NodeRecord before = w.store.getNode("n1").orElseThrow();
        w.clock.advance(Duration.ofMinutes(15));

        ReconcileResult second = w.run();

        assertThat(second.inventoryUpdated()).isZero();
        assertThat(w.store.getNode("n1").orElseThrow()).isEqualTo(before);
    }

    @Test
    void anUpgradedAgentIsRecordedWithTheRunThatSawIt() {
        var n = w.registered("n1");
        w.run();
        w.clock.advance(Duration.ofMinutes(15));
        w.containers.setVersions(n.containerInstanceArn(), "1.91.2", "26.1.0");
        w.managed.setAgentVersion(n.managedInstanceId(), "3.3.1957.0");

        ReconcileResult r = w.run();

        assertThat(r.inventoryUpdated()).isEqualTo(1);
        AgentVersions v = versions("n1");
        assertThat(List.of(v.ecsAgent(), v.docker(), v.ssmAgent())).containsExactly("1.91.2", "26.1.0", "3.3.1957.0");
        assertThat(v.observedAt()).isEqualTo(w.clock.instant());
    }

    @Test
    void theWriteBudgetLeavesTheRestToTheNextRuns() {
        for (int i = 1; i <= 5; i++) {
            w.registered("n" + i);
        }
        w.settings = w.settings.withInventoryWrites(2);

        ReconcileResult first = w.run();
        ReconcileResult second = w.run();
        ReconcileResult third = w.run();
        ReconcileResult fourth = w.run();

        assertThat(List.of(first.inventoryUpdated(), second.inventoryUpdated(), third.inventoryUpdated(),
                fourth.inventoryUpdated())).containsExactly(2, 2, 1, 0);
        assertThat(List.of(first.inventoryDeferred(), second.inventoryDeferred(), third.inventoryDeferred()))
                .containsExactly(3, 1, 0);
        for (int i = 1; i <= 5; i++) {
            assertThat(versions("n" + i).docker()).isEqualTo("25.0.5");
        }
    }

    @Test
    void aNodeThatMovedSinceTheReadIsLeftToTheNextRun() {
        w.registered("n1");
        // Another writer moves the node between the reconciler's read and its write.
        w.store.beforeNextUpdate(() -> w.store.transition("n1",
                new Transition(NodeState.REGISTERED, NodeState.DRAINING, 2), NodeUpdate.none()));

        ReconcileResult r = w.run();

        assertThat(r.inventoryUpdated()).isZero();
        assertThat(versions("n1").docker()).isNull();
    }

    @Test
    void aNodeBehindTheTargetIsAnOutdatedAgentFindingAndOneAtItIsNot() {
        var behind = w.registered("n1");
        w.registered("n2");
        w.containers.setVersions(behind.containerInstanceArn(), "1.82.0", "25.0.5");
        w.settings = w.settings.withTargets(new TargetVersions("1.90.0", "3.3.0.0"));

        ReconcileResult r = w.run();

        List<Finding> outdated = r.run().findings().stream().filter(f -> f.type() == FindingType.AGENT_OUTDATED)
                .toList();
        assertThat(outdated).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("n1");
            assertThat(f.detail()).contains("ECS agent 1.82.0, target 1.90.0").doesNotContain("SSM agent");
            assertThat(f.action()).isEqualTo(FixAction.REPORTED);
        });
        assertThat(r.run().counts()).containsEntry(FindingType.OK, 1).containsEntry(FindingType.AGENT_OUTDATED, 1);
    }

    @Test
    void withoutTargetsNothingIsOutdated() {
        var n = w.registered("n1");
        w.containers.setVersions(n.containerInstanceArn(), "1.20.0", "19.03");

        ReconcileResult r = w.run();

        assertThat(r.run().findings()).isEmpty();
    }
}
