package dev.ecsa.core.deregister;

import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.NodeStore;
import java.time.Clock;
import java.time.Instant;

/**
 * Writes the workflow's steps into the request record. A step is identified by its name: a Task that Step Functions
 * re-runs after a retry (or a CheckDrain that runs every poll) replaces its step instead of adding another, so the
 * record stays one line per step and bounded in size however long the drain takes.
 */
final class RequestJournal {

    /** Longest detail written to a step; the record is a DynamoDB item (400 KB) shown to people. */
    static final int MAX_DETAIL = 2000;

    private final NodeStore store;
    private final Clock clock;

    RequestJournal(NodeStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records (or replaces) the step {@code name} as ended now with {@code result}. */
    RequestRecord record(String requestId, String name, StepResult result, String detail) {
        Instant now = clock.instant();
        Instant startedAt = existing(requestId, name).map(Step::startedAt).orElse(now);
        return store.appendStep(requestId, new Step(name, startedAt, now, result, bounded(detail)));
    }

    /** Whether the request's outcome is recorded (a replay of a step that ran after that finds nothing left to do). */
    boolean finished(String requestId) {
        return store.getRequest(requestId).filter(RequestRecord::completed).isPresent();
    }

    /** Whether the request record holds a step of this name with this result. */
    boolean has(String requestId, String name, StepResult result) {
        return existing(requestId, name).filter(s -> s.result() == result).isPresent();
    }

    /** How many steps of the record have a name starting with {@code prefix}. */
    long count(String requestId, String prefix) {
        return store.getRequest(requestId).map(r -> r.steps().stream().filter(s -> s.name().startsWith(prefix))
                .count()).orElse(0L);
    }

    private java.util.Optional<Step> existing(String requestId, String name) {
        return store.getRequest(requestId)
                .flatMap(r -> r.steps().stream().filter(s -> s.name().equals(name)).findFirst());
    }

    private static String bounded(String detail) {
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
    }
}
