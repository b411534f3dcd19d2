package dev.ecsa.functions.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The little of OpenPGP (RFC 4880) the functions need to trust a key file without a network or a gpg binary: the
 * version-4 fingerprint of the first (primary) public-key packet of an ASCII-armored block. The host checks the
 * same key again with gpg before it verifies the install script's signature.
 */
public final class OpenPgpKeys {

    /** Amazon ECS's signing key as AWS publishes it (aws/amazon-ecs-agent, scripts/amazon-ecs-agent.gpg). */
    public static final String SHIPPED_ECS_KEY = "amazon-ecs-agent.gpg";

    private static final int PUBLIC_KEY_TAG = 6;

    private OpenPgpKeys() {
    }

    /** The armored key block shipped in the zip next to this class. */
    public static String shippedEcsSigningKey() {
        try (InputStream in = OpenPgpKeys.class.getResourceAsStream(SHIPPED_ECS_KEY)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED_ECS_KEY + " is missing from the deployment package");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SHIPPED_ECS_KEY, e);
        }
    }

    /**
     * The primary key's v4 fingerprint: SHA-1 over 0x99, the two-byte body length and the public-key packet body.
     *
     * @return 40 upper-case hex digits
     * @throws IllegalArgumentException if the text is not an armored block starting with a v4 public-key packet
     */
    public static String primaryFingerprint(String armored) {
        byte[] data = dearmor(armored);
        if (data.length < 2 || (data[0] & 0x80) == 0) {
            throw new IllegalArgumentException("not an OpenPGP packet stream");
        }
        int first = data[0] & 0xff;
        int tag;
        int offset;
        int length;
        if ((first & 0x40) != 0) { // new packet format
            tag = first & 0x3f;
            int o1 = data[1] & 0xff;
            if (o1 < 192) {
                length = o1;
                offset = 2;
            } else if (o1 < 224) {
                length = ((o1 - 192) << 8) + (data[2] & 0xff) + 192;
                offset = 3;
            } else if (o1 == 255) {
                length = readInt(data, 2, 4);
                offset = 6;
            } else {
                throw new IllegalArgumentException("a partial-length public-key packet is not valid");
            }
        } else { // old packet format
            tag = (first >> 2) & 0x0f;
            int lengthBytes = switch (first & 0x03) {
                case 0 -> 1;
                case 1 -> 2;
                case 2 -> 4;
                default -> throw new IllegalArgumentException("an indeterminate-length key packet is not valid");
            };
            length = readInt(data, 1, lengthBytes);
            offset = 1 + lengthBytes;
        }
        if (tag != PUBLIC_KEY_TAG) {
            throw new IllegalArgumentException("the block does not start with a public key (packet tag " + tag + ")");
        }
        if (offset + length > data.length || length < 1 || data[offset] != 4) {
            throw new IllegalArgumentException("the primary key is not a complete version-4 key");
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update((byte) 0x99);
            sha1.update((byte) (length >> 8));
            sha1.update((byte) length);
            sha1.update(data, offset, length);
            return HexFormat.of().formatHex(sha1.digest()).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    private static int readInt(byte[] data, int from, int count) {
        if (from + count > data.length) {
            throw new IllegalArgumentException("the key packet is truncated");
        }
        int value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 8) | (data[from + i] & 0xff);
        }
        return value;
    }

    private static byte[] dearmor(String armored) {
        StringBuilder base64 = new StringBuilder();
        boolean inBlock = false;
        boolean inBody = false;
        for (String line : armored.split("\r?\n")) {
            String trimmed = line.strip();
            if (trimmed.equals("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
                inBlock = true;
            } else if (inBlock && trimmed.startsWith("-----END")) {
                break;
            } else if (inBlock && !inBody) {
                inBody = trimmed.isEmpty(); // armor headers end at the first blank line
            } else if (inBody && !trimmed.startsWith("=")) {
                base64.append(trimmed);
            }
        }
        if (base64.isEmpty()) {
            throw new IllegalArgumentException("no armored public key block");
        }
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the armored key block is not valid base64");
        }
    }
}
