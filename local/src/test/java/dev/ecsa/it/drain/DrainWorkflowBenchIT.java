package dev.ecsa.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sfn.ExecutionEvent;
import dev.ecsa.local.sfn.ExecutionResult;
import dev.ecsa.local.sfn.ExecutionStatus;
import dev.ecsa.local.sim.ContainerInstanceView;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.ManagedInstanceView;
import dev.ecsa.local.sim.PublishedEvent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's proof of the drain state machine on the bench: the synthesized definition on the Step Functions emulator,
 * its Tasks bound to the real drain function on the production adapters (see {@link DrainBench}); every node is
 * registered for real first, and every drain starts with a deregister request through the node-request handler.
 */
class DrainWorkflowBenchIT {

    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    private static final String SSM = "AmazonSSM.";
    private static final String SMALL = "drain-small";
    private static final String LARGE = "drain-large";
    /** What the cleanup script must remove (issue 4, step 5) that a registration leaves on every host. */
    private static final List<String> AGENT_PATHS = List.of("/var/lib/ecs", "/etc/ecs", "/var/lib/amazon/ssm",
            "/var/log/ecs");

    static DrainBench d;

    @BeforeAll
    static void start() {
        d = DrainBench.start(
                HostConfig.builder("drn-done").build(),
                HostConfig.builder("drn-revert").build(),
                HostConfig.builder("drn-other").build(),
                HostConfig.builder("drn-force").build(),
                HostConfig.builder("drn-keep").build(),
                HostConfig.builder("drn-retry").build(),
                HostConfig.builder("drn-rekeyed").build(),
                HostConfig.builder("drn-rekeyed-known").build(),
                HostConfig.builder("drn-offline").build(),
                HostConfig.builder("drn-small").build(),
                HostConfig.builder("drn-large").build());
        // Other ACTIVE, connected instances, so that draining can replace service tasks elsewhere.
        d.bench.simulator().seedNodes(Bench.CLUSTER, 2, "peer");
        d.bench.simulator().createCluster(SMALL);
        d.bench.simulator().createCluster(LARGE);
        // 4 + the registered node = 5; 4,999 + the registered node = 5,000.
        d.bench.simulator().seedNodes(SMALL, 4, "small");
        d.bench.simulator().seedNodes(LARGE, 4_999, "large");
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    @AfterEach
    void clearFaults() {
        d.bench.simulator().faults().clear();
        d.beforeTask((state, input) -> { });
    }

    // ---------------------------------------------------------------- helpers

    private static String cluster() {
        return Bench.CLUSTER;
    }

    private static ContainerInstanceView instance(NodeRecord node) {
        return d.bench.simulator().containerInstance(node.containerInstanceArn()).orElseThrow();
    }

    /** INACTIVE, or gone from DescribeContainerInstances: both mean deregistered from ECS. */
    private static String ecsStatus(NodeRecord node) {
        return d.bench.simulator().containerInstance(node.containerInstanceArn()).map(ContainerInstanceView::status)
                .orElse("INACTIVE");
    }

    private static boolean ssmDeregistered(NodeRecord node) {
        return d.bench.simulator().managedInstance(node.managedInstanceId()).map(ManagedInstanceView::deregistered)
                .orElse(true);
    }

    /** Which of the agent's paths exist in the host's sandbox. */
    private static List<String> agentPathsOn(SimulatedHost host) {
        String script = "for p in " + String.join(" ", AGENT_PATHS) + "; do [ -e \"$p\" ] && echo \"$p\"; done; true";
        String out = host.exec(script).stdout().strip();
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    private static NodeRecord node(String nodeId) {
        return d.store.getNode(nodeId).orElseThrow();
    }

    private static RequestRecord request(String requestId) {
        return d.store.getRequest(requestId).orElseThrow();
    }

    private static List<String> stepNames(String requestId) {
        return request(requestId).steps().stream().map(Step::name).toList();
    }

    private static String stepDetail(String requestId, String name) {
        return request(requestId).steps().stream().filter(s -> s.name().equals(name)).reduce((a, b) -> b)
                .map(Step::detail).orElseThrow(() -> new AssertionError("no step " + name + " in " + requestId));
    }

    private static List<String> eventsFor(String nodeId) {
        return d.bench.simulator().events().stream().filter(e -> e.detail().contains("\"" + nodeId + "\""))
                .map(PublishedEvent::detailType).toList();
    }

    // ---------------------------------------------------------------- cases

    @Test
    void theSynthesizedDefinitionIsValidAndNamesItsStatesAsTheConsoleShowsThem() {
        // DrainBench.start already ran asl-validator on it (and the emulator again on register).
        List<String> names = new java.util.ArrayList<>();
        d.definition.path("States").fieldNames().forEachRemaining(names::add);
        assertThat(d.definition.path("StartAt").asText()).isEqualTo("StartDrain");
        assertThat(names).containsExactlyInAnyOrder("StartDrain", "DrainDecision", "WaitForDrain", "CheckDrain",
                "ApplyTimeoutPolicy", "TimeoutDecision", "Deregister", "CleanHost", "RecordFailure",
                "NodeDeregistered", "DrainEndedWithoutDeregistration", "DrainFailed", "UpgradeAgents",
                "UpgradeDecision", "NodeUpgraded", "UpgradeNotApplied");
        for (String task : List.of("StartDrain", "CheckDrain", "ApplyTimeoutPolicy", "Deregister", "CleanHost",
                "UpgradeAgents")) {
            var state = d.definition.path("States").path(task);
            assertThat(state.path("Retry").toString()).as(task).contains("\"dev.ecsa.core.error.RetryableException\"");
            assertThat(state.path("Catch").get(0).path("Next").asText()).as(task).isEqualTo("RecordFailure");
        }
        assertThat(d.definition.path("States").path("WaitForDrain").path("SecondsPath").asText())
                .isEqualTo("$.pollSeconds");
    }

    @Test
    void aDrainThatCompletesDeregistersTheNodeFromEcsAndSsmAndCleansTheHost() {
        SimulatedHost host = d.host("drn-done");
        NodeRecord registered = d.register(host, cluster());
        String web = d.bench.simulator().runServiceTask(cluster(), registered.containerInstanceArn(), "web");
        assertThat(agentPathsOn(host)).as("what the registration left on the host").containsAll(AGENT_PATHS);

        ExecutionResult result = d.deregister("dereg-done", "drn-done", Map.of());

        assertThat(result.status()).as(result.error() + " " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly("StartDrain", "DrainDecision", "WaitForDrain",
                "CheckDrain", "DrainDecision", "Deregister", "CleanHost", "NodeDeregistered");
        assertThat(d.bench.simulator().task(web).lastStatus()).as("the service task was replaced and stopped")
                .isEqualTo("STOPPED");
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        assertThat(ssmDeregistered(registered)).isTrue();
        assertThat(agentPathsOn(host)).as("the cleanup script removed the agents' state").isEmpty();
        NodeRecord node = node("drn-done");
        assertThat(node.state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(node.lastError()).isNull();
        RequestRecord record = request("dereg-done");
        assertThat(record.outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(stepNames("dereg-done")).contains("guard", "start-drain-workflow", "set-draining", "start-drain",
                "check-drain", "deregister", "clean-host");
        assertThat(stepDetail("dereg-done", "clean-host")).contains("/var/lib/ecs");
        assertThat(eventsFor("drn-done")).containsSubsequence("NodeRegistered", "NodeDrainStarted",
                "NodeDeregistered");
        // Under the stack's IAM: the drain function's role drained and deregistered on the cluster's ARN.
        assertThat(d.iam.authorizer().decisions()).filteredOn(dn -> dn.role().startsWith("DrainStep"))
                .extracting(dn -> dn.action() + " " + dn.resource())
                .contains("ecs:DeregisterContainerInstance arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster());
        assertThat(d.iam.authorizer().decisions()).filteredOn(dn -> dn.role().startsWith("NodeRequest"))
                .extracting(dev.ecsa.local.iam.BenchAuthorizer.Decision::action).contains("states:StartExecution");
        assertThat(d.iam.authorizer().denials()).isEmpty();

        // A cleaned host registers again: the cleanup stopped the agents (it fails closed when it cannot tell
        // whether a unit runs) and the pre-flight finds nothing left of the first registration.
        NodeRecord again = d.register(host, cluster(), "reg-again-drn-done");
        assertThat(again.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(again.managedInstanceId()).isNotEqualTo(registered.managedInstanceId());
        assertThat(again.containerInstanceArn()).isNotEqualTo(registered.containerInstanceArn());
    }

    @Test
    void aTenMinuteDrainThatTimesOutAtTheDefaultPollCosts125TransitionsAndIsReverted() {
        // Alone in its cluster: draining finds nowhere to put the service task, and the standalone task never stops.
        String lonely = "drain-lonely";
        NodeRecord registered = d.register(d.host("drn-revert"), lonely);
        String service = d.bench.simulator().runServiceTask(lonely, registered.containerInstanceArn(), "db");
        String backup = d.bench.simulator().runStandaloneTask(lonely, registered.containerInstanceArn(), "backup",
                "cron");

        // The stack's defaults: poll 15 s, deadline 10 minutes, policy revert.
        ExecutionResult result = d.deregister("dereg-revert", "drn-revert", Map.of());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.timesEntered("CheckDrain")).isEqualTo(40);
        assertThat(result.transitions()).isEqualTo(125);
        assertThat(result.enteredStates()).endsWith("CheckDrain", "DrainDecision", "ApplyTimeoutPolicy",
                "TimeoutDecision", "DrainEndedWithoutDeregistration");
        assertThat(instance(registered).status()).as("reverted: this workflow set DRAINING").isEqualTo("ACTIVE");
        assertThat(ssmDeregistered(registered)).isFalse();
        assertThat(node("drn-revert").state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node("drn-revert").lastError().reason()).isEqualTo(Reason.TIMED_OUT);
        RequestRecord record = request("dereg-revert");
        assertThat(record.outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
        assertThat(record.failure().message()).contains(backup, service);
        assertThat(eventsFor("drn-revert")).contains("NodeDrainTimedOut");
    }

    @Test
    void aNodeDrainedBySomeoneElseIsNotRevertedAtTheDeadline() {
        NodeRecord registered = d.register(d.host("drn-other"), cluster());
        String backup = d.bench.simulator().runStandaloneTask(cluster(), registered.containerInstanceArn(), "backup",
                "cron");
        // An operator drains the instance in the console before the request arrives.
        d.aws.ecs().updateContainerInstancesState(b -> b.cluster(cluster())
                .containerInstances(registered.containerInstanceArn()).status("DRAINING"));

        ExecutionResult result = d.deregister("dereg-other", "drn-other",
                Map.of("drainTimeoutSeconds", 60, "onTimeout", "revert"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision",
                "DrainEndedWithoutDeregistration");
        assertThat(result.timesEntered("CheckDrain")).isEqualTo(4);
        assertThat(instance(registered).status()).as("someone else's drain is left alone").isEqualTo("DRAINING");
        assertThat(stepNames("dereg-other")).doesNotContain("set-draining");
        assertThat(stepDetail("dereg-other", "start-drain")).containsIgnoringCase("someone else");
        assertThat(node("drn-other").state()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(request("dereg-other").failure().message()).contains(backup);
    }

    @Test
    void aStandaloneTaskBlocksTheDrainAndKeepLeavesTheNodeDrainingWithTheTaskNamed() {
        NodeRecord registered = d.register(d.host("drn-keep"), cluster());
        String backup = d.bench.simulator().runStandaloneTask(cluster(), registered.containerInstanceArn(), "backup",
                "cron");

        ExecutionResult result = d.deregister("dereg-keep", "drn-keep",
                Map.of("drainTimeoutSeconds", 60, "onTimeout", "keep"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision",
                "DrainEndedWithoutDeregistration");
        assertThat(d.bench.simulator().task(backup).lastStatus()).as("draining never stops a standalone task")
                .isEqualTo("RUNNING");
        assertThat(instance(registered).status()).isEqualTo("DRAINING");
        assertThat(node("drn-keep").state()).isEqualTo(NodeState.DRAIN_KEPT);
        RequestRecord record = request("dereg-keep");
        assertThat(record.outcome()).isEqualTo(Outcome.DRAIN_KEPT);
        assertThat(record.failure().message()).contains(backup);
        assertThat(stepDetail("dereg-keep", "timeout-policy")).contains(backup);
        assertThat(eventsFor("drn-keep")).contains("NodeDrainTimedOut");
    }

    @Test
    void forceDeregistersTheNodeAnywayAtTheDeadline() {
        SimulatedHost host = d.host("drn-force");
        NodeRecord registered = d.register(host, cluster());
        d.bench.simulator().runStandaloneTask(cluster(), registered.containerInstanceArn(), "backup", "cron");

        ExecutionResult result = d.deregister("dereg-force", "drn-force",
                Map.of("drainTimeoutSeconds", 60, "onTimeout", "force"));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision", "Deregister",
                "CleanHost", "NodeDeregistered");
        // 2 + 3 per check (4 checks to the 60 s deadline) + the policy, its Choice and the three states of the end.
        assertThat(result.transitions()).isEqualTo(2 + 3 * 4 + 2 + 3);
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        assertThat(ssmDeregistered(registered)).isTrue();
        assertThat(agentPathsOn(host)).isEmpty();
        assertThat(node("drn-force").state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(request("dereg-force").outcome()).isEqualTo(Outcome.FORCE_DEREGISTERED);
        assertThat(stepDetail("dereg-force", "deregister")).containsIgnoringCase("force");
    }

    @Test
    void retryableErrorsAreRetriedByTheDefinitionAndTheDrainStillCompletes() {
        NodeRecord registered = d.register(d.host("drn-retry"), cluster());
        d.bench.simulator().runServiceTask(cluster(), registered.containerInstanceArn(), "web");
        // Three throttled answers exhaust the SDK's own three attempts, so the adapter throws RetryableException
        // and the definition's Retry takes over: once in the first CheckDrain (ListTasks), once in Deregister.
        java.util.concurrent.atomic.AtomicBoolean injected = new java.util.concurrent.atomic.AtomicBoolean();
        d.beforeTask((state, input) -> {
            // Once: the retry gets the same input, and must find ECS answering again.
            if (state.equals("CheckDrain") && injected.compareAndSet(false, true)) {
                d.bench.simulator().faults().failNext(ECS + "ListTasks", Fault.throttling(), 3);
            }
        });
        d.bench.simulator().faults().failNext(ECS + "DeregisterContainerInstance", Fault.throttling(), 3);

        ExecutionResult result = d.deregister("dereg-retry", "drn-retry", Map.of());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.events()).filteredOn(e -> e.type().equals(ExecutionEvent.STATE_FAILED))
                .extracting(ExecutionEvent::stateName, ExecutionEvent::error)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CheckDrain", "dev.ecsa.core.error.RetryableException"),
                        org.assertj.core.groups.Tuple.tuple("Deregister", "dev.ecsa.core.error.RetryableException"));
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "CheckDrain")).isEqualTo(1);
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "Deregister")).isEqualTo(1);
        assertThat(result.timesEntered("RecordFailure")).isZero();
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        assertThat(ssmDeregistered(registered)).isTrue();
        assertThat(node("drn-retry").state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(request("dereg-retry").outcome()).isEqualTo(Outcome.DEREGISTERED);
    }

    @Test
    void aChangedHostKeyDuringCleanupLeavesTheNodeDeregisteredWithTheHostNotCleaned() {
        SimulatedHost host = d.host("drn-rekeyed");
        NodeRecord registered = d.register(host, cluster());
        host.replaceHostKey(); // the machine was reinstalled behind the node's back

        ExecutionResult result = d.deregister("dereg-rekeyed", "drn-rekeyed", Map.of());

        // Treated like an unreachable host: the node is registered nowhere, and nothing was sent to the host.
        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.timesEntered("RecordFailure")).isZero();
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "CleanHost")).as("permanent: not retried").isZero();
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        assertThat(ssmDeregistered(registered)).isTrue();
        assertThat(agentPathsOn(host)).as("nothing ran on a host whose key changed").containsAll(AGENT_PATHS);
        NodeRecord node = node("drn-rekeyed");
        assertThat(node.state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(node.lastError().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        RequestRecord record = request("dereg-rekeyed");
        assertThat(record.outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(record.failure().reason()).isEqualTo(Reason.HOST_KEY_CHANGED);
        assertThat(record.failure().message()).contains("ECS and SSM", "not cleaned");
        assertThat(eventsFor("drn-rekeyed")).contains("NodeDeregistered").doesNotContain("NodeDeregistrationFailed");
    }

    @Test
    void aDeregistrationNamingTheHostsNewKeyCleansAHostWhoseKeyChanged() {
        SimulatedHost host = d.host("drn-rekeyed-known");
        d.register(host, cluster());
        String newKey = host.replaceHostKey();

        ExecutionResult result = d.deregister("dereg-rekeyed-known", "drn-rekeyed-known",
                Map.of("hostKeyFingerprint", newKey));

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(agentPathsOn(host)).as("cleaned").isEmpty();
        assertThat(node("drn-rekeyed-known").lastError()).isNull();
        assertThat(request("dereg-rekeyed-known").failure()).isNull();
    }

    @Test
    void anUnreachableHostIsStillDeregisteredAndRecordedAsNotCleaned() {
        SimulatedHost host = d.host("drn-offline");
        NodeRecord registered = d.register(host, cluster());
        host.close(); // its SSH server stops: connection refused

        ExecutionResult result = d.deregister("dereg-offline", "drn-offline", Map.of());

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "CleanHost")).isEqualTo(3);
        assertThat(result.timesEntered("RecordFailure")).isZero();
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        assertThat(ssmDeregistered(registered)).isTrue();
        NodeRecord node = node("drn-offline");
        assertThat(node.state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(node.lastError().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
        assertThat(node.lastError().message()).contains("not cleaned");
        RequestRecord record = request("dereg-offline");
        assertThat(record.outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(record.failure().message()).contains("not cleaned");
        assertThat(stepNames("dereg-offline")).contains("clean-host attempt 1", "clean-host attempt 4");
    }

    @Test
    void aClusterOfFiveThousandInstancesCostsTheSameCallsAsAClusterOfFive() {
        Map<String, Long> small = drainCalls("drn-small", SMALL);
        Map<String, Long> large = drainCalls("drn-large", LARGE);
        System.out.println("ECS/SSM calls of one drain, 5 instances:     " + small);
        System.out.println("ECS/SSM calls of one drain, 5,000 instances: " + large);

        assertThat(small).containsKeys(ECS + "UpdateContainerInstancesState", ECS + "ListTasks",
                ECS + "DeregisterContainerInstance", SSM + "DeregisterManagedInstance");
        assertThat(large).isEqualTo(small);
    }

    /** Registers the host into the cluster, then counts the ECS and SSM calls of one complete drain. */
    private static Map<String, Long> drainCalls(String nodeId, String cluster) {
        NodeRecord registered = d.register(d.host(nodeId), cluster);
        d.bench.simulator().runServiceTask(cluster, registered.containerInstanceArn(), "web");
        int size = d.aws.ecs().describeClusters(b -> b.clusters(cluster)).clusters().get(0)
                .registeredContainerInstancesCount();
        assertThat(size).isEqualTo(cluster.equals(LARGE) ? 5_000 : 5);
        d.bench.simulator().resetCalls();
        ExecutionResult result = d.deregister("dereg-" + nodeId, nodeId, Map.of());
        Map<String, Long> calls = d.ecsAndSsmCalls();
        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(node(nodeId).state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(ecsStatus(registered)).isEqualTo("INACTIVE");
        return calls;
    }
}
