package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenPgpKeysTest {

    /** The fingerprint AWS documents for "Amazon ECS <ecs-security@amazon.com>"; gpg --show-keys agrees. */
    @Test
    void theShippedKeyIsAmazonEcsSigningKey() {
        assertThat(OpenPgpKeys.primaryFingerprint(OpenPgpKeys.shippedEcsSigningKey()))
                .isEqualTo("F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F");
    }

    @Test
    void textThatIsNoKeyBlockIsRefused() {
        assertThatThrownBy(() -> OpenPgpKeys.primaryFingerprint("hello")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenPgpKeys.primaryFingerprint(
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
