package dev.ecsa.core.deregister;


import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.state.NodeState;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class TimeoutActionTest {

    @Test
    void revertsOnlyWhenThisWorkflowDrained() {
        TimeoutAction ours = TimeoutAction.decide(TimeoutPolicy.REVERT, true);
        assertThat(ours).isEqualTo(TimeoutAction.REVERT_TO_ACTIVE);
        assertThat(ours.setsActive()).isTrue();
        assertThat(ours.nextState()).isEqualTo(NodeState.REGISTERED);
        assertThat(ours.alert()).isFalse();

        TimeoutAction theirs = TimeoutAction.decide(TimeoutPolicy.REVERT, false);
        assertThat(theirs).isEqualTo(TimeoutAction.LEAVE_OTHERS_DRAIN);
        assertThat(theirs.setsActive()).isFalse();
        assertThat(theirs.nextState()).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(theirs.alert()).isTrue();
        assertThat(theirs.outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
    }

    @Test
    void forceDeregistersWhoeverDrained() {
        for (boolean ours : new boolean[] {true, false}) {
            TimeoutAction a = TimeoutAction.decide(TimeoutPolicy.FORCE, ours);
            assertThat(a).isEqualTo(TimeoutAction.FORCE_DEREGISTER);
            assertThat(a.forcesDeregistration()).isTrue();
            assertThat(a.setsActive()).isFalse();
            assertThat(a.nextState()).isEqualTo(NodeState.DEREGISTERING);
            assertThat(a.outcome()).isEqualTo(Outcome.FORCE_DEREGISTERED);
        }
    }

    @Test
    void keepStaysDrainingAndAlerts() {
        for (boolean ours : new boolean[] {true, false}) {
            TimeoutAction a = TimeoutAction.decide(TimeoutPolicy.KEEP, ours);
            assertThat(a).isEqualTo(TimeoutAction.KEEP_DRAINING);
            assertThat(a.alert()).isTrue();
            assertThat(a.setsActive()).isFalse();
            assertThat(a.forcesDeregistration()).isFalse();
            assertThat(a.nextState()).isEqualTo(NodeState.DRAIN_KEPT);
            assertThat(a.outcome()).isEqualTo(Outcome.DRAIN_KEPT);
        }
    }

    @Test
    void everyActionLeadsToALegalMoveFromDraining() {
        for (TimeoutAction a : TimeoutAction.values()) {
            assertThat(NodeState.DRAINING.canMoveTo(a.nextState())).as(a.name()).isTrue();
        }
    }

    @Test
    void revertIsTheDefaultPolicy() {
        assertThat(TimeoutPolicy.defaultPolicy()).isEqualTo(TimeoutPolicy.REVERT);
    }
}
