package dev.ecsa.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import picocli.CommandLine;

/** Short human renderings of durations and ages ("850ms", "12.4s", "3m05s", "2h10m", "4d3h"). */
final class Durations {

    private Durations() {
    }

    static String age(Instant since, Instant now) {
        if (since == null) {
            return null;
        }
        Duration d = Duration.between(since, now);
        return coarse(d.isNegative() ? Duration.ZERO : d);
    }

    /** Whole units, for ages: "0s", "42s", "3m", "2h", "4d". */
    static String coarse(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 86_400) {
            return (s / 3600) + "h";
        }
        return (s / 86_400) + "d";
    }

    /** Precise, for step timings: "850ms", "12.4s", "3m05s", "2h10m". */
    static String precise(Duration d) {
        if (d == null) {
            return null;
        }
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format("%d.%ds", ms / 1000, (ms % 1000) / 100);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** "90s", "10m", "1h", "2h30m" or a number of seconds; {@code option} names the option in the error. */
    static Duration parse(String text, String option) {
        Duration d = read(text);
        if (d == null) {
            throw CliException.usage(option + " takes a duration such as 90s, 10m or 1h, not '" + text + "'");
        }
        return d;
    }

    /**
     * The converter of the CLI's time-span options declared as {@link Duration} ({@code --timeout} of watch,
     * {@code --confirm-timeout}, {@code --drain-timeout}, ...): what {@link #parse} reads; picocli names the option.
     */
    static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = read(value);
            if (d == null) {
                throw new CommandLine.TypeConversionException("takes a duration such as 90s, 10m or 1h (a bare "
                        + "number is seconds), not '" + value + "'");
            }
            return d;
        }
    }

    /** The duration {@code text} says, or {@code null} when it says none. */
    private static Duration read(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (t.matches("(\\d{1,6}h)?(\\d{1,6}m)?(\\d{1,9}s)?") && !t.isEmpty()) {
            return Duration.parse("PT" + t.toUpperCase(Locale.ROOT));
        }
        return null;
    }

    /** An instant as text shows it: to the second ({@code 2026-12-07T14:01:05Z}); JSON keeps the recorded precision. */
    static String instant(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String between(Instant from, Instant to) {
        return from == null || to == null ? null : precise(Duration.between(from, to));
    }
}
