package dev.ecsa.core.port;

import java.util.Objects;

/**
 * What a remote script run produced.
 *
 * @param stdoutTail                 the last part of stdout (bounded by the adapter), where the result line is
 * @param stderrTail                 the last part of stderr, for diagnosis
 * @param observedHostKeyFingerprint the fingerprint of the key the host presented ({@code SHA256:…}), to pin
 */
public record ScriptResult(int exitCode, String stdoutTail, String stderrTail, String observedHostKeyFingerprint) {

    public ScriptResult {
        stdoutTail = stdoutTail == null ? "" : stdoutTail;
        stderrTail = stderrTail == null ? "" : stderrTail;
        Objects.requireNonNull(observedHostKeyFingerprint, "observedHostKeyFingerprint");
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
