package dev.ecsa.functions.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JdkKeysTest {

    private static String pkcs8Pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void theEcPublicKeyIsDerivedFromAJdkEncodedPrivateKey(String curve) throws Exception {
        for (int i = 0; i < 8; i++) { // both roots of y occur among a few keys
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            KeyPair pair = g.generateKeyPair();
            KeyPair read = JdkKeys.fromPkcs8(pkcs8Pem(pair)).orElseThrow();
            assertThat(read.getPublic()).isEqualTo(pair.getPublic());
            assertThat(read.getPrivate()).isEqualTo(pair.getPrivate());
        }
    }

    @Test
    void theRsaPublicKeyComesFromTheCrtForm() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        assertThat(JdkKeys.fromPkcs8(pkcs8Pem(pair)).orElseThrow().getPublic()).isEqualTo(pair.getPublic());
    }

    @Test
    void textThatIsNoPkcs8KeyGivesNothing() {
        assertThat(JdkKeys.fromPkcs8("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----"))
                .isEmpty();
        assertThat(JdkKeys.fromPkcs8("-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----")).isEmpty();
        assertThat(JdkKeys.fromPkcs8("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")).isEmpty();
    }

    @Test
    void sshjsEcdsaKeyFactoryNameResolvesToTheJdks() throws Exception {
        JdkKeys.install();
        JdkKeys.install();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        KeyFactory ecdsa = KeyFactory.getInstance("ECDSA");
        assertThat(ecdsa.getProvider().getName()).isEqualTo("ecsa-jdk-key-names");
        assertThat(ecdsa.generatePublic(new java.security.spec.X509EncodedKeySpec(pair.getPublic().getEncoded())))
                .isEqualTo(pair.getPublic());
    }
}
