package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import static dev.ecsa.core.fleet.FleetFixture.active;
import static dev.ecsa.core.fleet.FleetFixture.cluster;
import static dev.ecsa.core.fleet.FleetFixture.controls;
import static dev.ecsa.core.fleet.FleetFixture.instance;
import static dev.ecsa.core.fleet.FleetFixture.service;
import static dev.ecsa.core.fleet.FleetFixture.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.fleet.Admission.CalendarState;
import dev.ecsa.core.fleet.Admission.Decision;
import dev.ecsa.core.fleet.Admission.Situation;
import dev.ecsa.core.fleet.Admission.WaitReason;
import dev.ecsa.core.port.ContainerInstanceStatus;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static Decision admit(RolloutAction action, RolloutControls c, List<RolloutTarget> waiting,
                                  List<RolloutTarget> inFlight, ClusterLoad... clusters) {
        Map<String, ClusterLoad> byName = new java.util.HashMap<>();
        for (ClusterLoad l : clusters) {
            byName.put(l.cluster(), l);
        }
        return Admission.admit(new Situation(action, c, waiting, inFlight, byName, NOW, null));
    }

    @Test
    void theBudgetCountsDrainsOtherRequestsStarted() {
        List<ClusterLoad.Instance> instances = new ArrayList<>(cluster("prod", "n", 10).instances());
        instances.set(9, instance("n-10", ContainerInstanceStatus.DRAINING, 4096, 8192));
        ClusterLoad prod = new ClusterLoad("prod", instances);
        List<RolloutTarget> waiting = List.of(target("n-1", "prod"), target("n-2", "prod"), target("n-3", "prod"));

        Decision d = admit(RolloutAction.DEREGISTER, controls(3, 3, new DisruptionBudget(2, null)), waiting, List.of(),
                prod);

        assertThat(d.start()).containsExactly("n-1");
        assertThat(d.waits()).extracting(Admission.Wait::reason).containsOnly(WaitReason.DISRUPTION_BUDGET);
        assertThat(d.waits().get(0).detail()).startsWith("2 of 10 container instance(s) unavailable");
    }

    @Test
    void theRolloutsOwnNodesInFlightCountEvenWhenEcsShowsThemActive() {
        ClusterLoad prod = cluster("prod", "n", 10);

        Decision d = admit(RolloutAction.UPGRADE, controls(4, 4, new DisruptionBudget(2, null)),
                List.of(target("n-3", "prod"), target("n-4", "prod")),
                List.of(target("n-1", "prod"), target("n-2", "prod")), prod);

        assertThat(d.start()).isEmpty();
        assertThat(d.waits()).extracting(Admission.Wait::reason).containsOnly(WaitReason.DISRUPTION_BUDGET);
    }

    @Test
    void budgetsArePerCluster() {
        Decision d = admit(RolloutAction.DEREGISTER, controls(4, 4, new DisruptionBudget(1, null)),
                List.of(target("a-1", "a"), target("a-2", "a"), target("b-1", "b"), target("b-2", "b")), List.of(),
                cluster("a", "a", 5), cluster("b", "b", 5));

        assertThat(d.start()).containsExactly("a-1", "b-1");
    }

    @Test
    void concurrencyBoundsTheNodesInFlight() {
        Decision d = admit(RolloutAction.REGISTER, controls(5, 2, DisruptionBudget.ONE_AT_A_TIME),
                List.of(target("r-2", "prod"), target("r-3", "prod"), target("r-4", "prod")),
                List.of(target("r-1", "prod")));

        assertThat(d.start()).containsExactly("r-2");
        assertThat(d.waits()).extracting(Admission.Wait::reason).containsOnly(WaitReason.CONCURRENCY);
    }

    @Test
    void registrationsTakeNoDisruptionBudget() {
        Decision d = admit(RolloutAction.REGISTER, controls(3, 3, DisruptionBudget.ONE_AT_A_TIME),
                List.of(target("r-1", "prod"), target("r-2", "prod"), target("r-3", "prod")), List.of(),
                cluster("prod", "r", 3));

        assertThat(d.start()).containsExactly("r-1", "r-2", "r-3");
    }

    @Test
    void aDrainThatWouldStrandServiceTasksWaitsAndTheNextNodeMayGo() {
        ClusterLoad prod = new ClusterLoad("prod", List.of(
                instance("big", ContainerInstanceStatus.ACTIVE, 0, 0, service("t-big", 2048, 6144)),
                instance("small", ContainerInstanceStatus.ACTIVE, 2048, 4096, service("t-small", 256, 512)),
                instance("spare", ContainerInstanceStatus.ACTIVE, 1024, 2048)));

        Decision d = admit(RolloutAction.DEREGISTER, controls(2, 2, new DisruptionBudget(2, null)),
                List.of(target("big", "prod"), target("small", "prod")), List.of(), prod);

        assertThat(d.start()).containsExactly("small");
        assertThat(d.waits()).singleElement().satisfies(w -> {
            assertThat(w.reason()).isEqualTo(WaitReason.CAPACITY);
            assertThat(w.nodeId()).isEqualTo("big");
            assertThat(w.detail()).contains("would not fit");
        });
    }

    @Test
    void aClosedWindowOrCalendarStartsNothingAndSaysWhenItOpens() {
        MaintenanceWindow night = new MaintenanceWindow(Set.of(DayOfWeek.values()), LocalTime.of(22, 0),
                LocalTime.of(4, 0), ZoneOffset.UTC);
        RolloutControls inWindow = new RolloutControls(1, 1, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                DisruptionBudget.ONE_AT_A_TIME, true, List.of(night), null, 0, null, false);
        Decision d = admit(RolloutAction.DEREGISTER, inWindow, List.of(target("n-1", "prod")), List.of(),
                cluster("prod", "n", 3));
        assertThat(d.start()).isEmpty();
        assertThat(d.wakeAt()).isEqualTo(Instant.parse("2026-12-07T22:00:00Z"));
        assertThat(d.waits()).extracting(Admission.Wait::reason).containsExactly(WaitReason.WINDOW_CLOSED);

        RolloutControls withCalendar = new RolloutControls(1, 1, ErrorBudget.HALT_AT_FIRST_FAILURE, Duration.ZERO,
                DisruptionBudget.ONE_AT_A_TIME, true, List.of(), "prod-changes", 0, null, false);
        for (CalendarState closed : new CalendarState[] {CalendarState.CLOSED, null}) {
            Decision c = Admission.admit(new Situation(RolloutAction.DEREGISTER, withCalendar,
                    List.of(target("n-1", "prod")), List.of(), Map.of("prod", cluster("prod", "n", 3)), NOW, closed));
            assertThat(c.start()).isEmpty();
            assertThat(c.waits()).extracting(Admission.Wait::reason).containsExactly(WaitReason.CALENDAR_CLOSED);
        }
        Decision open = Admission.admit(new Situation(RolloutAction.DEREGISTER, withCalendar,
                List.of(target("n-1", "prod")), List.of(), Map.of("prod", cluster("prod", "n", 3)), NOW,
                CalendarState.OPEN));
        assertThat(open.start()).containsExactly("n-1");
    }

    @Test
    void aNodeEcsDoesNotListTakesNoBudget() {
        ClusterLoad prod = new ClusterLoad("prod", List.of(active("n-1"),
                instance("n-2", ContainerInstanceStatus.DRAINING, 0, 0)));

        Decision d = admit(RolloutAction.DEREGISTER, controls(2, 2, DisruptionBudget.ONE_AT_A_TIME),
                List.of(new RolloutTarget("leftover", "prod", Map.of(), "mi-gone", null), target("n-1", "prod")),
                List.of(), prod);

        assertThat(d.start()).containsExactly("leftover");
    }
}
