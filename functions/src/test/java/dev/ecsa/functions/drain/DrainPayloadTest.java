package dev.ecsa.functions.drain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.deregister.DrainState;
import dev.ecsa.core.deregister.WorkflowDecision;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.store.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The workflow state as Step Functions carries it: what the functions write, they read back whole. */
class DrainPayloadTest {

    private static DrainPayload payload(String step, Object state) throws Exception {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("step", step);
        root.set("state", Json.mapper().valueToTree(state));
        return DrainPayload.read(new ByteArrayInputStream(Json.mapper().writeValueAsBytes(root)));
    }

    @Test
    void anUpgradesInputAndStateSurviveTheRoundTrip() throws Exception {
        DrainStart start = new DrainStart("upg-1", "node-1", "edge", "arn:ci", Instant.parse("2026-12-06T12:00:00Z"),
                TimeoutPolicy.FORCE, 3, DrainPurpose.UPGRADE, new TargetVersions("1.90.0", null));
        assertThat(payload("StartDrain", start).start()).isEqualTo(start);

        DrainState state = DrainState.initial(start).withDecision(WorkflowDecision.UPGRADE);
        DrainState read = payload("UpgradeAgents", state).drainState();
        assertThat(read).isEqualTo(state);
        assertThat(read.upgrading()).isTrue();
        assertThat(read.targets().ecsAgent()).isEqualTo("1.90.0");
    }

    @Test
    void anExecutionStartedBeforeUpgradesExistedIsADeregistration() throws Exception {
        String old = "{\"step\":\"StartDrain\",\"state\":{\"requestId\":\"d-1\",\"nodeId\":\"n-1\",\"cluster\":\"edge\","
                + "\"containerInstanceArn\":\"arn:ci\",\"deadline\":\"2026-12-06T12:00:00Z\",\"policy\":\"REVERT\","
                + "\"nodeVersion\":2}}";
        DrainStart start = DrainPayload.read(new ByteArrayInputStream(old.getBytes(StandardCharsets.UTF_8))).start();
        assertThat(start.purpose()).isEqualTo(DrainPurpose.DEREGISTER);
        assertThat(start.targets().noTargets()).isTrue();
    }
}
