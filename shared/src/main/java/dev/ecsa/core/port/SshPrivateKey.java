package dev.ecsa.core.port;

import java.util.Objects;

/** An SSH private key in OpenSSH or PEM text form. A secret: {@link #toString()} redacts it. */
public record SshPrivateKey(String secretId, String keyText) {

    public SshPrivateKey {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(keyText, "keyText");
    }

    @Override
    public String toString() {
        return "SshPrivateKey[secretId=" + secretId + ", keyText=<redacted>]";
    }
}
