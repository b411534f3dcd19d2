package dev.ecsa.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** Random histories of attempted moves against the store: the node only ever takes legal, well-versioned steps. */
class NodeStoreTransitionPropertiesTest {

    /** An attempted move: any legal (from, to) pair, with a version guess near the truth. */
    @Provide
    Arbitrary<List<Tuple.Tuple3<NodeState, NodeState, Integer>>> attempts() {
        Arbitrary<Tuple.Tuple3<NodeState, NodeState, Integer>> one = Combinators.combine(
                Arbitraries.of(NodeState.class), Arbitraries.of(NodeState.class), Arbitraries.integers().between(-2, 1))
                .filter((from, to, off) -> from.canMoveTo(to)).as(Tuple::of);
        return one.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 500)
    void theNodeOnlyMovesLegallyAndEachMoveBumpsTheVersionOnce(
            @ForAll("attempts") List<Tuple.Tuple3<NodeState, NodeState, Integer>> attempts) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        InMemoryNodeStore store = new InMemoryNodeStore(clock);
        store.createNodeIfAbsent(NodeRecord.newRegistration(new RegisterRequest("r", "n", "10.0.0.1", 22, "u", null,
                null, Map.of(), Map.of(), "p", ""), "c", clock.instant()));
        int applied = 0;
        for (Tuple.Tuple3<NodeState, NodeState, Integer> a : attempts) {
            NodeRecord before = store.getNode("n").orElseThrow();
            // Aim at the current state most of the time so histories get somewhere.
            NodeState from = before.state().canMoveTo(a.get2()) && a.get3() >= 0 ? before.state() : a.get1();
            long expected = Math.max(1, before.version() + Math.min(0, a.get3()));
            Transition move = new Transition(from, a.get2(), expected);
            TransitionResult r = store.transition("n", move, NodeUpdate.none());
            NodeRecord after = store.getNode("n").orElseThrow();
            Statistics.label("decision").collect(r.decision());
            switch (r.decision()) {
                case APPLY -> {
                    applied++;
                    assertThat(before.state().canMoveTo(after.state())).isTrue();
                    assertThat(after.state()).isEqualTo(move.to());
                    assertThat(after.version()).isEqualTo(before.version() + 1);
                    // replaying the same move is recognised and changes nothing
                    assertThat(store.transition("n", move, NodeUpdate.none()).decision())
                            .isEqualTo(TransitionDecision.ALREADY_DONE);
                    assertThat(store.getNode("n").orElseThrow()).isEqualTo(after);
                }
                case ALREADY_DONE, CONFLICT -> assertThat(after).isEqualTo(before);
            }
            assertThat(after.version()).isEqualTo(1 + applied);
        }
        Statistics.label("decision").coverage(c -> c.check(TransitionDecision.APPLY).percentage(p -> p > 10));
    }
}
