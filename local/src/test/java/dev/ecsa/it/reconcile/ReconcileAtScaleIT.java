package dev.ecsa.it.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.ReconcileResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.ControlPlaneSimulatorExtension;
import dev.ecsa.local.sim.SeededNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 10,000-node fleet reconciled through the production adapters: the simulator counts the AWS calls, which must be
 * O(N/100) (ECS: 100 per page and per describe) and O(N/50) (SSM's page maximum). The elapsed times are printed, not
 * asserted (STYLE.md: benchmarks print, tests never assert on wall-clock time).
 */
@ExtendWith(DynaliteExtension.class)
class ReconcileAtScaleIT {

    private static final int FLEET = 10_000;
    private static final int WRITERS = 8;

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM = new ControlPlaneSimulatorExtension();

    @Test
    void tenThousandNodesCostOCallsPerHundredNodes(DynaliteServer dynalite) throws Exception {
        ControlPlaneSimulator sim = SIM.simulator();
        ReconcileBench bench = new ReconcileBench(sim, dynalite, null);
        try {
            long t0 = System.nanoTime();
            List<SeededNode> fleet = sim.seedNodes(bench.cluster, FLEET, "node",
                    Map.of(ReconcileBench.STACK_TAG, bench.stack));
            long seeded = System.nanoTime();
            writeInventory(bench, fleet);
            long written = System.nanoTime();
            // A little drift among the ten thousand: one agent down, one node unknown to the inventory.
            sim.setAgentConnected(fleet.get(17).containerInstanceArn(), false);
            String strayMi = bench.registerHost("stray", "req-stray", true);

            sim.resetCalls();
            long start = System.nanoTime();
            ReconcileResult r = bench.run(bench.settings(), new InMemoryDrainWorkflow());
            long elapsed = System.nanoTime() - start;

            long ssmDescribe = sim.calls(ControlPlaneSimulator.SSM_PREFIX + ".DescribeInstanceInformation");
            long ssmActivations = sim.calls(ControlPlaneSimulator.SSM_PREFIX + ".DescribeActivations");
            long ecsList = sim.calls(ControlPlaneSimulator.ECS_PREFIX + ".ListContainerInstances");
            long ecsDescribe = sim.calls(ControlPlaneSimulator.ECS_PREFIX + ".DescribeContainerInstances");
            long events = sim.calls(ControlPlaneSimulator.EVENTS_PREFIX + ".PutEvents");
            System.out.printf("reconcile at %,d nodes: seed %d ms, inventory write %d ms (%d writers), reconcile %d ms;"
                            + " calls: SSM DescribeInstanceInformation %d, DescribeActivations %d, ECS "
                            + "ListContainerInstances %d, DescribeContainerInstances %d, EventBridge PutEvents %d%n",
                    FLEET, ms(seeded - t0), ms(written - seeded), WRITERS, ms(elapsed), ssmDescribe, ssmActivations,
                    ecsList, ecsDescribe, events);

            assertThat(ssmDescribe).isEqualTo((FLEET + 1 + 49) / 50);
            assertThat(ssmActivations).isEqualTo(1);
            assertThat(ecsList).isEqualTo(FLEET / 100);
            assertThat(ecsDescribe).isEqualTo(FLEET / 100);
            assertThat(r.run().nodes()).isEqualTo(FLEET);
            assertThat(r.run().managedInstances()).isEqualTo(FLEET + 1);
            assertThat(r.run().containerInstances()).isEqualTo(FLEET);
            assertThat(r.run().counts()).containsEntry(FindingType.OK, FLEET - 1)
                    .containsEntry(FindingType.AGENT_DISCONNECTED, 1).containsEntry(FindingType.ORPHAN_IN_SSM, 1);
            assertThat(r.run().findings()).extracting(Finding::subject)
                    .containsExactlyInAnyOrder(fleet.get(17).nodeId(), strayMi);
            assertThat(events).as("one event per new finding").isEqualTo(2);
            // The software inventory comes from the same answers: no call beyond the comparison's, and the items
            // recorded without versions are written within the run's budget, the rest left to the next runs.
            System.out.printf("inventory: %d node items written with the versions SSM and ECS report, %d left to the "
                    + "next runs (budget %d per run, of which the repair's health writes took %d)%n",
                    r.inventoryUpdated(), r.inventoryDeferred(), bench.settings().inventoryWrites(), r.repairWrites());
            // The repair: one write, the disconnected node's streak starting; a healthy node costs none.
            assertThat(r.repairWrites()).isEqualTo(1);
            assertThat(r.inventoryUpdated()).isEqualTo(bench.settings().inventoryWrites() - 1);
            assertThat(r.inventoryDeferred()).isEqualTo(FLEET - r.inventoryUpdated());
        } finally {
            bench.close();
        }
    }

    /**
     * The node items as registrations leave them, through the production store, by a few writers in parallel. The
     * writes' clock ticks a microsecond per call so no two items share {@code updatedAt}, the by-state index's sort key,
     * as in a real fleet: dynalite drops an item at a Query page boundary where index sort keys tie (DynamoDB does not,
     * its LastEvaluatedKey carries the table key too).
     */
    private static void writeInventory(ReconcileBench bench, List<SeededNode> fleet) throws Exception {
        java.time.Instant base = bench.clock.instant().minusSeconds(3600);
        java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();
        java.time.Clock ticking = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return base.plusNanos(1_000 * ticks.incrementAndGet());
            }
        };
        var store = bench.storeWithClock(ticking);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    for (int i = first; i < fleet.size(); i += WRITERS) {
                        SeededNode n = fleet.get(i);
                        var now = ticking.instant();
                        store.createNodeIfAbsent(new NodeRecord(n.nodeId(), NodeState.REGISTERING, 1,
                                bench.cluster, null, null, "SHA256:x", "10.0.0.1", 22, "ecsa", null, "seed-" + i,
                                null, now, now, now));
                        store.transition(n.nodeId(), new Transition(NodeState.REGISTERING,
                                NodeState.REGISTERED, 1), NodeUpdate.none().withManagedInstanceId(
                                n.managedInstanceId()).withContainerInstanceArn(n.containerInstanceArn()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
