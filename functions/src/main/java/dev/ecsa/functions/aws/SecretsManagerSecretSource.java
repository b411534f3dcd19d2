package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshPrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * {@link SecretSource} on Secrets Manager (GetSecretValue). The key text goes into the returned record and nowhere
 * else: no exception built here carries any part of the response.
 */
public final class SecretsManagerSecretSource implements SecretSource {

    private final SecretsManagerClient secrets;

    public SecretsManagerSecretSource(SecretsManagerClient secrets) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * @throws NodeOperationException SECRET_UNAVAILABLE: retryable when AWS throttled or failed, permanent when the
     *     secret is missing, denied, or empty
     */
    @Override
    public SshPrivateKey sshPrivateKey(String secretId) {
        GetSecretValueResponse response;
        try {
            response = secrets.getSecretValue(r -> r.secretId(secretId));
        } catch (SdkException e) {
            NodeOperationException translated = AwsErrors.translate("Secrets Manager GetSecretValue", e);
            String message = "cannot read secret " + secretId + ": " + translated.detail();
            throw translated.retryable()
                    ? new RetryableException(Reason.SECRET_UNAVAILABLE, message, e)
                    : new PermanentException(Reason.SECRET_UNAVAILABLE, message, e);
        }
        String text = response.secretString();
        if (text == null && response.secretBinary() != null) {
            text = response.secretBinary().asString(StandardCharsets.UTF_8);
        }
        if (text == null || text.isBlank()) {
            throw new PermanentException(Reason.SECRET_UNAVAILABLE, "secret " + secretId + " has no value");
        }
        if (!text.contains("-----BEGIN ") || !text.contains("PRIVATE KEY-----")) {
            // The stack creates the secret with a random placeholder; nothing of its value is quoted here.
            throw new PermanentException(Reason.SECRET_UNAVAILABLE, "secret " + secretId
                    + " does not hold an SSH private key (no PEM or OpenSSH private key block): the key was never "
                    + "set; put it with aws secretsmanager put-secret-value --secret-id " + secretId
                    + " --secret-string file://<private key file>");
        }
        return new SshPrivateKey(secretId, text);
    }
}
