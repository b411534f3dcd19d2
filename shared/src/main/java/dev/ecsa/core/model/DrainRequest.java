package dev.ecsa.core.model;

import java.time.Duration;
import java.util.Optional;

/** A request that starts with a drain of the node (deregister, upgrade): it may set the drain's deadline and policy. */
public sealed interface DrainRequest extends NodeRequest permits DeregisterRequest, UpgradeRequest {

    /** How long the drain may take, or {@code null} for the stack's default. */
    Integer drainTimeoutSeconds();

    /** What happens at the deadline, or {@code null} for the stack's default. */
    TimeoutPolicy onTimeout();

    /** The host key the session must see instead of the pinned one, or {@code null}. */
    String hostKeyFingerprint();

    /** The drain timeout the request asked for, if any. */
    default Optional<Duration> drainTimeout() {
        return Optional.ofNullable(drainTimeoutSeconds()).map(Duration::ofSeconds);
    }

    /** The timeout policy the request asked for, if any. */
    default Optional<TimeoutPolicy> timeoutPolicy() {
        return Optional.ofNullable(onTimeout());
    }
}
