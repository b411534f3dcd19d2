package dev.ecsa.core.port;

/** Where secrets come from (Secrets Manager in AWS). */
public interface SecretSource {

    /**
     * The SSH private key stored under this secret id. Read-only.
     *
     * @throws dev.ecsa.core.error.NodeOperationException SECRET_UNAVAILABLE if it cannot be read
     */
    SshPrivateKey sshPrivateKey(String secretId);
}
