package dev.ecsa.store;


import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.state.NodeState;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import static org.assertj.core.api.Assertions.assertThat;

class ItemsTest {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private static NodeRecord fullNode() {
        return new NodeRecord("node-7", NodeState.DRAIN_KEPT, 5, "edge", "mi-0123456789abcdef0",
                "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/0f1e", "SHA256:abc+/def", "10.0.0.7", 2022,
                "ecsa", new AgentVersions("3.3.1", "1.90.0", "1.90.0-1", "25.0.5", "Ubuntu", "22.04",
                        T.plusSeconds(2)), "req-9",
                new Failure(Reason.TIMED_OUT, "3 tasks left"), T, T.plusNanos(123_456_789), T.plusSeconds(1),
                Map.of("rack", "r4", "gpu", "a10"), new NodeHealth(T.minusSeconds(900), "ECS reports the agent "
                        + "disconnected", T.minusSeconds(60), T.plusNanos(5), T.minusSeconds(30), "repair-1",
                        T.minusSeconds(10), "mi-0123456789abcdef0|arn:aws:ecs:eu-west-1:123456789012:container-instance/"
                        + "edge/0f1e"), Map.of("team", "blue"));
    }

    private static RequestRecord fullRequest() {
        return new RequestRecord("req-9", "node-7", Action.DEREGISTER, "ops@example.com", "rack move",
                RequestStatus.COMPLETED, Outcome.DRAIN_KEPT,
                List.of(new Step("start-drain", T, T.plusMillis(5), StepResult.SUCCEEDED, "set DRAINING"),
                        new Step("delete-activation", T.plusMillis(6), T.plusMillis(7), StepResult.SUCCEEDED,
                                "activation 4a7b", "4a7b"),
                        Step.started("check-drain", T.plusSeconds(15))),
                new Failure(Reason.TIMED_OUT, "deadline passed"), T, T.plusSeconds(600));
    }

    @Test
    void aNodeWithEveryFieldSetRoundTripsAndEveryComponentHasAnAttribute() {
        NodeRecord node = fullNode();
        Map<String, AttributeValue> item = Items.fromNode(node);
        assertThat(Items.toNode(item)).isEqualTo(node);
        // A field added to the record without a mapping fails here instead of silently not being stored.
        List<String> components = Arrays.stream(NodeRecord.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        assertThat(item.keySet()).containsAll(components);
        List<String> software = Arrays.stream(AgentVersions.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        assertThat(item.get("agentVersions").m().keySet()).containsExactlyInAnyOrderElementsOf(software);
        assertThat(item.get("health").m().keySet()).containsExactlyInAnyOrderElementsOf(Arrays.stream(
                NodeHealth.class.getRecordComponents()).map(RecordComponent::getName).toList());
        assertThat(item).containsEntry("pk", AttributeValue.fromS("NODE#node-7"))
                .containsEntry("sk", AttributeValue.fromS("NODE"))
                .containsEntry("state", AttributeValue.fromS("DRAIN_KEPT"))
                .containsEntry("version", AttributeValue.fromN("5"))
                .containsEntry("updatedAt", AttributeValue.fromS("2026-03-01T12:00:00.123456789Z"));
        assertThat(item.get("lastError").m()).containsEntry("reason", AttributeValue.fromS("TIMED_OUT"));
        assertThat(item).doesNotContainKey("expiresAt");
    }

    @Test
    void aNodeWithOnlyRequiredFieldsRoundTripsWithoutEmptyAttributes() {
        NodeRecord node = new NodeRecord("n", NodeState.REGISTERING, 1, null, null, null, null, null, 0, null, null,
                null, null, T, T, T);
        Map<String, AttributeValue> item = Items.fromNode(node);
        assertThat(Items.toNode(item)).isEqualTo(node);
        assertThat(item).doesNotContainKeys("cluster", "managedInstanceId", "agentVersions", "lastError", "attributes",
                "health");
    }

    @Test
    void aRequestRoundTripsWithStepsFailureAndTtl() {
        RequestRecord request = fullRequest();
        Map<String, AttributeValue> item = Items.fromRequest(request, 1_790_000_000L);
        assertThat(Items.toRequest(item)).isEqualTo(request);
        List<String> components = Arrays.stream(RequestRecord.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        assertThat(item.keySet()).containsAll(components);
        assertThat(item).containsEntry("pk", AttributeValue.fromS("REQUEST#req-9"))
                .containsEntry("sk", AttributeValue.fromS("REQUEST"))
                .containsEntry("expiresAt", AttributeValue.fromN("1790000000"))
                // not a node: must stay out of the byState index
                .doesNotContainKey("state");
        // One map entry per step, keyed by start time and name: a step is written without reading the others.
        assertThat(item.get("steps").m()).containsOnlyKeys("2026-03-01T12:00:00.000000000Z#start-drain",
                "2026-03-01T12:00:00.006000000Z#delete-activation", "2026-03-01T12:00:15.000000000Z#check-drain");
        assertThat(item.get("steps").m().get("2026-03-01T12:00:00.000000000Z#start-drain").m())
                .doesNotContainKey("resourceId");
        assertThat(item.get("steps").m().get("2026-03-01T12:00:00.006000000Z#delete-activation").m())
                .containsEntry("resourceId", AttributeValue.fromS("4a7b"));
        assertThat(item.get("steps").m().get("2026-03-01T12:00:15.000000000Z#check-drain").m())
                .doesNotContainKey("endedAt");
    }

    @Test
    void stepsStoredAsAListBeforeTheMapFormStillRead() {
        RequestRecord request = fullRequest();
        Map<String, AttributeValue> item = new java.util.HashMap<>(Items.fromRequest(request, 1_790_000_000L));
        item.put("steps", AttributeValue.fromL(request.steps().stream().map(Items::step).toList()));
        assertThat(Items.toRequest(item)).isEqualTo(request);
    }

    @Test
    void ofStepsWithOneIdentityTheLastIsKept() {
        Step started = Step.started("bootstrap", T);
        Step ended = started.end(T.plusSeconds(40), StepResult.SUCCEEDED, "ok");
        Step other = Step.started("verify", T.plusSeconds(40));
        assertThat(Items.lastPerKey(List.of(started, other, ended))).containsExactly(other, ended);
    }

    @Test
    void aJustReceivedRequestRoundTrips() {
        RequestRecord request = new RequestRecord("r", "n", Action.REGISTER, "", "", RequestStatus.RECEIVED, null,
                List.of(), null, T, null);
        assertThat(Items.toRequest(Items.fromRequest(request, 1))).isEqualTo(request);
    }

    @Test
    void historyEntriesLiveInTheNodePartitionAndSortByReceiptTime() {
        RequestRecord request = fullRequest();
        Map<String, AttributeValue> entry = Items.historyEntry(request, 42);
        assertThat(entry).containsEntry("pk", AttributeValue.fromS("NODE#node-7"))
                .containsEntry("sk", AttributeValue.fromS("REQUEST#2026-03-01T12:00:00.000000000Z#req-9"))
                .containsEntry("expiresAt", AttributeValue.fromN("42"))
                .doesNotContainKey("state");
    }

    @Test
    void storedTimesSortAsTheInstantsDo() {
        List<Instant> instants = List.of(T, T.plusNanos(1), T.plusMillis(500), T.plusSeconds(1),
                Instant.parse("1999-12-31T23:59:59.999Z"), Instant.parse("2026-03-01T11:59:59.9Z"));
        List<String> stored = new ArrayList<>(instants.stream().map(i -> Items.time(i).s()).toList());
        List<String> byInstant = instants.stream().sorted().map(i -> Items.time(i).s()).toList();
        stored.sort(String::compareTo);
        assertThat(stored).isEqualTo(byInstant);
        assertThat(stored).allSatisfy(s -> assertThat(s).hasSize(30));
    }
}
