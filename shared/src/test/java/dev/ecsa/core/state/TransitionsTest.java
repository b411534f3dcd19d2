package dev.ecsa.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TransitionsTest {

    private final Transition drain = new Transition(NodeState.REGISTERED, NodeState.DRAINING, 4);

    @Test
    void appliesAtFromWithTheExpectedVersion() {
        assertThat(Transitions.decide(NodeState.REGISTERED, 4, drain)).isEqualTo(TransitionDecision.APPLY);
    }

    @Test
    void aReplayFindsTheMoveDone() {
        assertThat(Transitions.decide(NodeState.DRAINING, 5, drain)).isEqualTo(TransitionDecision.ALREADY_DONE);
    }

    @Test
    void aStaleVersionAtFromIsAConflict() {
        // Someone drained, reverted and is back at REGISTERED: not our move to make any more.
        assertThat(Transitions.decide(NodeState.REGISTERED, 6, drain)).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(Transitions.decide(NodeState.REGISTERED, 3, drain)).isEqualTo(TransitionDecision.CONFLICT);
    }

    @Test
    void reachingToByAnotherPathIsAConflict() {
        // DRAINING, but two versions on: another request's drain, not a replay of ours.
        assertThat(Transitions.decide(NodeState.DRAINING, 7, drain)).isEqualTo(TransitionDecision.CONFLICT);
        assertThat(Transitions.decide(NodeState.DRAINING, 4, drain)).isEqualTo(TransitionDecision.CONFLICT);
    }

    @Test
    void aNeverSeenNodeIsAConflict() {
        assertThat(Transitions.decide(null, 0, drain)).isEqualTo(TransitionDecision.CONFLICT);
    }

    @Test
    void anyOtherStateIsAConflict() {
        for (NodeState s : NodeState.values()) {
            if (s != NodeState.REGISTERED && s != NodeState.DRAINING) {
                assertThat(Transitions.decide(s, 4, drain)).as(s.name()).isEqualTo(TransitionDecision.CONFLICT);
                assertThat(Transitions.decide(s, 5, drain)).as(s.name()).isEqualTo(TransitionDecision.CONFLICT);
            }
        }
    }

    @Provide
    Arbitrary<Transition> legalMoves() {
        List<Transition> moves = new ArrayList<>();
        for (NodeState from : NodeState.values()) {
            for (NodeState to : from.successors()) {
                moves.add(new Transition(from, to, 1));
            }
        }
        return Arbitraries.of(moves).flatMap(m -> Arbitraries.longs().between(1, 1_000_000)
                .map(v -> new Transition(m.from(), m.to(), v)));
    }

    @Property
    void exactlyOneStoredStateAndVersionApplies(@ForAll("legalMoves") Transition move,
                                                @ForAll NodeState state, @ForAll @LongRange(min = 1, max = 1_000_001) long version) {
        TransitionDecision d = Transitions.decide(state, version, move);
        boolean atFrom = state == move.from() && version == move.expectedVersion();
        boolean atTo = state == move.to() && version == move.resultingVersion();
        assertThat(d).isEqualTo(atFrom ? TransitionDecision.APPLY
                : atTo ? TransitionDecision.ALREADY_DONE : TransitionDecision.CONFLICT);
    }

    @Property
    void applyingThenReplayingIsAlreadyDone(@ForAll("legalMoves") Transition move) {
        assertThat(Transitions.decide(move.from(), move.expectedVersion(), move)).isEqualTo(TransitionDecision.APPLY);
        // The state after the write:
        assertThat(Transitions.decide(move.to(), move.resultingVersion(), move))
                .isEqualTo(TransitionDecision.ALREADY_DONE);
    }
}
