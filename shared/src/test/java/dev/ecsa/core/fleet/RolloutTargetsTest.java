package dev.ecsa.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.NodeState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutTargetsTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    private static NodeRecord node(String id, NodeState state, String cluster, String rack, String ecsAgent) {
        return new NodeRecord(id, state, 3, cluster, "mi-" + id, "arn:" + id, null, "10.0.0.1", 22, "ecsa",
                new AgentVersions(null, ecsAgent, null, null, null, null, null), null, null, T, T, T,
                Map.of("rack", rack), null, null);
    }

    private static final Map<String, NodeRecord> INVENTORY = new LinkedHashMap<>();

    static {
        for (NodeRecord n : List.of(node("c", NodeState.REGISTERED, "prod", "r1", "1.82.0"),
                node("a", NodeState.REGISTERED, "prod", "r1", "1.90.0"),
                node("b", NodeState.DRAINING, "prod", "r1", "1.82.0"),
                node("d", NodeState.REGISTERED, "edge", "r1", "1.82.0"),
                node("e", NodeState.REGISTERED, "prod", "r2", "1.82.0"))) {
            INVENTORY.put(n.nodeId(), n);
        }
    }

    private static RolloutTargets.Resolved resolve(Map<String, Object> body) {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("action", "rollout", "requestId", "r",
                "requestedBy", "alice"));
        m.putAll(body);
        RolloutValidator.Result v = RolloutValidator.validate(m, Set.of());
        assertThat(v.violations()).isEmpty();
        return RolloutTargets.resolve(v.request(), id -> Optional.ofNullable(INVENTORY.get(id)),
                () -> List.copyOf(INVENTORY.values()), "prod");
    }

    @Test
    void namedNodesKeepTheirOrderAndTheOthersSayWhy() {
        RolloutTargets.Resolved r = resolve(Map.of("nodeAction", "deregister", "nodes", List.of("e", "b", "zz", "a")));

        assertThat(r.targets()).extracting(RolloutTarget::nodeId).containsExactly("e", "a");
        assertThat(r.targets().get(0)).isEqualTo(new RolloutTarget("e", "prod", Map.of("rack", "r2"), "mi-e",
                "arn:e"));
        assertThat(r.excluded()).extracting(x -> x.nodeId() + ": " + x.reason()).containsExactly(
                "b: is DRAINING, not REGISTERED", "zz: the inventory has no record of it");
    }

    @Test
    void aSelectorTakesTheMatchingNodesByNodeId() {
        RolloutTargets.Resolved r = resolve(Map.of("nodeAction", "upgrade", "selector", Map.of("cluster", "prod",
                "attributes", Map.of("rack", "r1"), "ecsAgentVersion", "1.82.0")));

        assertThat(r.targets()).extracting(RolloutTarget::nodeId).containsExactly("c");
        assertThat(r.excluded()).extracting(RolloutPlanner.Excluded::nodeId).containsExactly("b");
    }

    @Test
    void aRegistrationTakesEveryListedNodeButTheBusyOnes() {
        RolloutTargets.Resolved r = resolve(Map.of("nodeAction", "register", "registrations", List.of(
                Map.of("nodeId", "new-1", "address", "10.1.0.1", "sshUser", "ecsa", "attributes", Map.of("rack", "r9")),
                Map.of("nodeId", "a", "address", "10.1.0.2", "sshUser", "ecsa", "cluster", "edge"),
                Map.of("nodeId", "b", "address", "10.1.0.3", "sshUser", "ecsa"))));

        assertThat(r.targets()).containsExactly(
                new RolloutTarget("new-1", "prod", Map.of("rack", "r9"), null, null),
                new RolloutTarget("a", "edge", Map.of(), null, null));
        assertThat(r.excluded()).extracting(x -> x.nodeId() + ": " + x.reason()).containsExactly("b: busy: DRAINING");
    }
}
