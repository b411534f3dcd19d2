package dev.ecsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.FixAction;
import dev.ecsa.core.reconcile.FixKind;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.state.NodeState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Table and JSON rendering of nodes, requests and steps. */
class ViewsTest {

    private static final Printer PLAIN = new Printer(new PrintWriter(new StringWriter()), OutputOptions.Format.table,
            false);
    private static final Printer WIDE = new Printer(new PrintWriter(new StringWriter()), OutputOptions.Format.wide,
            false);
    private static final Printer COLOUR = new Printer(new PrintWriter(new StringWriter()), OutputOptions.Format.table,
            true);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:container-instance/edge/0123456789abcdef";

    private static NodeRecord node(String id, NodeState state, String mi, String arn, String lastRequest) {
        return new NodeRecord(id, state, 3, "edge", mi, arn, null, "10.0.0.7", 22, "ecsa", AgentVersions.unknown(),
                lastRequest, null, T0, T0.plusSeconds(30), T0.plusSeconds(30));
    }

    private static RequestRecord deregistration(String id, String nodeId) {
        RequestRecord r = RequestRecord.received(new DeregisterRequest(id, nodeId, null, null, "alice", "retire"), T0);
        r = r.withStep(Step.started("start-drain", T0.plusMillis(600)).end(T0.plusMillis(900), StepResult.SUCCEEDED,
                "set DRAINING"));
        r = r.withStep(Step.started("check-drain", T0.plusSeconds(2)));
        return r;
    }

    @Test
    void theStatusTableHasOneAlignedRowPerNodeWithShortIdsAndAges() {
        RequestRecord finished = deregistration("r-2", "edge-2").finished(Outcome.DRAIN_TIMED_OUT,
                new Failure(Reason.TIMED_OUT, "1 task"), T0.plusSeconds(40));
        List<Views.NodeView> nodes = List.of(
                new Views.NodeView(node("edge-1", NodeState.REGISTERED, "mi-0aaa", ARN, null), Optional.empty()),
                new Views.NodeView(node("edge-2", NodeState.REGISTERED, "mi-0bbb", ARN, "r-2"), Optional.of(finished)),
                new Views.NodeView(node("edge-3", NodeState.DRAINING, "mi-0ccc", ARN, "r-3"),
                        Optional.of(deregistration("r-3", "edge-3"))));

        String table = Views.statusTable(nodes, T0.plus(Duration.ofMinutes(5)), PLAIN);

        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("NODE    STATE       CLUSTER  MANAGED INSTANCE  CONTAINER INSTANCE");
        assertThat(lines.get(1)).isEqualTo("edge-1  REGISTERED  edge     mi-0aaa           0123456789abcdef"
                + "    -                       4m");
        assertThat(lines.get(2)).contains("DRAIN_TIMED_OUT");
        assertThat(lines.get(3)).contains("DRAINING", "deregister IN_PROGRESS");
        int stateColumn = lines.get(0).indexOf("STATE");
        assertThat(lines).allSatisfy(l -> assertThat(l.charAt(stateColumn - 1)).isEqualTo(' '));
    }

    @Test
    void statusJsonCarriesIdsTheLastRequestAndTheAge() {
        RequestRecord finished = deregistration("r-2", "edge-2").finished(Outcome.DEREGISTERED, null,
                T0.plusSeconds(40));
        JsonNode json = Views.statusJson(List.of(new Views.NodeView(
                node("edge-2", NodeState.DEREGISTERED, "mi-0bbb", ARN, "r-2"), Optional.of(finished))),
                T0.plusSeconds(90));

        JsonNode n = json.path("nodes").get(0);
        assertThat(n.path("nodeId").asText()).isEqualTo("edge-2");
        assertThat(n.path("state").asText()).isEqualTo("DEREGISTERED");
        assertThat(n.path("containerInstanceArn").asText()).isEqualTo(ARN);
        assertThat(n.path("lastAction").asText()).isEqualTo("deregister");
        assertThat(n.path("lastOutcome").asText()).isEqualTo("DEREGISTERED");
        assertThat(n.path("ageSeconds").asLong()).isEqualTo(60);
        assertThat(n.path("stateChangedAt").asText()).isEqualTo("2026-03-01T12:00:30Z");
    }

    @Test
    void historyShowsEachRequestThenItsStepsWithOffsetsAndDurations() {
        RequestRecord running = deregistration("r-3", "edge-3");

        String text = Views.historyText("edge-3", List.of(running));

        assertThat(text).contains("r-3  deregister IN_PROGRESS", "running")
                .contains("by alice: retire")
                .containsPattern("\\+600ms\\s+start-drain\\s+SUCCEEDED\\s+300ms\\s+set DRAINING")
                .containsPattern("\\+2\\.0s\\s+check-drain\\s+STARTED\\s+…");
        assertThat(Views.historyText("edge-9", List.of())).isEqualTo("no requests recorded for edge-9\n");
    }

    @Test
    void historyJsonIsTheRecordsAsStored() {
        JsonNode json = Views.historyJson("edge-3", List.of(deregistration("r-3", "edge-3")));

        assertThat(json.path("nodeId").asText()).isEqualTo("edge-3");
        assertThat(json.path("requests").get(0).path("action").asText()).as("the schema's spelling")
                .isEqualTo("deregister");
        JsonNode steps = json.path("requests").get(0).path("steps");
        assertThat(steps).extracting(s -> s.path("name").asText()).containsExactly("start-drain", "check-drain");
        assertThat(steps.get(0).path("result").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void findingsShowTheRunTheCountsAndEachFindingWithItsAction() {
        Finding orphan = new Finding(FindingType.ORPHAN_IN_SSM, "mi-0ddd", "edge-9", null, "mi-0ddd", null, null, null,
                "registered in SSM, unknown to the inventory", T0, FixKind.NONE, FixAction.REPORTED, "", null);
        ReconcileRun run = new ReconcileRun("run-1", T0, T0.plusMillis(1500),
                Map.of(FindingType.OK, 4, FindingType.ORPHAN_IN_SSM, 1), List.of(orphan), false, 0, 2, 5, 5, 4, 0);

        String text = Views.findingsText(run, T0.plusSeconds(120));

        assertThat(text).contains("reconcile run-1", "2m ago", "took 1.5s")
                .contains("compared 5 nodes, 5 managed instances, 4 container instances, 0 activations; 1 findings, "
                        + "0 fixes, 2 resolved")
                .contains("counts: OK 4, ORPHAN_IN_SSM 1")
                .containsPattern("ORPHAN_IN_SSM\\s+mi-0ddd\\s+edge-9\\s+2m ago\\s+REPORTED\\s+registered in SSM");
        JsonNode json = Views.runJson(run);
        assertThat(json.path("counts").path("ORPHAN_IN_SSM").asInt()).isEqualTo(1);
        assertThat(json.path("findings").get(0).path("subject").asText()).isEqualTo("mi-0ddd");
    }

    @Test
    void durationsReadLikeAPersonWouldSayThem() {
        assertThat(Durations.precise(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.precise(Duration.ofMillis(12_450))).isEqualTo("12.4s");
        assertThat(Durations.precise(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(Durations.precise(Duration.ofMinutes(130))).isEqualTo("2h10m");
        assertThat(Durations.coarse(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Durations.coarse(Duration.ofHours(50))).isEqualTo("2d");
        assertThat(Durations.age(T0, T0.minusSeconds(5))).as("clock skew").isEqualTo("0s");
    }

    @Test
    void aTableRefusesARowOfTheWrongWidthAndPrintsMissingCellsAsDashes() {
        Table t = new Table("A", "B");
        t.row("x", null);

        assertThat(t.render()).isEqualTo("A  B\nx  -\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.row("only-one"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWideTableAddsAddressAgentsAndTheLastError() {
        NodeRecord failed = node("edge-4", NodeState.REGISTRATION_FAILED, null, null, null)
                .with(NodeUpdate.none().withLastError(new Failure(Reason.HOST_UNREACHABLE, "connect timed out")), T0);

        String table = Views.statusTable(List.of(new Views.NodeView(failed, Optional.empty())), T0, WIDE);

        assertThat(table.lines().findFirst().orElseThrow()).contains("ADDRESS", "ECS AGENT", "SSM AGENT",
                "LAST ERROR");
        assertThat(table).contains("10.0.0.7", "HOST_UNREACHABLE");
    }

    @Test
    void oneNodeInFullShowsItsLastErrorAndWhereToReadAboutIt() {
        NodeRecord failed = node("edge-4", NodeState.REGISTRATION_FAILED, null, null, null)
                .with(NodeUpdate.none().withLastError(new Failure(Reason.HOST_UNREACHABLE, "connect timed out")), T0);

        String detail = Views.nodeDetail(new Views.NodeView(failed, Optional.empty()), T0.plusSeconds(60), PLAIN);

        assertThat(detail).contains("state:", "REGISTRATION_FAILED", "30s ago")
                .containsPattern("last error:\\s+HOST_UNREACHABLE: connect timed out")
                .contains("docs/troubleshooting.md#host_unreachable")
                .contains("ecsa@10.0.0.7:22");
    }

    @Test
    void aQuarantinedNodeSaysSoInTheTableAndInFull() {
        NodeRecord held = node("edge-5", NodeState.DRAIN_KEPT, "mi-0ddd", ARN, "r-reg")
                .with(NodeUpdate.none().withHealth(new dev.ecsa.core.model.NodeHealth(T0.minusSeconds(1800),
                        "ECS reports the agent disconnected", T0.minusSeconds(600), null)), T0);
        Views.NodeView view = new Views.NodeView(held, Optional.empty());

        assertThat(Views.statusTable(List.of(view), T0, WIDE)).contains("QUARANTINED");
        assertThat(Views.nodeDetail(view, T0, PLAIN)).containsPattern("health:\\s+unhealthy since")
                .contains("ECS reports the agent disconnected", "quarantined by the repair since");
    }

    @Test
    void colourMarksStatesOnlyWhenAllowedAndKeepsColumnsAligned() {
        List<Views.NodeView> nodes = List.of(
                new Views.NodeView(node("edge-1", NodeState.REGISTERED, "mi-0aaa", ARN, null), Optional.empty()),
                new Views.NodeView(node("edge-22", NodeState.DEREGISTRATION_FAILED, "mi-0bbb", ARN, null),
                        Optional.empty()));

        String coloured = Views.statusTable(nodes, T0, COLOUR);
        String plain = Views.statusTable(nodes, T0, PLAIN);

        assertThat(coloured).contains("\u001b[32mREGISTERED\u001b[0m", "\u001b[31mDEREGISTRATION_FAILED\u001b[0m");
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
        assertThat(plain).doesNotContain("\u001b");
        assertThat(Printer.colourAllowed(true, Map.of())).isTrue();
        assertThat(Printer.colourAllowed(true, Map.of("NO_COLOR", ""))).as("any value, even empty").isFalse();
        assertThat(Printer.colourAllowed(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(Printer.colourAllowed(false, Map.of())).isFalse();
        assertThat(new Printer(new PrintWriter(new StringWriter()), OutputOptions.Format.json, true).state("OK"))
                .as("never in json").isEqualTo("OK");
    }

    @Test
    void yamlIsTheSameDocumentAsJson() throws Exception {
        JsonNode json = Views.statusJson(List.of(new Views.NodeView(
                node("edge-1", NodeState.REGISTERED, "mi-0aaa", ARN, null), Optional.empty())), T0);

        String yaml = Printer.yaml(json);

        assertThat(yaml).startsWith("nodes:\n- nodeId: edge-1\n");
        JsonNode back = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
        assertThat(back.toString()).isEqualTo(json.toString());
    }

    @Test
    void stepLinesShortenArnsAndADrainCheckWithTasksLeftIsWaiting() {
        Step waiting = new Step("check-drain", T0.plusSeconds(5), T0.plusSeconds(6), StepResult.SUCCEEDED,
                "check 2: 2 service tasks on " + ARN);
        Step drained = new Step("check-drain", T0.plusSeconds(10), T0.plusSeconds(11), StepResult.SUCCEEDED,
                "check 3: " + dev.ecsa.core.deregister.CheckDrain.DRAINED);

        assertThat(Views.stepLine(T0, waiting)).containsPattern("check-drain\\s+WAITING\\s+1\\.0s\\s+check 2: 2 "
                + "service tasks on 0123456789abcdef$");
        assertThat(Views.stepLine(T0, drained)).contains("SUCCEEDED");
        assertThat(Views.shortIds("execution arn:aws:states:us-east-1:1:execution:ecsa-drain:r-7 started"))
                .isEqualTo("execution r-7 started");
    }

    @Test
    void aStepLineCutsLongListsAndFractionsOfSecondsButKeepsShortLists() {
        Step cleaned = new Step("clean-host", T0, T0.plusMillis(400), StepResult.SUCCEEDED,
                "host cleaned: stopped [unit:ecs, unit:amazon-ssm-agent], removed [container:ecs-agent, "
                        + "package:amazon-ecs-init, package:amazon-ssm-agent, path:/var/lib/ecs, path:/etc/ecs], "
                        + "deadline 2026-12-07T13:37:15.331936867Z");

        assertThat(Views.stepLine(T0, cleaned)).endsWith("host cleaned: stopped [unit:ecs, unit:amazon-ssm-agent], "
                + "removed [container:ecs-agent, package:amazon-ecs-init, package:amazon-ssm-agent, +2 more], "
                + "deadline 2026-12-07T13:37:15Z");
        assertThat(Views.compact("exactly [a, b, c] and none []")).isEqualTo("exactly [a, b, c] and none []");
        assertThat(Views.compact(null)).isNull();
    }

    @Test
    void aDrainCheckThatFoundTheSameTasksAgainSaysSoInsteadOfListingThem() {
        String tasks = "2 tasks not stopped (0 standalone): 521b (service:web, RUNNING), 8258 (service:web, RUNNING)";
        Step first = new Step("check-drain", T0, T0.plusSeconds(1), StepResult.SUCCEEDED, "check 1: " + tasks);
        Step again = new Step("check-drain", T0, T0.plusSeconds(6), StepResult.SUCCEEDED, "check 2: " + tasks);
        Step fewer = new Step("check-drain", T0, T0.plusSeconds(11), StepResult.SUCCEEDED,
                "check 3: 1 task not stopped (0 standalone): 521b (service:web, STOPPING)");

        assertThat(Views.unchangedSince(null, first)).isSameAs(first);
        assertThat(Views.stepLine(T0, Views.unchangedSince(first.detail(), again)))
                .containsPattern("check-drain\\s+WAITING\\s+6\\.0s\\s+check 2: unchanged since check 1$");
        assertThat(Views.unchangedSince(first.detail(), fewer)).isSameAs(fewer);
        assertThat(Views.unchangedSince(first.detail(), first)).as("the same check printed again").isSameAs(first);
        Step other = new Step("bootstrap", T0, null, StepResult.STARTED, "running");
        assertThat(Views.unchangedSince("running", other)).isSameAs(other);
    }

    @Test
    void textShowsInstantsToTheSecondAndJsonKeepsThem() {
        Instant precise = T0.plusNanos(143_027_456);
        NodeRecord node = node("edge-6", NodeState.REGISTERED, "mi-0eee", ARN, "r-6").with(NodeUpdate.none(), precise);

        String detail = Views.nodeDetail(new Views.NodeView(node, Optional.empty()), precise.plusSeconds(5), PLAIN);

        assertThat(detail).containsPattern("updated:\\s+2026-03-01T12:00:00Z  \\(version")
                .doesNotContain(".143027456");
        assertThat(Views.nodeJson(new Views.NodeView(node, Optional.empty()), precise).path("updatedAt").asText())
                .isEqualTo("2026-03-01T12:00:00.143027456Z");
        assertThat(Durations.instant(null)).isNull();
    }

    @Test
    void validationProblemsAreSaidWithTheOptionsTheOperatorTyped() {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("action", "register", "nodeId", "edge-1",
                "requestId", "r-1", "address", "10.0.0.7", "requestedBy", "cli:t"));
        body.put("tags", Map.of("team", "two words"));
        body.put("port", 70000);

        String sentence = Terms.sentence(dev.ecsa.core.validation.RequestValidator.validate(body));

        assertThat(sentence).contains("--ssh-user is required", "--port must be an integer from 1 to 65535",
                "--tag team: value must be").doesNotContain("sshUser", "^[");
        assertThat(Terms.option("attributes[#2]")).isEqualTo("--attribute #2");
        assertThat(Terms.option("drainTimeoutSeconds")).isEqualTo("--drain-timeout");
    }

    @Test
    void durationsParseAsOperatorsWriteThem() {
        assertThat(Durations.parse("90s", "--timeout")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m", "--timeout")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m", "--timeout")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("45", "--timeout")).isEqualTo(Duration.ofSeconds(45));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parse("soon", "--timeout"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.getMessage()).contains("--timeout",
                        "90s"));
    }
}
