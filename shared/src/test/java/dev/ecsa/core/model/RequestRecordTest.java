package dev.ecsa.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.Reason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRecordTest {

    private final Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
    private final DeregisterRequest request = new DeregisterRequest("req-1", "node-1", 600, TimeoutPolicy.KEEP,
            "alice", "retire");

    @Test
    void aReceivedRequestStartsWithoutOutcome() {
        RequestRecord r = RequestRecord.received(request, t0);
        assertThat(r.status()).isEqualTo(RequestStatus.RECEIVED);
        assertThat(r.result()).isEmpty();
        assertThat(r.action()).isEqualTo(Action.DEREGISTER);
        assertThat(r.reason()).isEqualTo("retire");
        assertThat(r.withStep(Step.started("start-drain", t0)).status()).isEqualTo(RequestStatus.IN_PROGRESS);
    }

    @Test
    void anOutcomeGoesWithCompletion() {
        assertThatThrownBy(() -> new RequestRecord("r", "n", Action.REGISTER, "x", "", RequestStatus.IN_PROGRESS,
                Outcome.REGISTERED, List.of(), null, t0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestRecord("r", "n", Action.REGISTER, "x", "", RequestStatus.COMPLETED,
                null, List.of(), null, t0, t0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRejectionIsCompletedWithItsReason() {
        RequestRecord r = RequestRecord.rejected("req-1", "node-1", Action.REGISTER, "p",
                new Failure(Reason.INVALID_REQUEST, "Invalid request (1 problem): port must be ..."), t0);
        assertThat(r.completed()).isTrue();
        assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(r.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void stepsAreCopiedNotShared() {
        java.util.ArrayList<Step> steps = new java.util.ArrayList<>(List.of(Step.started("a", t0)));
        RequestRecord r = new RequestRecord("r", "n", Action.REGISTER, "x", "", RequestStatus.IN_PROGRESS, null, steps,
                null, t0, null);
        steps.add(Step.started("b", t0));
        assertThat(r.steps()).hasSize(1);
    }

    @Test
    void wireNamesRoundTrip() {
        for (Action a : Action.values()) {
            assertThat(Action.fromWireName(a.wireName())).contains(a);
        }
        for (TimeoutPolicy p : TimeoutPolicy.values()) {
            assertThat(TimeoutPolicy.fromWireName(p.wireName())).contains(p);
        }
        assertThat(Action.fromWireName("REGISTER")).isEmpty();
        assertThat(TimeoutPolicy.fromWireName(null)).isEmpty();
    }
}
