package dev.ecsa.core.port;

import java.util.Objects;

/** How the SSH client decides whether to trust the host's key (README, "Security": host trust). */
public sealed interface HostKeyPolicy {

    /** Accept only a host key with this fingerprint ({@code SHA256:…}); anything else is HOST_KEY_CHANGED. */
    record Expect(String fingerprint) implements HostKeyPolicy {
        public Expect {
            Objects.requireNonNull(fingerprint, "fingerprint");
        }
    }

    /** Trust whatever key the host presents this once; the caller pins the observed fingerprint. */
    record PinOnFirstUse() implements HostKeyPolicy {
    }

    /** The policy for a node: its pinned (or requested) fingerprint if any, else trust on first use. */
    static HostKeyPolicy forFingerprint(String fingerprintOrNull) {
        return fingerprintOrNull == null ? new PinOnFirstUse() : new Expect(fingerprintOrNull);
    }
}
