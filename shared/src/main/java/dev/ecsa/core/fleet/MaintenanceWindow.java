package dev.ecsa.core.fleet;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a rollout may start work on nodes: on {@code days}, from {@code start} to {@code end} local time in
 * {@code zone}. A window whose end is not after its start runs past midnight into the next day (22:00-04:00 on Friday
 * is Friday 22:00 to Saturday 04:00); start equal to end is the whole day. Local times follow the zone's rules: a
 * window opening in a daylight-saving gap opens when the clock jumps.
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

    public MaintenanceWindow {
        Objects.requireNonNull(days, "days");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(zone, "zone");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("a maintenance window needs at least one day");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** Whether the window is open at {@code at}. */
    public boolean isOpen(Instant at) {
        return opening(at).filter(o -> !o.isAfter(at)).isPresent();
    }

    /**
     * The start of the window's occurrence that is open at {@code at} or opens next after it (within a week and a day),
     * or empty if none does (which a valid window never is).
     */
    public Optional<Instant> nextOpen(Instant at) {
        return opening(at);
    }

    /** The end of the occurrence open at {@code at}, if one is. */
    public Optional<Instant> closesAt(Instant at) {
        LocalDate today = at.atZone(zone).toLocalDate();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today); day = day.plusDays(1)) {
            Instant open = startOn(day);
            Instant close = endOf(day);
            if (days.contains(day.getDayOfWeek()) && !open.isAfter(at) && at.isBefore(close)) {
                return Optional.of(close);
            }
        }
        return Optional.empty();
    }

    private Optional<Instant> opening(Instant at) {
        LocalDate today = at.atZone(zone).toLocalDate();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(8)); day = day.plusDays(1)) {
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant open = startOn(day);
            if (at.isBefore(endOf(day))) {
                return Optional.of(open);
            }
        }
        return Optional.empty();
    }

    private Instant startOn(LocalDate day) {
        return ZonedDateTime.of(day, start, zone).toInstant();
    }

    private Instant endOf(LocalDate day) {
        LocalDate endDay = end.isAfter(start) ? day : day.plusDays(1);
        return ZonedDateTime.of(endDay, end, zone).toInstant();
    }

    /** How long an occurrence lasts on a day without a clock change. */
    public Duration length() {
        Duration d = Duration.between(start, end);
        return d.isNegative() || d.isZero() ? d.plusDays(1) : d;
    }

    @Override
    public String toString() {
        return days.stream().sorted().map(d -> d.name().substring(0, 3)).reduce((a, b) -> a + "," + b).orElse("")
                + " " + start + "-" + end + " " + zone;
    }
}
