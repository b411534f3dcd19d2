package dev.ecsa.core.fakes;

import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshPrivateKey;
import java.util.HashMap;
import java.util.Map;

/** SSH keys by secret id; an unknown id is SECRET_UNAVAILABLE, like a Secrets Manager lookup that fails. */
public final class InMemorySecretSource implements SecretSource {

    private final Map<String, String> keys = new HashMap<>();

    /** Stores a key under a secret id. */
    public synchronized InMemorySecretSource put(String secretId, String keyText) {
        keys.put(secretId, keyText);
        return this;
    }

    @Override
    public synchronized SshPrivateKey sshPrivateKey(String secretId) {
        String text = keys.get(secretId);
        if (text == null) {
            throw new RetryableException(Reason.SECRET_UNAVAILABLE, "secret " + secretId + " cannot be read");
        }
        return new SshPrivateKey(secretId, text);
    }
}
