package dev.ecsa.it.localmode;

import static dev.ecsa.it.localmode.CliRun.ecsa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.cli.ExitCodes;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.store.Json;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.mode.LocalMode;
import dev.ecsa.local.mode.LocalModeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI, in-process, against a running {@link LocalMode}: requests go through the queue to the real handlers, the
 * drain workflow runs on the local interpreter, and the CLI reads what they recorded. The tests share one local mode
 * and run in order, because a node's life is a sequence (register, then deregister).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliAgainstLocalModeIT {

    @TempDir
    static Path dir;
    static LocalMode mode;
    static Path state;

    @BeforeAll
    static void start() {
        state = dir.resolve("local.json");
        mode = CliRun.localMode(state, 2);
    }

    @AfterAll
    static void stop() {
        if (mode != null) {
            mode.close();
        }
    }

    @Test
    @Order(1)
    void theStateFileNamesEveryEndpointAndHost() throws Exception {
        JsonNode file = Json.mapper().readTree(state.toFile());

        assertThat(file.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(file.path("queueUrl").asText()).isEqualTo(mode.bench().queues().queueUrl());
        assertThat(file.path("tableName").asText()).isEqualTo(LocalMode.TABLE);
        assertThat(file.path("stateMachineArn").asText()).isEqualTo(mode.stateMachineArn());
        assertThat(file.path("endpoints").path("dynamodb").asText())
                .isEqualTo(mode.bench().dynamo().endpoint().toString());
        assertThat(file.path("hosts")).extracting(h -> h.path("nodeId").asText()).containsExactly("node-1", "node-2");
    }

    @Test
    @Order(2)
    void anEmptyInventoryIsSaidSo() {
        CliRun run = ecsa(state, "status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("no nodes recorded");
    }

    @Test
    @Order(3)
    void registerWithWatchFollowsTheStepsUntilRegistered() {
        CliRun run = ecsa(state, "register", "node-1", "--request-id", "it-cli-reg-1", "--reason", "rack 12",
                "--attribute", "rack=r12", "--watch");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("sent register request it-cli-reg-1 for node-1")
                .contains("bootstrap", "verify", "delete-activation")
                .contains("it-cli-reg-1: REGISTERED");
    }

    @Test
    @Order(4)
    void statusShowsTheRegisteredNodeWithItsIds() throws Exception {
        NodeRecord node = mode.store().getNode("node-1").orElseThrow();

        CliRun table = ecsa(state, "status");
        CliRun json = ecsa(state, "status", "node-1", "--json");

        assertThat(table.exitCode()).as(table.toString()).isZero();
        String row = table.out().lines().filter(l -> l.startsWith("node-1")).findFirst().orElseThrow();
        assertThat(row).contains("REGISTERED", "ecs-anywhere", node.managedInstanceId(),
                node.containerInstanceArn().substring(node.containerInstanceArn().lastIndexOf('/') + 1));
        assertThat(table.out().lines().findFirst().orElseThrow())
                .contains("NODE", "STATE", "CLUSTER", "MANAGED INSTANCE", "CONTAINER INSTANCE", "LAST OUTCOME", "AGE");
        JsonNode parsed = Json.mapper().readTree(json.out()).path("nodes").get(0);
        assertThat(parsed.path("state").asText()).isEqualTo("REGISTERED");
        assertThat(parsed.path("managedInstanceId").asText()).startsWith("mi-").isEqualTo(node.managedInstanceId());
        assertThat(parsed.path("containerInstanceArn").asText()).isEqualTo(node.containerInstanceArn());
        assertThat(parsed.path("lastOutcome").asText()).isEqualTo("REGISTERED");

        CliRun detail = ecsa(state, "status", "node-1");
        CliRun wide = ecsa(state, "-o", "wide", "status");
        CliRun yaml = ecsa(state, "status", "-o", "yaml", "--state", "registered");
        CliRun filteredOut = ecsa(state, "status", "--state", "DRAINING,DEREGISTERED");
        assertThat(detail.out()).containsPattern("state:\\s+REGISTERED").contains("last error:", "last request:",
                "it-cli-reg-1", "ecs-agent");
        assertThat(wide.out().lines().findFirst().orElseThrow()).contains("ADDRESS", "ECS AGENT", "DOCKER",
                "PLATFORM", "LAST ERROR");
        // What the registration recorded from the host, SSM and ECS: the fleet's versions at a glance.
        CliRun versions = ecsa(state, "versions");
        CliRun versionsJson = ecsa(state, "versions", "-o", "json");
        assertThat(versions.exitCode()).as(versions.toString()).isZero();
        assertThat(versions.out()).contains("COMPONENT", "ecs-agent", node.agentVersions().ecsAgent(), "docker",
                "25.0.5", "1 registered node");
        JsonNode counts = Json.mapper().readTree(versionsJson.out()).path("versions");
        assertThat(counts.path("docker").path("25.0.5").asInt()).isEqualTo(1);
        assertThat(counts.path("ecs-agent").path(node.agentVersions().ecsAgent()).asInt()).isEqualTo(1);
        assertThat(counts.path("platform").has("unknown")).as(versionsJson.out()).isFalse();
        assertThat(yaml.out()).startsWith("nodes:\n- nodeId: node-1\n");
        assertThat(filteredOut.out()).contains("no nodes match");
        CliRun byAttribute = ecsa(state, "status", "--attribute", "rack=r12");
        CliRun noAttribute = ecsa(state, "status", "--attribute", "rack=r99");
        assertThat(byAttribute.out()).contains("node-1");
        assertThat(noAttribute.out()).contains("no nodes match");
        assertThat(detail.out()).containsPattern("attributes:\\s+rack=r12");
    }

    @Test
    @Order(4)
    void aDryRunPrintsTheExactMessageAndSendsNothing() throws Exception {
        CliRun dry = ecsa(state, "register", "node-2", "--request-id", "it-cli-dry", "--dry-run", "-o", "json");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode message = Json.mapper().readTree(dry.out());
        assertThat(message.path("messageGroupId").asText()).isEqualTo("node-2");
        assertThat(message.path("messageDeduplicationId").asText()).isEqualTo("it-cli-dry");
        assertThat(message.path("messageBody").path("action").asText()).isEqualTo("register");
        assertThat(message.path("queueUrl").asText()).isEqualTo(mode.bench().queues().queueUrl());
        assertThat(mode.store().getRequest("it-cli-dry")).isEmpty();
        assertThat(mode.store().getNode("node-2")).isEmpty();
    }

    @Test
    @Order(5)
    void deregisterThenWatchShowsTheDrainUntilTheNodeIsGone() throws Exception {
        // node-1's service task needs another ACTIVE instance to move to, or its drain never ends.
        CliRun second = ecsa(state, "register", "node-2", "--request-id", "it-cli-reg-2");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("sent register request it-cli-reg-2").containsPattern("accepted|done");
        CliRun waited = ecsa(state, "wait", "node-2", "--for", "state=REGISTERED", "--timeout", "3m");
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        assertThat(waited.out()).contains("node-2 is REGISTERED");
        CliRun reused = ecsa(state, "register", "node-2", "--request-id", "it-cli-reg-1");
        assertThat(reused.exitCode()).as(reused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(reused.err()).contains("it-cli-reg-1 is already used", "register of node-1");

        CliRun sent = ecsa(state, "deregister", "node-1", "--request-id", "it-cli-dereg-1", "--json");
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(Json.mapper().readTree(sent.out()).path("requestId").asText()).isEqualTo("it-cli-dereg-1");

        CliRun watch = ecsa(state, "watch", "it-cli-dereg-1", "--interval", "200");

        assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.OK);
        assertThat(watch.out()).contains("request it-cli-dereg-1: deregister node-1")
                .contains("start-drain", "check-drain", "deregister", "clean-host")
                .contains("it-cli-dereg-1: DEREGISTERED");
        assertThat(ecsa(state, "status", "node-1").out()).contains("DEREGISTERED");
    }

    @Test
    @Order(6)
    void restartWithWatchRestartsTheAgentsOfARegisteredNodeUnderTheSameIds() throws Exception {
        JsonNode before = Json.mapper().readTree(ecsa(state, "status", "node-2", "-o", "json").out()).path("nodes")
                .get(0);

        CliRun run = ecsa(state, "restart", "node-2", "--request-id", "it-cli-rst-1", "--watch");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("restart-agents", "verify-agents", "it-cli-rst-1: AGENTS_RESTARTED");
        JsonNode after = Json.mapper().readTree(ecsa(state, "status", "node-2", "-o", "json").out()).path("nodes")
                .get(0);
        assertThat(after.path("managedInstanceId").asText()).startsWith("mi-")
                .isEqualTo(before.path("managedInstanceId").asText());
        assertThat(after.path("containerInstanceArn").asText()).isEqualTo(before.path("containerInstanceArn").asText());
        assertThat(after.path("state").asText()).isEqualTo("REGISTERED");
        CliRun unknown = ecsa(state, "restart", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("nothing was sent");
    }

    @Test
    @Order(6)
    void historyListsTheRequestsNewestFirstWithTheirSteps() throws Exception {
        CliRun text = ecsa(state, "history", "node-1");
        CliRun json = ecsa(state, "history", "node-1", "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("it-cli-dereg-1", "it-cli-reg-1", "by cli:it: rack 12", "bootstrap");
        assertThat(text.out().indexOf("it-cli-dereg-1")).isLessThan(text.out().indexOf("it-cli-reg-1"));
        JsonNode requests = Json.mapper().readTree(json.out()).path("requests");
        assertThat(requests).extracting(r -> r.path("requestId").asText())
                .containsExactly("it-cli-dereg-1", "it-cli-reg-1");
        assertThat(requests.get(1).path("steps")).extracting(s -> s.path("name").asText())
                .contains("activation", "bootstrap", "verify");
    }

    @Test
    @Order(7)
    void anUnknownNodeIsRefusedBeforeSendingAndARejectionIsWatchedToItsReason() {
        CliRun refused = ecsa(state, "deregister", "ghost-7", "--request-id", "it-cli-ghost");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(refused.err()).contains("no node ghost-7 is recorded", "nothing was sent");

        // Sent by another producer, the service rejects it; watch follows it to its reason.
        try (SqsClient sqs = SqsClient.builder().endpointOverride(mode.bench().sqs().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("local", "local"))).build()) {
            sqs.sendMessage(b -> b.queueUrl(mode.bench().queues().queueUrl()).messageGroupId("ghost-7")
                    .messageDeduplicationId("it-cli-ghost").messageBody("{\"action\":\"deregister\","
                            + "\"requestId\":\"it-cli-ghost\",\"nodeId\":\"ghost-7\",\"requestedBy\":\"it\"}"));
        }
        CliRun watch = ecsa(state, "watch", "it-cli-ghost", "--interval", "200", "--json");

        assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.REQUEST_FAILED);
        List<JsonNode> lines = new ArrayList<>();
        watch.out().lines().forEach(l -> lines.add(readTree(l)));
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("request");
        assertThat(last.path("request").path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(last.path("request").path("action").asText()).isEqualTo("deregister");
        assertThat(last.path("request").path("failure").path("reason").asText()).isEqualTo("NOT_REGISTERED");
    }

    @Test
    @Order(8)
    void reconcileNowRunsTheReconcilerAndFindingsShowItsRun() throws Exception {
        // A node registered in SSM and ECS under this stack's tag that the inventory does not know: an orphan.
        mode.bench().simulator().seedNodes("ecs-anywhere", 1, "stray",
                java.util.Map.of("ecsa:stack", mode.stackName()));

        CliRun now = ecsa(state, "reconcile", "--now");
        assertThat(now.exitCode()).as(now.toString()).isZero();
        assertThat(now.out()).contains("running the reconciler", "ORPHAN_IN_", "stray-1");
        CliRun text = ecsa(state, "findings");
        CliRun json = ecsa(state, "findings", "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("ORPHAN_IN_", "stray-1");
        JsonNode run = Json.mapper().readTree(json.out());
        assertThat(run.path("counts").path("ORPHAN_IN_SSM").asInt() + run.path("counts").path("ORPHAN_IN_ECS").asInt())
                .isPositive();
        assertThat(run.path("findings")).extracting(f -> f.path("nodeId").asText()).contains("stray-1");
    }

    @Test
    @Order(8)
    void repairCanBePausedSeenAndResumed() throws Exception {
        CliRun pause = ecsa(state, "repair", "pause", "--reason", "core switch upgrade", "--by", "alice");
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).contains("PAUSED by alice", "core switch upgrade", "ecsa repair resume");

        JsonNode status = Json.mapper().readTree(ecsa(state, "repair", "-o", "json").out());
        assertThat(status.path("paused").asBoolean()).isTrue();
        assertThat(status.path("pause").path("reason").asText()).isEqualTo("core switch upgrade");
        assertThat(status.path("quarantined")).isEmpty();

        CliRun resume = ecsa(state, "repair", "resume");
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).contains("repair: not paused", "quarantined by the repair: none");
        CliRun wrong = ecsa(state, "repair", "stop");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err()).contains("use status, pause or resume");
    }

    @Test
    @Order(9)
    void userErrorsGetAMessageAndTheirExitCodeNeverAStackTrace() {
        CliRun unknownNode = ecsa(state, "status", "nobody");
        CliRun unknownRequest = ecsa(state, "watch", "no-such-request", "--wait-recorded", "0");
        CliRun badPort = ecsa(state, "register", "node-2", "--port", "70000");
        CliRun notAHost = ecsa(state, "register", "elsewhere-1");
        CliRun badPolicy = ecsa(state, "deregister", "node-2", "--on-timeout", "later");
        CliRun noStateFile = ecsa(dir.resolve("missing.json"), "status");

        assertThat(unknownNode.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknownNode.err()).contains("no node nobody");
        assertThat(unknownRequest.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(badPort.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badPort.err()).contains("--port must be an integer from 1 to 65535").contains("nothing was sent");
        assertThat(notAHost.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notAHost.err()).contains("--address is required", "node-1, node-2");
        assertThat(badPolicy.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badPolicy.err()).contains("--on-timeout must be one of revert, force, keep");
        assertThat(noStateFile.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        for (CliRun run : List.of(unknownNode, unknownRequest, badPort, notAHost, badPolicy, noStateFile)) {
            assertThat(run.err()).as(run.toString()).startsWith("ecsa: ").doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    @Order(10)
    void aSecondLocalModeForTheSameStateFileIsRefusedAndTheFirstKeepsRunning() throws Exception {
        JsonNode before = Json.mapper().readTree(state.toFile());

        assertThatThrownBy(() -> LocalMode.start(LocalModeSettings.defaults(DynaliteServer.locateRepoRoot())
                .withHosts(1).withStateFile(state)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another local mode is running")
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        assertThat(Json.mapper().readTree(state.toFile())).isEqualTo(before);
        assertThat(ecsa(state, "status").exitCode()).isZero();
    }

    @Test
    @Order(13)
    void theStateFileIsRemovedWhenTheLocalModeStops() {
        assertThat(Files.exists(state)).isTrue();
        mode.close();
        mode = null;

        assertThat(Files.exists(state)).isFalse();
        assertThat(ecsa(state, "status").exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    @Order(11)
    void aRolloutIsPlannedStartedAwaitingApprovalAndCancelledWithNothingTouched() throws Exception {
        CliRun plan = ecsa(state, "plan", "deregister", "node-2", "--max-unavailable", "1", "--id", "it-cli-plan");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ExitCodes.OK);
        assertThat(plan.out()).contains("rollout it-cli-plan  PLANNED  deregister of 1 node(s) in 1 batch(es)")
                .contains("checks now:", "budget ecs-anywhere", "node-2");

        CliRun start = ecsa(state, "rollout", "start", "deregister", "node-2", "--approval", "--id", "it-cli-roll");
        assertThat(start.exitCode()).as(start.toString()).isEqualTo(ExitCodes.OK);
        assertThat(start.out()).contains("rollout it-cli-roll  AWAITING_APPROVAL");

        CliRun cancel = ecsa(state, "rollout", "cancel", "it-cli-roll");
        assertThat(cancel.exitCode()).as(cancel.toString()).isEqualTo(ExitCodes.OK);
        assertThat(cancel.out()).contains("cancel recorded on rollout it-cli-roll");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(90);
        CliRun status;
        do {
            Thread.sleep(500);
            status = ecsa(state, "rollout", "status", "it-cli-roll");
        } while (!status.out().contains("CANCELLED") && java.time.Instant.now().isBefore(deadline));
        assertThat(status.out()).contains("rollout it-cli-roll  CANCELLED").contains("node-2", "NOT_STARTED");
        assertThat(ecsa(state, "status", "node-2").out()).contains("REGISTERED");
        assertThat(ecsa(state, "rollout", "status").out()).contains("it-cli-roll", "it-cli-plan");
    }

    @Test
    @Order(12)
    void noCallTheFunctionsMadeWasDenied() {
        // The functions ran from the zip under their roles' policies from the template, through every command above.
        assertThat(mode.stack().iam().authorizer().decisions()).extracting(dev.ecsa.local.iam.BenchAuthorizer.Decision::action)
                .contains("ssm:CreateActivation", "ecs:DeregisterContainerInstance", "ssm:DescribeActivations",
                        // the event source mapping's polling, as the NodeRequest role
                        "sqs:ReceiveMessage", "sqs:DeleteMessage");
        assertThat(mode.stack().iam().authorizer().denials()).isEmpty();
    }

    private static JsonNode readTree(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
