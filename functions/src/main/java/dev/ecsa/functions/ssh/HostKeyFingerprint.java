package dev.ecsa.functions.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;

/**
 * OpenSSH host key fingerprints: {@code SHA256:} followed by the unpadded base64 of the SHA-256 digest of the key's
 * SSH wire encoding, exactly as {@code ssh-keygen -l} and {@code ssh} print them. Fingerprints are public data and
 * may appear in messages.
 */
public final class HostKeyFingerprint {

    /** The only fingerprint form the service accepts (MD5 fingerprints are ambiguous and obsolete). */
    public static final String PREFIX = "SHA256:";

    private static final int DIGEST_BYTES = 32;

    private HostKeyFingerprint() {
    }

    /** The fingerprint of a public key as SSHJ decoded it from the wire. */
    public static String of(PublicKey key) {
        return ofBlob(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

    /** The fingerprint of a public key blob in SSH wire encoding (the base64 part of an {@code authorized_keys} line). */
    public static String ofBlob(byte[] sshPublicKeyBlob) {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(sha256(sshPublicKeyBlob));
    }

    /**
     * The digest a fingerprint names.
     *
     * @throws IllegalArgumentException if the text is not {@code SHA256:} + base64 of 32 bytes (trailing {@code =}
     *     padding is tolerated, as some tools add it)
     */
    public static byte[] parse(String fingerprint) {
        if (fingerprint == null || !fingerprint.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a host key fingerprint must start with " + PREFIX);
        }
        String b64 = fingerprint.substring(PREFIX.length());
        while (b64.endsWith("=")) {
            b64 = b64.substring(0, b64.length() - 1);
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a host key fingerprint must be base64 after " + PREFIX);
        }
        // Re-encoding catches non-canonical text (stray low bits in the last character) that decodes "successfully".
        if (digest.length != DIGEST_BYTES || !Base64.getEncoder().withoutPadding().encodeToString(digest).equals(b64)) {
            throw new IllegalArgumentException("a host key fingerprint must encode a 32-byte SHA-256 digest");
        }
        return digest;
    }

    /** The canonical form of a fingerprint (padding removed). */
    public static String normalize(String fingerprint) {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(parse(fingerprint));
    }

    /** Whether two fingerprints name the same key; both must parse. */
    public static boolean matches(String expected, String observed) {
        return MessageDigest.isEqual(parse(expected), parse(observed));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
