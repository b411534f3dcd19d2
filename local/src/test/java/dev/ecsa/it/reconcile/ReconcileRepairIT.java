package dev.ecsa.it.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.FixAction;
import dev.ecsa.core.reconcile.ReconcileResult;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.reconcile.RepairPause;
import dev.ecsa.core.reconcile.RepairSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The health-gated repair on the bench: the production SSM, ECS, EventBridge and DynamoDB adapters against the
 * control-plane simulator and dynalite, the reconcile runs fifteen minutes apart on the run's clock. The agents'
 * connections are the simulator's, as the ECS agent and SSM agent report them.
 */
@ExtendWith(DynaliteExtension.class)
class ReconcileRepairIT {

    private static final Duration RUN_EVERY = Duration.ofMinutes(15);

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    private static DynaliteServer dynalite;
    /** No node here drains: the repair never asks for an execution. */
    private static final InMemoryDrainWorkflow DRAINS = new InMemoryDrainWorkflow();

    private ReconcileBench bench;
    private ReconcileSettings settings;

    @BeforeAll
    static void start(DynaliteServer server) {
        dynalite = server;
    }

    @BeforeEach
    void newStack() {
        bench = new ReconcileBench(SIM.simulator(), dynalite, null);
        settings = bench.settings().withRepair(RepairSettings.reportOnly().withQuarantine(true));
        SIM.simulator().clearEvents();
    }

    @AfterEach
    void closeStack() {
        bench.close();
    }

    private List<ReconcileBench.Node> fleet(int size) {
        List<ReconcileBench.Node> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            nodes.add(bench.registered("n" + i));
        }
        return nodes;
    }

    private ReconcileResult run() {
        ReconcileResult r = bench.run(settings, DRAINS);
        bench.clock.advance(RUN_EVERY);
        return r;
    }

    private ContainerInstanceStatus ecsStatus(ReconcileBench.Node n) {
        return bench.containers.describe(bench.cluster, n.containerInstanceArn()).orElseThrow().status();
    }

    private NodeState state(String nodeId) {
        return bench.store.getNode(nodeId).orElseThrow().state();
    }

    private long events(String detailType, String nodeId) {
        return SIM.simulator().events().stream().filter(e -> e.detailType().equals(detailType)
                && e.detail().contains("\"" + nodeId + "\"")).count();
    }

    private static Finding finding(ReconcileResult r, FindingType type, String subject) {
        return r.run().findings().stream().filter(f -> f.type() == type && f.subject().equals(subject)).findFirst()
                .orElse(null);
    }

    @Test
    void aFlappingAgentIsNotRepaired() {
        List<ReconcileBench.Node> nodes = fleet(5);
        ReconcileBench.Node flapping = nodes.get(0);
        for (int i = 0; i < 6; i++) {
            SIM.simulator().setAgentConnected(flapping.containerInstanceArn(), i % 2 == 1);
            ReconcileResult r = run();
            assertThat(finding(r, FindingType.AGENT_DISCONNECTED, "n1") != null).as("run %d", i).isEqualTo(i % 2 == 0);
            assertThat(finding(r, FindingType.NODE_UNHEALTHY, "n1")).as("run %d", i).isNull();
        }

        assertThat(state("n1")).isEqualTo(NodeState.REGISTERED);
        assertThat(ecsStatus(flapping)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(events("NodeQuarantined", "n1")).isZero();
    }

    @Test
    void anAgentDisconnectedPastTheDebounceIsQuarantinedAndReleasedOnceItStaysBack() {
        ReconcileBench.Node sick = fleet(5).get(0);
        SIM.simulator().setAgentConnected(sick.containerInstanceArn(), false);
        run();

        ReconcileResult quarantine = run();

        assertThat(finding(quarantine, FindingType.NODE_UNHEALTHY, "n1").action()).isEqualTo(FixAction.FIXED);
        assertThat(state("n1")).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(bench.store.getNode("n1").orElseThrow().lastError().reason()).isEqualTo(Reason.AGENT_UNHEALTHY);
        assertThat(ecsStatus(sick)).isEqualTo(ContainerInstanceStatus.DRAINING);
        assertThat(events("NodeQuarantined", "n1")).isEqualTo(1);

        SIM.simulator().setAgentConnected(sick.containerInstanceArn(), true);
        run();
        assertThat(state("n1")).as("healthy for one run only").isEqualTo(NodeState.DRAIN_KEPT);
        run();

        assertThat(state("n1")).isEqualTo(NodeState.REGISTERED);
        assertThat(ecsStatus(sick)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(bench.store.getNode("n1").orElseThrow().health().isNone()).isTrue();
        assertThat(events("NodeQuarantineReleased", "n1")).isEqualTo(1);
        assertThat(run().run().findings()).as("nothing left to report").isEmpty();
    }

    @Test
    void anInstanceWhoseContainerRuntimeIsImpairedIsQuarantined() {
        ReconcileBench.Node impaired = fleet(5).get(0);
        SIM.simulator().setRuntimeHealth(impaired.containerInstanceArn(), "IMPAIRED");
        run();

        Finding f = finding(run(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(f.detail()).contains("IMPAIRED");
        assertThat(state("n1")).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(ecsStatus(impaired)).isEqualTo(ContainerInstanceStatus.DRAINING);
    }

    @Test
    void aClusterWideOutageStopsRepair() {
        List<ReconcileBench.Node> nodes = fleet(5);
        for (ReconcileBench.Node n : nodes.subList(0, 3)) {
            SIM.simulator().setAgentConnected(n.containerInstanceArn(), false);
        }
        run();

        ReconcileResult outage = run();

        assertThat(finding(outage, FindingType.REPAIR_SUSPENDED, bench.cluster).detail()).contains("3 of 5");
        for (ReconcileBench.Node n : nodes.subList(0, 3)) {
            assertThat(finding(outage, FindingType.NODE_UNHEALTHY, n.nodeId()).action())
                    .isEqualTo(FixAction.SKIPPED_SAFETY);
            assertThat(state(n.nodeId())).isEqualTo(NodeState.REGISTERED);
            assertThat(ecsStatus(n)).isEqualTo(ContainerInstanceStatus.ACTIVE);
        }
        assertThat(SIM.simulator().events()).noneMatch(e -> e.detailType().equals("NodeQuarantined"));
        assertThat(SIM.simulator().events()).anyMatch(e -> e.detailType().equals("NodeDriftFound")
                && e.detail().contains("REPAIR_SUSPENDED"));
    }

    @Test
    void thePauseAsTheCliWritesItStopsRepair() {
        ReconcileBench.Node sick = fleet(5).get(0);
        bench.store.pauseRepair(new RepairPause("cli:alice", "ISP maintenance", bench.clock.instant()));
        SIM.simulator().setAgentConnected(sick.containerInstanceArn(), false);
        run();

        Finding held = finding(run(), FindingType.NODE_UNHEALTHY, "n1");

        assertThat(held.action()).isEqualTo(FixAction.SKIPPED_SAFETY);
        assertThat(held.actionDetail()).contains("paused", "cli:alice", "ISP maintenance");
        assertThat(ecsStatus(sick)).isEqualTo(ContainerInstanceStatus.ACTIVE);

        bench.store.resumeRepair();
        run();
        assertThat(state("n1")).isEqualTo(NodeState.DRAIN_KEPT);
    }
}
