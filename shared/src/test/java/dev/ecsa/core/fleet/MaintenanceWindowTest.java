package dev.ecsa.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaintenanceWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    // Friday 22:00 to Saturday 04:00, Berlin time.
    private static final MaintenanceWindow FRIDAY_NIGHT = new MaintenanceWindow(Set.of(DayOfWeek.FRIDAY),
            LocalTime.of(22, 0), LocalTime.of(4, 0), BERLIN);

    @Test
    void aWindowPastMidnightIsOpenUntilItsEndTheNextDay() {
        // 2026-12-04 is a Friday; Berlin is UTC+1 in December.
        assertThat(FRIDAY_NIGHT.isOpen(Instant.parse("2026-12-04T20:59:59Z"))).isFalse();
        assertThat(FRIDAY_NIGHT.isOpen(Instant.parse("2026-12-04T21:00:00Z"))).isTrue();
        assertThat(FRIDAY_NIGHT.isOpen(Instant.parse("2026-12-05T02:59:59Z"))).as("Saturday 03:59").isTrue();
        assertThat(FRIDAY_NIGHT.isOpen(Instant.parse("2026-12-05T03:00:00Z"))).as("Saturday 04:00").isFalse();
        assertThat(FRIDAY_NIGHT.closesAt(Instant.parse("2026-12-05T01:00:00Z")))
                .hasValue(Instant.parse("2026-12-05T03:00:00Z"));
    }

    @Test
    void theNextOpeningIsTheNextOccurrenceNotYetEnded() {
        assertThat(FRIDAY_NIGHT.nextOpen(Instant.parse("2026-12-05T03:00:00Z")))
                .as("just after Saturday 04:00: next Friday").hasValue(Instant.parse("2026-12-11T21:00:00Z"));
        assertThat(FRIDAY_NIGHT.nextOpen(Instant.parse("2026-12-05T01:00:00Z")))
                .as("while open: the current occurrence's start").hasValue(Instant.parse("2026-12-04T21:00:00Z"));
        assertThat(FRIDAY_NIGHT.nextOpen(Instant.parse("2026-12-07T10:00:00Z")))
                .hasValue(Instant.parse("2026-12-11T21:00:00Z"));
    }

    @Test
    void localTimesFollowTheZonesClockChanges() {
        MaintenanceWindow sundayMorning = new MaintenanceWindow(Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0),
                LocalTime.of(5, 0), BERLIN);
        // 2027-03-28: Berlin goes from 02:00 CET to 03:00 CEST; 01:00 CET is 00:00Z, 05:00 CEST is 03:00Z.
        assertThat(sundayMorning.nextOpen(Instant.parse("2027-03-27T12:00:00Z")))
                .hasValue(Instant.parse("2027-03-28T00:00:00Z"));
        assertThat(sundayMorning.isOpen(Instant.parse("2027-03-28T02:59:00Z"))).isTrue();
        assertThat(sundayMorning.isOpen(Instant.parse("2027-03-28T03:00:00Z"))).isFalse();
    }

    @Test
    void startEqualToEndIsTheWholeDay() {
        MaintenanceWindow allMonday = new MaintenanceWindow(Set.of(DayOfWeek.MONDAY), LocalTime.MIDNIGHT,
                LocalTime.MIDNIGHT, ZoneId.of("UTC"));
        assertThat(allMonday.isOpen(Instant.parse("2026-12-07T00:00:00Z"))).isTrue();
        assertThat(allMonday.isOpen(Instant.parse("2026-12-07T23:59:59Z"))).isTrue();
        assertThat(allMonday.isOpen(Instant.parse("2026-12-08T00:00:00Z"))).isFalse();
        assertThat(allMonday.length().toHours()).isEqualTo(24);
    }

    @Test
    void aWindowNeedsADay() {
        assertThatThrownBy(() -> new MaintenanceWindow(Set.of(), LocalTime.NOON, LocalTime.MIDNIGHT, BERLIN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
