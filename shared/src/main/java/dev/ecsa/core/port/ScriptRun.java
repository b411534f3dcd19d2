package dev.ecsa.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * One remote script execution: the script goes over stdin to {@code command} (by default {@code sudo -n bash -s}),
 * so it never appears in a process list or shell history. The script can carry the activation code, so
 * {@link #toString()} shows neither it nor the key.
 *
 * @param connectTimeout time allowed for TCP connect, key exchange and authentication
 * @param commandTimeout time allowed for the command to finish once started
 */
public record ScriptRun(SshTarget target, HostKeyPolicy hostKeyPolicy, SshPrivateKey key, String command,
                        String script, Duration connectTimeout, Duration commandTimeout) {

    /** Runs the stdin script as root without a password prompt (a prompt would hang; -n makes it fail instead). */
    public static final String DEFAULT_COMMAND = "sudo -n bash -s";

    public ScriptRun {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
    }

    @Override
    public String toString() {
        return "ScriptRun[target=" + target + ", hostKeyPolicy=" + hostKeyPolicy + ", key=" + key.secretId()
                + ", command=" + command + ", script=<" + script.length() + " chars, redacted>, connectTimeout="
                + connectTimeout + ", commandTimeout=" + commandTimeout + "]";
    }
}
