package dev.ecsa.functions.ssh;

import dev.ecsa.core.port.HostKeyPolicy;
import java.security.PublicKey;
import java.util.List;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * Applies a {@link HostKeyPolicy} during key exchange and remembers what the host presented, so the adapter can
 * report the observed fingerprint (to pin it) or name it in a HOST_KEY_CHANGED message.
 *
 * <p>SSHJ calls the verifier again on re-keying; from then on the key must equal the first one seen, whatever the
 * policy, so trust-on-first-use cannot be turned into "trust anything during the session".
 */
final class PolicyHostKeyVerifier implements HostKeyVerifier {

    private final HostKeyPolicy policy;
    private volatile String observed;
    private volatile boolean rejected;

    PolicyHostKeyVerifier(HostKeyPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        String fingerprint = HostKeyFingerprint.of(key);
        boolean ok;
        if (observed != null) {
            ok = HostKeyFingerprint.matches(observed, fingerprint);
        } else if (policy instanceof HostKeyPolicy.Expect expect) {
            ok = HostKeyFingerprint.matches(expect.fingerprint(), fingerprint);
        } else {
            ok = true;
        }
        if (observed == null) {
            observed = fingerprint;
        }
        if (!ok) {
            rejected = true;
        }
        return ok;
    }

    /** No algorithm preference: the fingerprint does not say which key type it belongs to. */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        return List.of();
    }

    /** The fingerprint of the first key the host presented, or null before key exchange. */
    String observed() {
        return observed;
    }

    /** Whether a presented key was refused. */
    boolean rejected() {
        return rejected;
    }
}
