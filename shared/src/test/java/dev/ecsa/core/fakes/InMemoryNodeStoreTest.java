package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake passes the shared {@link NodeStoreContract}; its write counter also shows replays write nothing. */
class InMemoryNodeStoreTest extends NodeStoreContract {

    private InMemoryNodeStore fake;

    @Override
    protected NodeStore newStore(Clock clock) {
        fake = new InMemoryNodeStore(clock);
        return fake;
    }

    @Test
    void replaysConflictsAndLateFinishesCountNoWrite() {
        RegisterRequest request = new RegisterRequest("req-1", "node-1", "10.0.0.5", 22, "ecsa", null, "edge",
                Map.of(), Map.of(), "provisioner", "");
        fake.createNodeIfAbsent(NodeRecord.newRegistration(request, "edge", clock.instant()));
        fake.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        Transition move = new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1);
        fake.transition("node-1", move, NodeUpdate.none());
        fake.finishRequest("req-1", Outcome.REGISTERED, null);
        int writes = fake.writeCount();
        fake.transition("node-1", move, NodeUpdate.none());
        fake.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1),
                NodeUpdate.none());
        fake.createNodeIfAbsent(NodeRecord.newRegistration(request, "edge", clock.instant()));
        fake.putRequestIfAbsent(RequestRecord.received(request, clock.instant()));
        fake.finishRequest("req-1", Outcome.FAILED, null);
        assertThat(fake.writeCount()).isEqualTo(writes);
    }
}
