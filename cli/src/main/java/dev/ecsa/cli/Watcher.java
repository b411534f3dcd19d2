package dev.ecsa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.request.NodeGuard;
import dev.ecsa.store.Json;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows one request by polling its record: prints each step when it appears and again whenever it changes (ends,
 * or a repeated check reports anew), then the outcome. Text lines are compact: ARNs shortened to their ids, a drain
 * check that is still waiting shown as WAITING (not the check's own SUCCEEDED), and each redelivery of the message
 * announced as "attempt N/M". On a terminal a live line shows the running step's elapsed time, and Ctrl-C says the
 * request goes on and how to follow it again. A request that is not recorded yet (its message still queued) is
 * waited for, up to a bound.
 */
final class Watcher {

    /** How long a request may stay unrecorded before watch says it does not exist. */
    static final Duration NOT_RECORDED_YET = Duration.ofSeconds(60);

    private final Connections connections;
    private final Printer printer;
    private final Clock clock;
    private final Duration interval;
    private final Duration timeout;
    private final Duration notFoundAfter;
    private final boolean live;

    /** @param live whether to keep a live status line (a terminal that understands carriage returns) */
    Watcher(Connections connections, Printer printer, Clock clock, Duration interval, Duration timeout,
            Duration notFoundAfter, boolean live) {
        this.connections = connections;
        this.printer = printer;
        this.clock = clock;
        this.interval = interval;
        this.timeout = timeout;
        this.notFoundAfter = notFoundAfter;
        this.live = live && !printer.structured();
    }

    /** Watches until the request ends; returns the exit code ({@link ExitCodes}). */
    int watch(String requestId) throws InterruptedException {
        Thread hint = new Thread(() -> System.err.printf("%necsa: stopped watching; request %s goes on. Follow it "
                + "again with: ecsa watch %s%n", requestId, requestId), "ecsa-watch-interrupted");
        boolean hooked = addHook(hint);
        try {
            return follow(requestId);
        } finally {
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hint);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C arrived: the hint is printing.
                }
            }
        }
    }

    private static boolean addHook(Thread hint) {
        try {
            Runtime.getRuntime().addShutdownHook(hint);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    private int follow(String requestId) throws InterruptedException {
        PrintWriter out = printer.out();
        Instant start = clock.instant();
        Map<String, String> printed = new HashMap<>();
        // Per replayed step, the detail of the check that first said what the latest one says (see unchangedSince).
        Map<String, String> saidFirst = new HashMap<>();
        boolean headerPrinted = false;
        boolean liveShown = false;
        int deliveries = 0;
        Integer maxDeliveries = null;
        while (true) {
            Optional<RequestRecord> found = connections.call("GetItem " + requestId,
                    () -> connections.store().getRequest(requestId));
            Duration elapsed = Duration.between(start, clock.instant());
            if (liveShown) {
                out.print("\r\u001b[K");
                liveShown = false;
            }
            if (found.isEmpty()) {
                if (elapsed.compareTo(notFoundAfter) >= 0) {
                    out.flush();
                    throw CliException.notFound("no request " + requestId + " is recorded (waited "
                            + Durations.precise(elapsed) + "): check the id; a request that was sent but never "
                            + "recorded may be in the dead-letter queue");
                }
                if (live) {
                    out.print(printer.dim("  queued, not picked up yet " + Durations.precise(elapsed)));
                    liveShown = true;
                }
            } else {
                RequestRecord r = found.get();
                if (!headerPrinted && !printer.structured()) {
                    out.printf("request %s: %s %s (by %s)%n", r.requestId(), r.action().wireName(), r.nodeId(),
                            r.requestedBy().isEmpty() ? "-" : r.requestedBy());
                    headerPrinted = true;
                }
                int seenDeliveries = 0;
                Step running = null;
                for (Step s : r.steps()) {
                    if (s.name().equals(NodeGuard.STEP)) {
                        seenDeliveries++;
                    }
                    if (s.endedAt() == null) {
                        running = s;
                    }
                    String key = s.name() + "@" + s.startedAt();
                    // A step that is replayed in place (CheckDrain's "check N") changes its detail: print each one.
                    String seen = s.result() + "|" + s.detail() + "|" + s.endedAt();
                    if (seen.equals(printed.get(key))) {
                        continue;
                    }
                    printed.put(key, seen);
                    if (printer.structured()) {
                        printer.streamed(Views.stepJson(r.requestId(), s));
                        continue;
                    }
                    if (seenDeliveries > 1 && seenDeliveries > deliveries) {
                        if (maxDeliveries == null) {
                            maxDeliveries = maxReceiveCount();
                        }
                        out.printf("  attempt %d%s (the message was delivered again)%n", seenDeliveries,
                                maxDeliveries > 0 ? "/" + maxDeliveries : "");
                    }
                    deliveries = Math.max(deliveries, seenDeliveries);
                    Step shown = Views.unchangedSince(saidFirst.get(key), s);
                    if (shown == s) {
                        saidFirst.put(key, s.detail());
                    }
                    out.println("  " + Views.stepLine(r.receivedAt(), shown));
                }
                out.flush();
                if (r.completed()) {
                    if (printer.structured()) {
                        printer.streamed(Views.endJson(r));
                    } else {
                        out.printf("%s: %s%s (took %s)%n", r.requestId(), printer.state(r.outcome().name()),
                                r.failure() == null ? "" : " " + r.failure().reason() + ": "
                                        + Views.compact(r.failure().message()),
                                Durations.between(r.receivedAt(), r.finishedAt()));
                    }
                    out.flush();
                    return r.outcome().success() ? ExitCodes.OK : ExitCodes.REQUEST_FAILED;
                }
                if (live) {
                    String what = running != null ? running.name() + " running "
                            + Durations.between(running.startedAt(), clock.instant())
                            : "waiting for the next step";
                    out.print(printer.dim("  … " + what + " (" + Durations.precise(elapsed) + " watching)"));
                    liveShown = true;
                }
            }
            if (elapsed.compareTo(timeout) >= 0) {
                if (liveShown) {
                    out.println();
                }
                out.flush();
                throw new CliException(ExitCodes.WATCH_TIMED_OUT, "request " + requestId
                        + " has not ended after " + Durations.precise(elapsed) + "; it goes on without the watch. "
                        + "Follow it again with: ecsa watch " + requestId);
            }
            out.flush();
            Thread.sleep(interval.toMillis());
        }
    }

    /** The queue's maxReceiveCount (its redrive policy), or 0 when it cannot be read. */
    private int maxReceiveCount() {
        try {
            String policy = connections.call("GetQueueAttributes", () -> connections.sqs().getQueueAttributes(b -> b
                    .queueUrl(connections.backend().queueUrl())
                    .attributeNamesWithStrings("RedrivePolicy")).attributesAsStrings().get("RedrivePolicy"));
            return policy == null ? 0 : Json.mapper().readTree(policy).path("maxReceiveCount").asInt(0);
        } catch (RuntimeException | JsonProcessingException e) {
            return 0; // only a label: the watch goes on without it
        }
    }
}
