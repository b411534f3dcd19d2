package dev.ecsa.core.fleet;

import dev.ecsa.core.port.ClusterLoad;
import static dev.ecsa.core.fleet.FleetFixture.instance;
import static dev.ecsa.core.fleet.FleetFixture.service;
import static dev.ecsa.core.fleet.FleetFixture.standalone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.port.ContainerInstanceStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityCheckTest {

    private static final ContainerInstanceStatus ACTIVE = ContainerInstanceStatus.ACTIVE;

    @Test
    void serviceTasksThatFitOnTheRemainingInstancesLetTheDrainGo() {
        ClusterLoad load = new ClusterLoad("c", List.of(
                instance("a", ACTIVE, 0, 0, service("t1", 1024, 2048), service("t2", 1024, 2048)),
                instance("b", ACTIVE, 1024, 2048),
                instance("c", ACTIVE, 1024, 2048)));

        CapacityCheck.Verdict v = CapacityCheck.check(load, Set.of("arn:a"));

        assertThat(v.fits()).isTrue();
        assertThat(v.movingTasks()).isEqualTo(2);
        assertThat(v.receivers()).isEqualTo(2);
        assertThat(v.describe()).isEqualTo("2 service task(s) fit on 2 remaining instance(s)");
    }

    @Test
    void aTaskNoInstanceHasRoomForRefusesTheDrainEvenWhenTheTotalWouldSuffice() {
        // 2048 MiB free in all, but in two halves: a 2048 MiB task fits nowhere.
        ClusterLoad load = new ClusterLoad("c", List.of(
                instance("a", ACTIVE, 0, 0, service("big", 512, 2048)),
                instance("b", ACTIVE, 1024, 1024),
                instance("c", ACTIVE, 1024, 1024)));

        CapacityCheck.Verdict v = CapacityCheck.check(load, Set.of("arn:a"));

        assertThat(v.fits()).isFalse();
        assertThat(v.unplaced()).extracting(ClusterLoad.Task::arn).containsExactly("big");
        assertThat(v.describe()).contains("1 of 1 service task(s) would not fit").contains("service:web");
    }

    @Test
    void drainingAndDisconnectedInstancesReceiveNothing() {
        ClusterLoad.Instance disconnected = new ClusterLoad.Instance("arn:d", "mi-d", ACTIVE, false, 4096, 8192,
                4096, 8192, List.of());
        ClusterLoad load = new ClusterLoad("c", List.of(
                instance("a", ACTIVE, 0, 0, service("t1", 256, 512)),
                instance("b", ContainerInstanceStatus.DRAINING, 4096, 8192),
                disconnected));

        assertThat(CapacityCheck.check(load, Set.of("arn:a")).fits()).isFalse();
    }

    @Test
    void standaloneTasksAreReportedNotPlaced() {
        ClusterLoad load = new ClusterLoad("c", List.of(
                instance("a", ACTIVE, 0, 0, standalone("job", 4096, 8192)),
                instance("b", ACTIVE, 0, 0)));

        CapacityCheck.Verdict v = CapacityCheck.check(load, Set.of("arn:a"));

        assertThat(v.fits()).isTrue();
        assertThat(v.standalone()).extracting(ClusterLoad.Task::arn).containsExactly("job");
        assertThat(v.describe()).endsWith("1 standalone task(s) are not replaced");
    }

    @Test
    void twoDrainsTogetherNeedRoomForBoth() {
        ClusterLoad load = new ClusterLoad("c", List.of(
                instance("a", ACTIVE, 0, 0, service("t1", 1024, 2048)),
                instance("b", ACTIVE, 0, 0, service("t2", 1024, 2048)),
                instance("c", ACTIVE, 1024, 2048)));

        assertThat(CapacityCheck.check(load, Set.of("arn:a")).fits()).isTrue();
        assertThat(CapacityCheck.check(load, Set.of("arn:a", "arn:b")).fits()).isFalse();
    }
}
