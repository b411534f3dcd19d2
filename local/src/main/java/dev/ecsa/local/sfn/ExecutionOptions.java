package dev.ecsa.local.sfn;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How the local interpreter shortens time for one execution. Null or absent means "as the definition says".
 *
 * @param allWaits         every Wait state pauses this long instead of its Seconds/SecondsPath/Timestamp
 * @param waits            per Wait state name, overriding {@code allWaits}
 * @param allRetryIntervals every Retry pause of every state lasts this long instead of IntervalSeconds × backoff
 * @param retryIntervals   per state name, overriding {@code allRetryIntervals}
 */
public record ExecutionOptions(Duration allWaits, Map<String, Duration> waits, Duration allRetryIntervals,
                               Map<String, Duration> retryIntervals) {

    /** Times as the definition says. */
    public static final ExecutionOptions AS_DEFINED = new ExecutionOptions(null, Map.of(), null, Map.of());

    public ExecutionOptions {
        waits = Map.copyOf(waits == null ? Map.of() : waits);
        retryIntervals = Map.copyOf(retryIntervals == null ? Map.of() : retryIntervals);
    }

    /** Every Wait and every Retry pause shortened to the given durations (the usual choice for tests). */
    public static ExecutionOptions fast(Duration waits, Duration retryIntervals) {
        return new ExecutionOptions(waits, Map.of(), retryIntervals, Map.of());
    }

    public ExecutionOptions withWait(String waitState, Duration duration) {
        Map<String, Duration> copy = new HashMap<>(waits);
        copy.put(waitState, duration);
        return new ExecutionOptions(allWaits, copy, allRetryIntervals, retryIntervals);
    }

    public ExecutionOptions withRetryInterval(String state, Duration duration) {
        Map<String, Duration> copy = new HashMap<>(retryIntervals);
        copy.put(state, duration);
        return new ExecutionOptions(allWaits, waits, allRetryIntervals, copy);
    }
}
