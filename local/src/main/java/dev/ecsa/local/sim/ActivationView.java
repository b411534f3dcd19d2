package dev.ecsa.local.sim;

import java.time.Instant;

/** A snapshot of one simulated SSM activation that was not deleted (never its code). */
public record ActivationView(String activationId, String defaultInstanceName, Instant expirationDate,
                             int registrationsCount) {
}
