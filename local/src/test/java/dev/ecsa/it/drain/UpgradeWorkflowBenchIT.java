package dev.ecsa.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sfn.ExecutionResult;
import dev.ecsa.local.sfn.ExecutionStatus;
import dev.ecsa.local.sim.ContainerInstanceView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code upgrade} action end to end on the bench: the request through the node-request handler, the drain
 * workflow's real definition on the local interpreter with the drain function under the stack's IAM, the upgrade script
 * on a simulated host that fetches signed packages from the bench's repository, and ECS and SSM as the simulator
 * reports them. The node keeps its managed instance and container instance; a failed upgrade leaves it safe.
 */
class UpgradeWorkflowBenchIT {

    private static final String ECS_NEW = AgentPackageRepository.NEWER_ECS_VERSION;
    private static final String SSM_NEW = AgentPackageRepository.NEWER_SSM_VERSION;
    private static final String ECS_OLD = AgentPackageRepository.INSTALLED_ECS_VERSION;
    private static final String SSM_OLD = AgentPackageRepository.INSTALLED_SSM_VERSION;
    private static final Map<String, Object> BOTH = Map.of("ecsAgentVersion", ECS_NEW, "ssmAgentVersion", SSM_NEW);

    private static DrainBench d;

    @BeforeAll
    static void start() {
        d = DrainBench.start(
                HostConfig.builder("upw-ok").build(),
                HostConfig.builder("upw-broken").build(),
                HostConfig.builder("upw-stuck").build(),
                HostConfig.builder("upw-tasks").build());
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    private static ContainerInstanceView instance(NodeRecord node) {
        return d.bench.simulator().containerInstance(node.containerInstanceArn()).orElseThrow();
    }

    private static String ssmVersion(NodeRecord node) {
        return d.bench.simulator().managedInstance(node.managedInstanceId()).orElseThrow().agentVersion();
    }

    private static NodeRecord node(String id) {
        return d.store.getNode(id).orElseThrow();
    }

    private static RequestRecord request(String id) {
        return d.store.getRequest(id).orElseThrow();
    }

    private static List<String> events(String nodeId) {
        return d.bench.simulator().events().stream()
                .filter(e -> e.detail().contains("\"nodeId\":\"" + nodeId + "\""))
                .map(e -> e.detailType()).toList();
    }

    @Test
    void anUpgradeKeepsTheNodesIdentityAndEndsWithTheNewVersionsReported() {
        SimulatedHost host = d.host("upw-ok");
        NodeRecord registered = d.register(host, Bench.CLUSTER);
        assertThat(instance(registered).agentVersion()).isEqualTo(ECS_OLD);

        ExecutionResult result = d.upgrade("upg-ok", "upw-ok", BOTH);

        assertThat(result.status()).as(result.error() + " " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly("StartDrain", "DrainDecision", "UpgradeAgents",
                "UpgradeDecision", "NodeUpgraded");
        NodeRecord node = node("upw-ok");
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.managedInstanceId()).isEqualTo(registered.managedInstanceId());
        assertThat(node.containerInstanceArn()).isEqualTo(registered.containerInstanceArn());
        assertThat(node.agentVersions().ecsAgent()).isEqualTo(ECS_NEW);
        assertThat(node.agentVersions().ssmAgent()).isEqualTo(SSM_NEW);
        assertThat(instance(registered).agentVersion()).isEqualTo(ECS_NEW);
        assertThat(instance(registered).status()).isEqualTo("ACTIVE");
        assertThat(instance(registered).agentConnected()).isTrue();
        assertThat(ssmVersion(registered)).isEqualTo(SSM_NEW);
        assertThat(host.installedVersion("amazon-ecs-init")).contains(ECS_NEW + "-1");
        RequestRecord record = request("upg-ok");
        assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(record.steps()).extracting(Step::name).contains("guard", "start-drain-workflow", "set-draining",
                "start-drain", "upgrade-agents", "verify-upgrade");
        // No new activation, no second managed instance or container instance.
        assertThat(d.bench.simulator().allManagedInstances()).filteredOn(mi -> "upw-ok".equals(mi.name()))
                .hasSize(1);
        assertThat(d.bench.simulator().allContainerInstances())
                .filteredOn(ci -> registered.managedInstanceId().equals(ci.ec2InstanceId())).hasSize(1);
        assertThat(events("upw-ok")).containsSubsequence("NodeRegistered", "NodeDrainStarted", "NodeUpgraded");
        assertThat(d.iam.authorizer().denials()).isEmpty();

        // The same versions again: nothing is drained.
        d.send(Map.of("action", "upgrade", "requestId", "upg-ok-again", "nodeId", "upw-ok",
                "requestedBy", "it-drain", "ecsAgentVersion", ECS_NEW, "ssmAgentVersion", SSM_NEW));
        RequestRecord again = request("upg-ok-again");
        assertThat(again.outcome()).isEqualTo(Outcome.UPGRADED);
        assertThat(again.steps()).extracting(Step::name).containsExactly("already-at-target");
    }

    @Test
    void anUpgradedAgentThatDoesNotStartIsRolledBackAndTheNodeIsActiveAgain() {
        SimulatedHost host = d.host("upw-broken");
        NodeRecord registered = d.register(host, Bench.CLUSTER);
        host.breakAgentVersion("amazon-ecs-init", ECS_NEW + "-1");

        ExecutionResult result = d.upgrade("upg-broken", "upw-broken", BOTH);

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.enteredStates()).endsWith("UpgradeAgents", "UpgradeDecision", "UpgradeNotApplied");
        NodeRecord node = node("upw-broken");
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.lastError().reason()).isEqualTo(Reason.UPGRADE_FAILED);
        assertThat(node.lastError().message()).startsWith("rolled back: UPGRADE_ROLLED_BACK");
        assertThat(instance(registered).status()).isEqualTo("ACTIVE");
        assertThat(instance(registered).agentVersion()).isEqualTo(ECS_OLD);
        assertThat(instance(registered).agentConnected()).isTrue();
        assertThat(ssmVersion(registered)).isEqualTo(SSM_OLD);
        assertThat(request("upg-broken").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(events("upw-broken")).contains("NodeUpgradeFailed");
    }

    @Test
    void aRollbackThatFailsTooLeavesTheNodeDrainingNeverHalfUpgradedAndActive() {
        SimulatedHost host = d.host("upw-stuck");
        NodeRecord registered = d.register(host, Bench.CLUSTER);
        host.breakAgentVersion("amazon-ecs-init", ECS_NEW + "-1");
        host.failPackageInstall("amazon-ecs-init", ECS_OLD + "-1");

        ExecutionResult result = d.upgrade("upg-stuck", "upw-stuck", Map.of("ecsAgentVersion", ECS_NEW));

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        NodeRecord node = node("upw-stuck");
        assertThat(node.state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(node.lastError().message()).contains("ROLLBACK_FAILED", "stays DRAINING");
        assertThat(instance(registered).status()).isEqualTo("DRAINING");
    }

    @Test
    void tasksThatDoNotLeaveBeforeTheDeadlineRevertTheNodeWithoutTouchingTheHost() {
        String lonely = "drain-lonely"; // a cluster the drain bench's stack manages, with no other instance
        SimulatedHost host = d.host("upw-tasks");
        NodeRecord registered = d.register(host, lonely);
        d.bench.simulator().runStandaloneTask(lonely, registered.containerInstanceArn(), "backup", "cron");

        ExecutionResult result = d.upgrade("upg-tasks", "upw-tasks",
                Map.of("ecsAgentVersion", ECS_NEW, "drainTimeoutSeconds", 60, "onTimeout", "revert"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision",
                "DrainEndedWithoutDeregistration").doesNotContain("UpgradeAgents");
        assertThat(node("upw-tasks").state()).isEqualTo(NodeState.REGISTERED);
        assertThat(request("upg-tasks").outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(host.installedVersion("amazon-ecs-init")).contains(ECS_OLD + "-1");
        assertThat(instance(registered).status()).isEqualTo("ACTIVE");
    }
}
