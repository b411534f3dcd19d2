package dev.ecsa.functions.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostKeyFingerprintTest {

    // Known answers: public keys and the fingerprints `ssh-keygen -l -E sha256 -f key.pub` printed for them.
    private static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIFBmToJsaPr8rC6EE2LkXDFmG6z7RFWJU4JS2VkP8UxP";
    private static final String ED25519_FP = "SHA256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb78";
    private static final String ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMOED6NVEQeXyN587bDeq4S42Yi0f3zq"
            + "EtLJF3WziQ5KqycCQmP3BbdRodxCD8vdJuPLkr8VxyIrsm6hg/jBL6Q=";
    private static final String ECDSA_FP = "SHA256:gH5PAb0mVp+lw/VxLY59CZqN2SR/eDtmz8mKYg7uM9U";
    private static final String RSA = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC1e/GtXHJ1oPrekwdO3iC3ubytL9rWuU0Y44eLR3I0d1Vz3Ypz"
            + "FIIledhfAIBEPVEv6n362nIjun6NvpFb3sLXVPE2UB5FfP+TNzTxZTVcTlPaQdWM+8hRP94V/oRvTpl2lxotwEuLo6B92rRTki1zVB9TFW"
            + "4TZ5jbkOb7FiL14dMTij22rmrnJF02L6ymp2UmqaSNyMf3Z7vZBGenYxr2jEa2qt35hv1RXP5o7ovJOAyFCfO6T8E/NtoKpwyQS3sGqjM5"
            + "WOL3iAqQzVY+/5oHm1Uib48vUaC89fG72ERdnMq4kgqUIs1NMS9dF/ySeubtK+zuYsmqb6MZb622qsvT";
    private static final String RSA_FP = "SHA256:fTAMkDTrNRYDsflmBbFaoEWKEC3JhDrH/aZhIJQdr30";

    @Test
    void fingerprintOfABlobIsWhatSshKeygenPrints() {
        assertThat(HostKeyFingerprint.ofBlob(Base64.getDecoder().decode(ED25519))).isEqualTo(ED25519_FP);
        assertThat(HostKeyFingerprint.ofBlob(Base64.getDecoder().decode(ECDSA))).isEqualTo(ECDSA_FP);
        assertThat(HostKeyFingerprint.ofBlob(Base64.getDecoder().decode(RSA))).isEqualTo(RSA_FP);
    }

    @ParameterizedTest
    @CsvSource({ED25519 + "," + ED25519_FP, ECDSA + "," + ECDSA_FP, RSA + "," + RSA_FP})
    void fingerprintOfADecodedKeyIsWhatSshKeygenPrints(String blob, String fingerprint) throws Exception {
        // The verifier sees java.security keys decoded by SSHJ; re-encoding them must give the same bytes back.
        PublicKey key = new Buffer.PlainBuffer(Base64.getDecoder().decode(blob)).readPublicKey();
        assertThat(HostKeyFingerprint.of(key)).isEqualTo(fingerprint);
    }

    @Test
    void parsesAndComparesByDigest() {
        assertThat(HostKeyFingerprint.parse(ED25519_FP)).hasSize(32);
        assertThat(HostKeyFingerprint.matches(ED25519_FP, ED25519_FP + "=")).isTrue();
        assertThat(HostKeyFingerprint.matches(ED25519_FP, ECDSA_FP)).isFalse();
        assertThat(HostKeyFingerprint.normalize(RSA_FP + "=")).isEqualTo(RSA_FP);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb78",          // no prefix
            "sha256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb78",   // OpenSSH writes the prefix in upper case
            "MD5:7f:ee:c0:a0:92:85:a6:a1:72:e7:a6:74:07:d3:ed:46",  // obsolete form
            "SHA256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb7",    // 31 bytes and a bit
            "SHA256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb78AAAA", // too long
            "SHA256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb79",   // stray low bits in the last character
            "SHA256:8XhHf+Nhgfsy0GsAnPCOBk0Cp+qY9qoXdL6IL6NVb7*",   // not base64
            "SHA256:8XhHf-Nhgfsy0GsAnPCOBk0Cp-qY9qoXdL6IL6NVb78"})  // URL-safe alphabet is not OpenSSH's
    void rejectsAnythingButOpenSshSha256Form(String text) {
        assertThatThrownBy(() -> HostKeyFingerprint.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> HostKeyFingerprint.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
