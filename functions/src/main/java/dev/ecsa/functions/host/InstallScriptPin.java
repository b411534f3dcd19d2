package dev.ecsa.functions.host;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the bootstrap verifies the downloaded install script before running it (REFERENCE §2.5).
 * {@link Gpg} is the real check (AWS signs the script); {@link Sha256} pins one exact file.
 */
public sealed interface InstallScriptPin {

    /** The script's verification mode as the bootstrap spells it. */
    String mode();

    /**
     * A detached signature ({@code <url>.asc}) made by the pinned key.
     *
     * @param armoredPublicKey the ASCII-armored public key block (contains exactly that one key)
     * @param primaryFingerprint the key's primary fingerprint; spaces allowed, normalized to 40 upper-case hex
     */
    record Gpg(String armoredPublicKey, String primaryFingerprint) implements InstallScriptPin {
        private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-F]{40}");

        public Gpg {
            Objects.requireNonNull(armoredPublicKey, "armoredPublicKey");
            Objects.requireNonNull(primaryFingerprint, "primaryFingerprint");
            if (!armoredPublicKey.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
                throw new IllegalArgumentException("armoredPublicKey is not an armored public key block");
            }
            primaryFingerprint = primaryFingerprint.replace(" ", "").toUpperCase(Locale.ROOT);
            if (!FINGERPRINT.matcher(primaryFingerprint).matches()) {
                throw new IllegalArgumentException("primaryFingerprint must be 40 hex digits");
            }
        }

        @Override
        public String mode() {
            return "gpg";
        }
    }

    /**
     * The SHA-256 of the exact script file.
     *
     * @param hex 64 hex digits, normalized to lower case
     */
    record Sha256(String hex) implements InstallScriptPin {
        private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

        public Sha256 {
            Objects.requireNonNull(hex, "hex");
            hex = hex.toLowerCase(Locale.ROOT);
            if (!HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException("sha256 must be 64 hex digits");
            }
        }

        @Override
        public String mode() {
            return "sha256";
        }
    }
}
