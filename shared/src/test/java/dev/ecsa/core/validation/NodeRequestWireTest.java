package dev.ecsa.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.model.UpgradeRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the service's own senders write is read back by the validator as the same request. */
class NodeRequestWireTest {

    private static final String KEY = "SHA256:" + "A".repeat(42) + "E";

    @Test
    void everyKindOfRequestRoundTripsThroughTheValidator() {
        List<NodeRequest> requests = List.of(
                new RegisterRequest("repair-r-1", "rack1-host7", "10.0.0.7", 2222, "ecsa", KEY, "edge",
                        Map.of("rack", "r1"), Map.of("team", "blue"), "ecsa-reconciler", "re-registration"),
                new RegisterRequest("r-2", "node-2", "host.example", 22, "ops", null, null, Map.of(), Map.of(),
                        "me", ""),
                new DeregisterRequest("repair-d-1", "rack1-host7", 60, TimeoutPolicy.FORCE, "ecsa-reconciler",
                        "re-registration", null),
                new UpgradeRequest("u-1", "node-3", "1.90.0", null, 120, TimeoutPolicy.KEEP, "me", "", KEY),
                new RestartRequest("s-1", "node-4", "ecsa-reconciler", "agents down", null));
        for (NodeRequest r : requests) {
            ValidationResult v = RequestValidator.validate(NodeRequestWire.body(r));
            assertThat(v.isValid()).as(r + " " + v).isTrue();
            assertThat(v.request()).as(r.toString()).contains(r);
        }
    }

    @Test
    void defaultsAreLeftOut() {
        Map<String, Object> body = NodeRequestWire.body(new RegisterRequest("r-2", "node-2", "host.example", 22,
                "ops", null, null, Map.of(), Map.of(), "me", ""));
        assertThat(body).containsOnlyKeys("action", "requestId", "nodeId", "address", "sshUser", "requestedBy");
    }
}
