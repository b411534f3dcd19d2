package dev.ecsa.core.register;

import static dev.ecsa.core.register.RegisterWorld.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.intake.Attempt;
import dev.ecsa.core.intake.IntakeResult;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The process dies at every port call of a registration (just before it, or just after it took effect), and the
 * message comes back: the registration must end REGISTERED with one registration in SSM and ECS, no recorded
 * activation left live, and at most the one activation a crash could leave unrecorded — never used.
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

    @ParameterizedTest(name = "crash {1} port call #{0}")
    @MethodSource("crashPoints")
    void aRedeliveryAfterACrashConverges(int call, String when) {
        RegisterWorld w = new RegisterWorld();
        CrashSwitch crash = new CrashSwitch(call, when.equals("after"));
        assertThatThrownBy(() -> w.registerNode(crash).register(REQUEST, new Attempt(1, RegisterWorld.MAX_RECEIVES,
                null))).isInstanceOf(CrashSwitch.Crash.class);

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
                .map(RegisterNode::activationIdOf).filter(Objects::nonNull).collect(Collectors.toSet());
        List<InMemoryHybridActivations.Stored> live = w.activations.live();
        assertThat(live).as("no recorded activation stays live").noneMatch(
                a -> recorded.contains(a.activation().activationId()));
        assertThat(live).as("at most the one a crash left unrecorded, and never used").hasSizeLessThanOrEqualTo(1)
                .allSatisfy(a -> assertThat(a.managedInstanceId()).isNull());
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
