package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.request.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One delivery of a registration request, as the parts of the registration share it: who and where, the time it has
 * left, the request's trail of steps, and the text rules for what the host says (bounded, the activation code
 * removed).
 *
 * <p><b>The trail is written at the points that need it.</b> Steps are kept here and written together, in one store
 * write, when a step that must be durable begins ({@link #durableStep}: the activation's creation, the bootstrap, the
 * verification, whose STARTED a redelivery or an operator must see) and with the outcome ({@link #finish}); a
 * retryable failure writes them before it is rethrown ({@link #flush}). A registration so costs about a third of the
 * store writes of one write per step event, and the finished trail holds every step.
 */
final class Delivery {

    private static final String REDACTED = "[REDACTED]";
    private static final int MAX_TEXT = 2000;

    final RegisterRequest request;
    final Attempt attempt;
    final String cluster;
    final String nodeId;
    final String requestId;
    private final Instant deadline;
    private final NodeStore store;
    private final Clock clock;
    private String secret = "";
    private final List<Step> pending = new ArrayList<>();

    Delivery(RegisterRequest request, Attempt attempt, String cluster, Instant deadline, NodeStore store,
             Clock clock) {
        this.request = request;
        this.attempt = attempt;
        this.cluster = cluster;
        this.nodeId = request.nodeId();
        this.requestId = request.requestId();
        this.deadline = deadline;
        this.store = store;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** From now on, host text recorded for this delivery has {@code code} removed. */
    void keepSecret(String code) {
        secret = code == null ? "" : code;
    }

    /** Runs {@code work} as a step of the trail; its result (SUCCEEDED with its detail, or FAILED) is kept. */
    <T> T step(String name, Supplier<T> work, Function<T, String> detail) {
        return run(name, work, detail, value -> null, false);
    }

    /**
     * Like {@link #step}, but writes the trail and the step's STARTED before the work begins: for work that a crash
     * may cut short and a redelivery must know about, or that an operator waits on.
     */
    <T> T durableStep(String name, Supplier<T> work, Function<T, String> detail) {
        return run(name, work, detail, value -> null, true);
    }

    /** A durable step about a resource its work creates: the success records the resource's id. */
    <T> T durableStep(String name, Supplier<T> work, Function<T, String> detail, Function<T, String> resourceId) {
        return run(name, work, detail, resourceId, true);
    }

    private <T> T run(String name, Supplier<T> work, Function<T, String> detail, Function<T, String> resourceId,
                      boolean durable) {
        Instant at = now();
        if (durable) {
            append(Step.started(name, at));
            flush();
        }
        T value;
        try {
            value = work.get();
        } catch (NodeOperationException e) {
            append(new Step(name, at, now(), StepResult.FAILED, scrub(e.reason() + ": " + e.detail())));
            throw e;
        }
        append(new Step(name, at, now(), StepResult.SUCCEEDED, scrub(detail.apply(value)), resourceId.apply(value)));
        return value;
    }

    /** Keeps a step for the next write of the trail. */
    void append(Step step) {
        pending.add(step);
    }

    /** Writes the steps kept so far (one store write; none if there are none). */
    void flush() {
        if (!pending.isEmpty()) {
            store.appendSteps(requestId, List.copyOf(pending));
            pending.clear();
        }
    }

    /** Completes the request with the steps kept so far, in one store write. */
    RequestRecord finish(Outcome outcome, Failure failure) {
        RequestRecord done = store.finishRequest(requestId, outcome, failure, List.copyOf(pending));
        pending.clear();
        return done;
    }

    /** What the budget has left of this delivery. */
    Duration remaining() {
        Duration d = Duration.between(now(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    void requireTime(Duration needed, String what) {
        if (remaining().compareTo(needed) < 0) {
            throw budgetExhausted(what);
        }
    }

    PermanentException budgetExhausted(String what) {
        return new PermanentException(Reason.TIMED_OUT, "the registration budget has " + remaining().toSeconds()
                + " s left, not enough for " + what);
    }

    /** The host's own account of a failed step, with its output's tail. */
    String hostFailure(BootstrapReport report) {
        return scrub("the host's " + (report.hostStep() == null ? "bootstrap" : report.hostStep())
                + " step failed with " + report.hostCode() + ": " + report.message()
                + tailNote("output", report.outputTail()));
    }

    String tailNote(String what, String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String t = text.strip();
        return "; " + what + " tail: " + (t.length() > MAX_TEXT / 2 ? t.substring(t.length() - MAX_TEXT / 2) : t);
    }

    /** Host text with the activation code removed (the host scrubs too; this is the second line) and bounded. */
    String scrub(String text) {
        String out = text == null ? "" : text;
        if (!secret.isEmpty()) {
            out = out.replace(secret, REDACTED);
        }
        return out.length() > MAX_TEXT ? out.substring(0, MAX_TEXT) + "..." : out;
    }
}
