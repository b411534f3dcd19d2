package dev.ecsa.core.state;

import static dev.ecsa.core.state.NodeState.DEREGISTERED;
import static dev.ecsa.core.state.NodeState.DEREGISTERING;
import static dev.ecsa.core.state.NodeState.DEREGISTRATION_FAILED;
import static dev.ecsa.core.state.NodeState.DRAINING;
import static dev.ecsa.core.state.NodeState.DRAIN_KEPT;
import static dev.ecsa.core.state.NodeState.REGISTERED;
import static dev.ecsa.core.state.NodeState.REGISTERING;
import static dev.ecsa.core.state.NodeState.REGISTRATION_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeStateTest {

    /** The lifecycle as the design describes it, written out independently of the enum. */
    private static final Set<List<NodeState>> LEGAL = Set.of(
            List.of(REGISTERING, REGISTERED),
            List.of(REGISTERING, REGISTRATION_FAILED),
            List.of(REGISTRATION_FAILED, REGISTERING),
            List.of(REGISTRATION_FAILED, DEREGISTERING),
            List.of(REGISTERED, DRAINING),
            List.of(REGISTERED, DEREGISTERING),
            List.of(REGISTERED, DRAIN_KEPT),
            List.of(DRAINING, DEREGISTERING),
            List.of(DRAINING, REGISTERED),
            List.of(DRAINING, DRAIN_KEPT),
            List.of(DRAINING, DEREGISTRATION_FAILED),
            List.of(DRAIN_KEPT, DRAINING),
            List.of(DRAIN_KEPT, DEREGISTERING),
            List.of(DRAIN_KEPT, REGISTERED),
            List.of(DEREGISTERING, DEREGISTERED),
            List.of(DEREGISTERING, DEREGISTRATION_FAILED),
            List.of(DEREGISTRATION_FAILED, DRAINING),
            List.of(DEREGISTRATION_FAILED, DEREGISTERING),
            List.of(DEREGISTERED, REGISTERING));

    static Stream<Arguments> everyPair() {
        return Stream.of(NodeState.values())
                .flatMap(from -> Stream.of(NodeState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void allowsExactlyTheDesignedMoves(NodeState from, NodeState to) {
        boolean legal = LEGAL.contains(List.of(from, to));
        assertThat(from.canMoveTo(to)).isEqualTo(legal);
        if (legal) {
            assertThat(new Transition(from, to, 1).resultingVersion()).isEqualTo(2);
        } else {
            assertThatThrownBy(() -> new Transition(from, to, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(from + " -> " + to);
        }
    }

    @Test
    void stayingPutIsNeverAMove() {
        for (NodeState s : NodeState.values()) {
            assertThat(s.canMoveTo(s)).as(s.name()).isFalse();
        }
    }

    @Test
    void onlyInFlightStatesAreBusy() {
        Set<NodeState> busy = EnumSet.noneOf(NodeState.class);
        for (NodeState s : NodeState.values()) {
            if (s.isBusy()) {
                busy.add(s);
            }
        }
        assertThat(busy).containsExactlyInAnyOrder(REGISTERING, DRAINING, DEREGISTERING);
    }

    @Test
    void everyStateIsReachableFromTheInitialState() {
        Set<NodeState> seen = new HashSet<>(Set.of(NodeState.initial()));
        List<NodeState> frontier = new java.util.ArrayList<>(seen);
        while (!frontier.isEmpty()) {
            NodeState s = frontier.remove(0);
            for (NodeState next : s.successors()) {
                if (seen.add(next)) {
                    frontier.add(next);
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(NodeState.values());
        assertThat(NodeState.initial()).isEqualTo(REGISTERING);
    }

    @Test
    void everyBusyStateHasAWayOut() {
        for (NodeState s : NodeState.values()) {
            if (s.isBusy()) {
                assertThat(s.successors()).as(s.name()).anyMatch(n -> !n.isBusy());
            }
        }
    }

    @Test
    void successorsCannotBeModified() {
        assertThatThrownBy(() -> REGISTERED.successors().add(DEREGISTERED))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void versionsStartAtOne() {
        assertThatThrownBy(() -> new Transition(REGISTERING, REGISTERED, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
