package dev.ecsa.it.localmode;

import static dev.ecsa.it.localmode.CliRun.ecsa;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.cli.ExitCodes;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutStatus;
import dev.ecsa.core.fleet.TargetRun;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.mode.LocalMode;
import dev.ecsa.local.sim.ContainerInstanceView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet walkthrough of docs/rollouts.md, command for command, against a running local mode (the functions from
 * the zip, both synthesized workflows, IAM from the template, twelve simulated hosts over real SSH, each given a
 * service task once registered): commission twelve nodes with a registering rollout, upgrade their agents in place
 * with an upgrading rollout, then plan and retire ten of them with a budget of two and an approval. The only
 * difference from what a user runs is that the workflows' Wait states are shortened (a rollout otherwise looks again
 * every 15 s and polls its approval every 30 s), so the walkthrough takes about a minute instead of ten.
 */
class FleetWalkthroughIT {

    private static final int HOSTS = 12;
    private static final Duration ROLLOUT_DEADLINE = Duration.ofMinutes(4);

    private static LocalMode mode;
    private static Path state;

    private static String[] nodes(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "node-" + i).toArray(String[]::new);
    }

    private static String[] args(String[] head, String[] nodes, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(nodes));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    /** {@code ecsa rollout status ID}, again, until it reports a finished status; its last output. */
    private static CliRun untilFinished(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(ROLLOUT_DEADLINE);
        CliRun status;
        do {
            Thread.sleep(500);
            status = ecsa(state, "rollout", "status", id);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            Rollout r = mode.rollouts().get(id).orElseThrow();
            if (r.status().finished()) {
                return ecsa(state, "rollout", "status", id);
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("rollout " + id + " did not finish: " + status);
    }

    private static Map<String, NodeRecord> inventory() {
        return IntStream.rangeClosed(1, HOSTS).mapToObj(i -> mode.store().getNode("node-" + i).orElseThrow())
                .collect(Collectors.toMap(NodeRecord::nodeId, Function.identity()));
    }

    /** Container instances of the stack's cluster that are registered but not ACTIVE with a connected agent. */
    private static long unavailable() {
        return mode.bench().simulator().allContainerInstances().stream()
                .filter(ci -> !ci.status().equals("INACTIVE"))
                .filter(ci -> !ci.status().equals("ACTIVE") || !ci.agentConnected()).count();
    }

    @Test
    void commissionUpgradeAndRetireTenNodesSafely(@TempDir Path dir) throws Exception {
        state = dir.resolve("local.json");
        try (LocalMode started = CliRun.localMode(state, HOSTS)) {
            mode = started;
            mode.stack().shortenWaits(Duration.ofMillis(500));
            walkthrough();
        }
    }

    private static void walkthrough() throws Exception {
        // 1. Commission the twelve hosts: a registering rollout, a canary and then six at a time.
        CliRun commission = ecsa(state, args(new String[] {"rollout", "start", "register"}, nodes(1, HOSTS),
                "--batch-size", "6", "--soak", "0s", "--id", "commission-site"));
        assertThat(commission.exitCode()).as(commission.toString()).isEqualTo(ExitCodes.OK);
        assertThat(commission.out()).contains("rollout commission-site  RUNNING  register of 12 node(s) in 3 batch(es)");
        CliRun commissioned = untilFinished("commission-site");
        assertThat(commissioned.out()).as(commissioned.toString()).contains("rollout commission-site  COMPLETED")
                .contains("succeeded 12, failed 0");
        assertThat(inventory().values()).allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.REGISTERED));
        Map<String, NodeRecord> before = inventory();

        // 2. Upgrade every registered node's agents in place, half the cluster at a time after a canary (the other
        //    half holds the service tasks): same identities, new versions.
        CliRun upgrade = ecsa(state, "rollout", "start", "upgrade", "--state", "REGISTERED", "--ecs-agent-version",
                AgentPackageRepository.NEWER_ECS_VERSION, "--max-unavailable-percent", "50", "--batch-size", "6", "--soak",
                "0s", "--id", "agents-1-90");
        assertThat(upgrade.exitCode()).as(upgrade.toString()).isEqualTo(ExitCodes.OK);
        CliRun upgraded = untilFinished("agents-1-90");
        assertThat(upgraded.out()).as(upgraded.toString()).contains("rollout agents-1-90  COMPLETED")
                .contains("succeeded 12, failed 0");
        Map<String, NodeRecord> after = inventory();
        for (NodeRecord n : after.values()) {
            NodeRecord was = before.get(n.nodeId());
            assertThat(n.state()).isEqualTo(NodeState.REGISTERED);
            assertThat(n.managedInstanceId()).isEqualTo(was.managedInstanceId());
            assertThat(n.containerInstanceArn()).isEqualTo(was.containerInstanceArn());
            ContainerInstanceView ci = mode.bench().simulator().containerInstance(n.containerInstanceArn())
                    .orElseThrow();
            assertThat(ci.agentVersion()).isEqualTo(AgentPackageRepository.NEWER_ECS_VERSION);
        }

        // 3. Plan the retirement of ten: the batches, the checks and the predicted disruption; nothing changes.
        CliRun plan = ecsa(state, args(new String[] {"plan", "deregister"}, nodes(1, 10), "--max-unavailable", "2",
                "--batch-size", "4", "--soak", "5s", "--id", "retire-plan"));
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ExitCodes.OK);
        assertThat(plan.out()).contains("rollout retire-plan  PLANNED  deregister of 10 node(s) in 4 batch(es)")
                .contains("UNAVAILABLE AT MOST").contains("ecs-anywhere 2/12").contains("ok    budget ecs-anywhere");
        assertThat(unavailable()).isZero();

        // 4. Start it held for approval, approve it, follow it: never more than two unavailable at once.
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger peak = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet((int) unavailable(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        CliRun retire;
        CliRun retired;
        try {
            CliRun start = ecsa(state, args(new String[] {"rollout", "start", "deregister"}, nodes(1, 10),
                    "--max-unavailable", "2", "--batch-size", "4", "--soak", "5s", "--approval", "--id",
                    "retire-rack-a"));
            assertThat(start.exitCode()).as(start.toString()).isEqualTo(ExitCodes.OK);
            assertThat(start.out()).contains("rollout retire-rack-a  AWAITING_APPROVAL");
            retire = ecsa(state, "rollout", "approve", "retire-rack-a");
            assertThat(retire.exitCode()).as(retire.toString()).isEqualTo(ExitCodes.OK);
            retired = untilFinished("retire-rack-a");
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(retired.out()).as(retired.toString()).contains("rollout retire-rack-a  COMPLETED")
                .contains("succeeded 10, failed 0");
        assertThat(peak.get()).as("most container instances unavailable at once").isEqualTo(2);
        Rollout done = mode.rollouts().get("retire-rack-a").orElseThrow();
        Rollout planned = mode.rollouts().get("retire-plan").orElseThrow();
        assertThat(done.targets()).extracting(TargetRun::nodeId, TargetRun::batch).containsExactlyElementsOf(
                planned.targets().stream().map(t -> org.assertj.core.groups.Tuple.tuple(t.nodeId(), t.batch()))
                        .toList());
        assertThat(done.approvedBy()).isEqualTo("cli:it");

        // 5. The inventory: ten DEREGISTERED, two still serving, holding the retired nodes' service tasks.
        CliRun status = ecsa(state, "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        Map<String, NodeRecord> end = inventory();
        for (String n : nodes(1, 10)) {
            assertThat(end.get(n).state()).as(n).isEqualTo(NodeState.DEREGISTERED);
            assertThat(status.out().lines().filter(l -> l.startsWith(n + " ")).findFirst().orElseThrow())
                    .contains("DEREGISTERED");
        }
        for (String n : nodes(11, 12)) {
            assertThat(end.get(n).state()).as(n).isEqualTo(NodeState.REGISTERED);
        }
        assertThat(mode.bench().simulator().allContainerInstances()).filteredOn(ci -> ci.status().equals("ACTIVE"))
                .hasSize(2);
    }
}
