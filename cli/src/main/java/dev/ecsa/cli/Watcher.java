package dev.ecsa.cli;

import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows one request by polling its record: prints each step when it appears and again whenever it changes (ends,
 * or a repeated check reports anew), then the outcome. A request that is not recorded yet (its message still queued) is waited for, up to a bound.
 */
final class Watcher {

    /** How long a request may stay unrecorded before watch says it does not exist. */
    static final Duration NOT_RECORDED_YET = Duration.ofSeconds(60);

    private final Connections connections;
    private final PrintWriter out;
    private final Clock clock;
    private final Duration interval;
    private final Duration timeout;
    private final Duration notFoundAfter;
    private final boolean json;

    Watcher(Connections connections, PrintWriter out, Clock clock, Duration interval, Duration timeout,
            Duration notFoundAfter, boolean json) {
        this.connections = connections;
        this.out = out;
        this.clock = clock;
        this.interval = interval;
        this.timeout = timeout;
        this.notFoundAfter = notFoundAfter;
        this.json = json;
    }

    /** Watches until the request ends; returns the exit code ({@link ExitCodes}). */
    int watch(String requestId) throws InterruptedException {
        Instant start = clock.instant();
        Map<String, String> printed = new HashMap<>();
        boolean headerPrinted = false;
        while (true) {
            Optional<RequestRecord> found = connections.call("GetItem " + requestId,
                    () -> connections.store().getRequest(requestId));
            Duration elapsed = Duration.between(start, clock.instant());
            if (found.isEmpty()) {
                if (elapsed.compareTo(notFoundAfter) >= 0) {
                    throw CliException.notFound("no request " + requestId + " is recorded (waited "
                            + Durations.precise(elapsed) + "): check the id; a request that was sent but never "
                            + "recorded may be in the dead-letter queue");
                }
            } else {
                RequestRecord r = found.get();
                if (!headerPrinted && !json) {
                    out.printf("request %s: %s %s (by %s)%n", r.requestId(), r.action().wireName(), r.nodeId(),
                            r.requestedBy().isEmpty() ? "-" : r.requestedBy());
                    headerPrinted = true;
                }
                for (Step s : r.steps()) {
                    String key = s.name() + "@" + s.startedAt();
                    // A step that is replayed in place (CheckDrain's "check N") changes its detail: print each one.
                    String seen = s.result() + "|" + s.detail() + "|" + s.endedAt();
                    if (!seen.equals(printed.get(key))) {
                        printed.put(key, seen);
                        out.println(json ? Views.write(Views.stepJson(r.requestId(), s), false)
                                : "  " + Views.stepLine(r.receivedAt(), s));
                    }
                }
                out.flush();
                if (r.completed()) {
                    if (json) {
                        out.println(Views.write(Views.requestJson(r), false));
                    } else {
                        out.printf("%s: %s%s (took %s)%n", r.requestId(), r.outcome(),
                                r.failure() == null ? "" : " " + r.failure().reason() + ": " + r.failure().message(),
                                Durations.between(r.receivedAt(), r.finishedAt()));
                    }
                    out.flush();
                    return r.outcome().success() ? ExitCodes.OK : ExitCodes.REQUEST_FAILED;
                }
            }
            if (elapsed.compareTo(timeout) >= 0) {
                out.flush();
                throw new CliException(ExitCodes.WATCH_TIMED_OUT, "request " + requestId
                        + " has not ended after " + Durations.precise(elapsed) + "; it goes on without the watch");
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
