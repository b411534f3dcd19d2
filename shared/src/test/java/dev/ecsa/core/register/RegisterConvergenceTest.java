package dev.ecsa.core.register;


import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.state.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static dev.ecsa.core.register.RegisterWorld.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The process dies at every port call of a registration (just before it, or just after it took effect), and the
 * message comes back after the queue's visibility timeout (longer than the registration budget): the registration
 * must end REGISTERED with one registration in SSM and ECS and no activation left live, recorded or not.
 */
class RegisterConvergenceTest {

    private static final RegisterRequest REQUEST = request("req-1", "node-1");

    static Stream<Arguments> crashPoints() {
        RegisterWorld clean = new RegisterWorld();
        CrashSwitch counter = CrashSwitch.never();
        clean.registerNode(counter).register(REQUEST, Attempt.first(RegisterWorld.MAX_RECEIVES));
        List<Arguments> points = new ArrayList<>();
        IntStream.range(0, counter.calls()).forEach(i -> {
            points.add(Arguments.of(i, "before"));
            points.add(Arguments.of(i, "after"));
        });
        return points.stream();
    }

    @Test
    void aCopyArrivingWhileAnotherDeliveryRunsWaitsAndNeverTouchesTheHost() {
        RegisterWorld w = new RegisterWorld();
        // The first delivery "runs": it stopped right after CreateActivation took effect, its lease still holds.
        int createCall = firstCallOf("HybridActivations.create");
        assertThatThrownBy(() -> w.registerNode(new CrashSwitch(createCall, true)).register(REQUEST,
                Attempt.first(RegisterWorld.MAX_RECEIVES))).isInstanceOf(CrashSwitch.Crash.class);
        int activationsCreated = w.activations.all().size();

        assertThatThrownBy(() -> w.register(REQUEST, 2)).isInstanceOf(RetryableException.class)
                .hasMessageContaining("NODE_BUSY").hasMessageContaining("another delivery");
        IntakeResult last = w.register(REQUEST, RegisterWorld.MAX_RECEIVES);
        assertThat(last.outcome()).as("the last copy is acknowledged and leaves the request alone").isNull();
        assertThat(w.store.getRequest("req-1").orElseThrow().completed()).isFalse();
        assertThat(w.activations.all()).hasSize(activationsCreated);
        assertThat(w.activations.live()).hasSize(1);
        assertThat(w.host.bootstraps).isZero();

        // Once the lease has run out (the first delivery is dead), a delivery takes over and cleans up.
        w.clock.advance(w.settings.budget());
        IntakeResult resumed = w.register(REQUEST, 2);
        assertThat(resumed.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.activations.live()).isEmpty();
        assertThat(w.host.bootstraps).isEqualTo(1);
    }

    @Test
    void aCopyFindingTheNodeRegisteredForItsRequestLetsTheOwnerFinishFirst() {
        RegisterWorld w = new RegisterWorld();
        // The owner moved the node to REGISTERED and has not finished the request yet.
        int recordCall = firstCallOf("NodeStore.transition");
        assertThatThrownBy(() -> w.registerNode(new CrashSwitch(recordCall, true)).register(REQUEST,
                Attempt.first(RegisterWorld.MAX_RECEIVES))).isInstanceOf(CrashSwitch.Crash.class);
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);

        assertThatThrownBy(() -> w.register(REQUEST, 2)).isInstanceOf(RetryableException.class)
                .hasMessageContaining("NODE_BUSY");
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistered.class)).isEmpty();

        w.clock.advance(w.settings.budget());
        assertThat(w.register(REQUEST, 3).outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistered.class)).hasSize(1);
        assertThat(w.activations.live()).isEmpty();
    }

    /** The index of the first port call named {@code method} in a clean registration. */
    private static int firstCallOf(String method) {
        RegisterWorld clean = new RegisterWorld();
        CrashSwitch counter = CrashSwitch.never();
        clean.registerNode(counter).register(REQUEST, Attempt.first(RegisterWorld.MAX_RECEIVES));
        return counter.indexOf(method);
    }

    @ParameterizedTest(name = "crash {1} port call #{0}")
    @MethodSource("crashPoints")
    void aRedeliveryAfterACrashConverges(int call, String when) {
        RegisterWorld w = new RegisterWorld();
        CrashSwitch crash = new CrashSwitch(call, when.equals("after"));
        assertThatThrownBy(() -> w.registerNode(crash).register(REQUEST, new Attempt(1, RegisterWorld.MAX_RECEIVES,
                null))).isInstanceOf(CrashSwitch.Crash.class);
        w.clock.advance(w.settings.budget().plusSeconds(1));

        IntakeResult result = w.register(REQUEST, 2);

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(w.managed.all()).as("registered with SSM once").hasSize(1);
        assertThat(node.managedInstanceId()).isEqualTo(w.managed.all().get(0).instanceId());
        assertThat(w.containers.findByManagedInstanceId("edge", node.managedInstanceId()).orElseThrow().arn())
                .isEqualTo(node.containerInstanceArn());
        assertThat(w.host.bootstraps).isLessThanOrEqualTo(2);

        Set<String> recorded = w.store.getRequest("req-1").orElseThrow().steps().stream()
                .map(Step::resourceId).filter(Objects::nonNull).collect(Collectors.toSet());
        assertThat(recorded).as("the activations the run recorded").isNotEmpty();
        List<InMemoryHybridActivations.Stored> live = w.activations.live();
        assertThat(live).as("no activation stays live, not even one whose creation was never recorded").isEmpty();
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistrationFailed.class)).isEmpty();
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistered.class)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.managedInstanceId()).isEqualTo(node.managedInstanceId()));

        IntakeResult third = w.register(REQUEST, 3);
        assertThat(third.replay()).isTrue();
        assertThat(third.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.store.getRequest("req-1").orElseThrow().steps()).extracting(Step::name)
                .contains(RegisterNode.STEP_RECORD);
    }
}
