package dev.ecsa.core.port;

import java.time.Instant;
import java.util.Objects;

/**
 * An SSM hybrid activation as a listing shows it (never its code: SSM returns the code only once, at creation).
 *
 * @param nodeId             the activation's DefaultInstanceName (the node it was created for), or {@code null}
 * @param requestId          the request that created it (its {@code ecsa:requestId} tag), or {@code null}
 * @param expired            SSM's own {@code Expired} flag
 * @param registrationsCount how many instances registered with it (1 = used up, with RegistrationLimit 1)
 */
public record ActivationInfo(String activationId, String nodeId, String requestId, Instant createdAt,
                             Instant expiresAt, boolean expired, int registrationsCount, int registrationLimit) {

    public ActivationInfo {
        Objects.requireNonNull(activationId, "activationId");
    }

    /** Whether no further instance can register with it. */
    public boolean usedUp() {
        return registrationLimit > 0 && registrationsCount >= registrationLimit;
    }
}
