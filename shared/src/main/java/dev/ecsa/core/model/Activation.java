package dev.ecsa.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A single-use SSM hybrid activation. The code is a secret: it goes to the host over SSH stdin and nowhere else,
 * so {@link #toString()} redacts it.
 */
public record Activation(String activationId, String code, Instant expiresAt) {

    public Activation {
        Objects.requireNonNull(activationId, "activationId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "Activation[activationId=" + activationId + ", code=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
