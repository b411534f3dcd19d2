package dev.ecsa.functions.host;

import java.util.Objects;

/**
 * A value for one {@code @@NAME@@} placeholder of a host script, with how it may be embedded.
 *
 * <p>{@link Kind#PLAIN} and {@link Kind#SECRET} values are embedded verbatim between single quotes, so they
 * must be single-line text without a single quote or any control character. {@link Kind#MULTILINE} values
 * (an armored public key) are embedded base64-encoded and decoded on the host with {@code base64 -d}.
 * A {@link Kind#SECRET} value never appears in {@link #toString()} or in any exception message.
 *
 * @param value the text; never null (use the empty string for "not set")
 * @param kind how the value is validated and embedded
 */
public record ScriptValue(String value, Kind kind) {

    /** How a value is validated and embedded into the script. */
    public enum Kind {
        /** Single-line text, embedded single-quoted. */
        PLAIN,
        /** Like {@link #PLAIN}, but never shown in logs, exceptions or {@code toString}. */
        SECRET,
        /** Any text without NUL, embedded as single-quoted base64; the script decodes it. */
        MULTILINE
    }

    public ScriptValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(kind, "kind");
    }

    /** A single-line, non-secret value. */
    public static ScriptValue plain(String value) {
        return new ScriptValue(value, Kind.PLAIN);
    }

    /** A single-line secret (the activation code). */
    public static ScriptValue secret(String value) {
        return new ScriptValue(value, Kind.SECRET);
    }

    /** A multi-line value, embedded base64-encoded. */
    public static ScriptValue multiline(String value) {
        return new ScriptValue(value, Kind.MULTILINE);
    }

    @Override
    public String toString() {
        return kind == Kind.SECRET
                ? "ScriptValue[SECRET, redacted]"
                : "ScriptValue[" + kind + ", " + value + "]";
    }
}
