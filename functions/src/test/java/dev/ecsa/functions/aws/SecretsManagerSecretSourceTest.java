package dev.ecsa.functions.aws;


import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.store.AwsFailures;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsManagerSecretSourceTest {

    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n"
            + "-----END OPENSSH PRIVATE KEY-----\n";

    private final Script script = new Script();
    private final SecretsManagerSecretSource source = new SecretsManagerSecretSource(new SecretsManagerClient() {
        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest r) {
            return script.answer(r);
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {
        }
    });

    @Test
    void readsTheKeyAndKeepsItOutOfToString() {
        script.thenReturn(GetSecretValueResponse.builder().secretString(KEY).build());

        SshPrivateKey key = source.sshPrivateKey("ecsa/ssh");

        assertThat(key.keyText()).isEqualTo(KEY);
        assertThat(key.secretId()).isEqualTo("ecsa/ssh");
        assertThat(key.toString()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAA");
        assertThat(script.requestsOf(GetSecretValueRequest.class).get(0).secretId()).isEqualTo("ecsa/ssh");
    }

    @Test
    void readsABinarySecretAsUtf8() {
        script.thenReturn(GetSecretValueResponse.builder().secretBinary(SdkBytes.fromUtf8String(KEY)).build());

        assertThat(source.sshPrivateKey("ecsa/ssh").keyText()).isEqualTo(KEY);
    }

    @Test
    void aMissingSecretIsPermanentlyUnavailable() {
        script.thenReturn(AwsFailures.error(ResourceNotFoundException.builder(), "ResourceNotFoundException", 400,
                "Secrets Manager can't find the specified secret."));

        assertThatThrownBy(() -> source.sshPrivateKey("ecsa/ssh")).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.SECRET_UNAVAILABLE));
    }

    @Test
    void aThrottledReadIsRetryablyUnavailable() {
        script.thenReturn(AwsFailures.error(SecretsManagerException.builder(), "ThrottlingException", 400, "slow"));

        assertThatThrownBy(() -> source.sshPrivateKey("ecsa/ssh")).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.SECRET_UNAVAILABLE));
    }

    @Test
    void anEmptySecretIsRefused() {
        script.thenReturn(GetSecretValueResponse.builder().secretString("  ").build());

        assertThatThrownBy(() -> source.sshPrivateKey("ecsa/ssh")).isInstanceOf(PermanentException.class);
    }

    /** The stack creates the secret with a random string: a first registration must say the key was never set. */
    @Test
    void aPlaceholderThatIsNoPrivateKeySaysTheKeyWasNeverSetWithoutQuotingIt() {
        script.thenReturn(GetSecretValueResponse.builder().secretString("Xq3-random-placeholder-9vT").build());

        assertThatThrownBy(() -> source.sshPrivateKey("ecsa/ssh")).isInstanceOfSatisfying(PermanentException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SECRET_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("never set").contains("put-secret-value")
                            .doesNotContain("Xq3-random-placeholder-9vT");
                });
    }
}
