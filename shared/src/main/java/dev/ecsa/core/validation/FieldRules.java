package dev.ecsa.core.validation;

import dev.ecsa.core.model.TargetVersions;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for each request field, with the limits AWS imposes (REFERENCE.md §4) and one more: a value that can
 * reach a shell (nodeId, address, sshUser, cluster, attribute and tag text, requestId, fingerprint) is made only of
 * characters from a short allow-list that contains no shell metacharacter, quote, whitespace or control character.
 * Each check returns {@code null} when the value is fine, otherwise the rule text for the {@link Violation}.
 */
public final class FieldRules {

    /** SSM DefaultInstanceName, a tag value and an ECS attribute value; 63 keeps it a valid DNS label too. */
    public static final Pattern NODE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");
    /** Step Functions execution names allow 80; 64 leaves room and matches the SQS deduplication id limit (128). */
    public static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    /** Portable POSIX-ish user names as useradd accepts them by default (no leading '-', which ssh would parse). */
    public static final Pattern SSH_USER = Pattern.compile("^[a-z_][a-z0-9_-]{0,31}$");
    /** ECS cluster names. ECS allows any of these characters; a leading hyphen is refused so a cluster name never reads as an option. */
    public static final Pattern CLUSTER = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$");
    /** OpenSSH's SHA256 fingerprint form: 32 bytes, base64 without padding (the last char carries 2 zero bits). */
    public static final Pattern HOST_KEY_FINGERPRINT = Pattern.compile("^SHA256:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$");
    /** ECS attribute names ([A-Za-z0-9-_/\.], 1–128). */
    public static final Pattern ATTRIBUTE_NAME = Pattern.compile("^[A-Za-z0-9_./-]{1,128}$");
    /** ECS attribute values: a shell-safe subset of what ECS allows, 1–128. */
    public static final Pattern ATTRIBUTE_VALUE = Pattern.compile("^[A-Za-z0-9_.:/@-]{1,128}$");
    /** Tag keys: the shell-safe subset of the AWS tag character set, 1–128. */
    public static final Pattern TAG_KEY = Pattern.compile("^[A-Za-z0-9_.:/=+@-]{1,128}$");
    /** Tag values: as keys, 0–256. */
    public static final Pattern TAG_VALUE = Pattern.compile("^[A-Za-z0-9_.:/=+@-]{0,256}$");

    /** ECS allows 10 custom attributes per container instance; the service adds one (the node id). */
    public static final int MAX_ATTRIBUTES = 9;
    /** ECS allows 50 tags per resource; the service adds its own (node id, request id, stack). */
    public static final int MAX_TAGS = 40;
    /** Attribute names ECS reserves for itself. */
    public static final String RESERVED_ATTRIBUTE_PREFIX = "ecs.";
    /** Attribute names this service writes; a request must not spoof them. */
    public static final String SERVICE_ATTRIBUTE_PREFIX = "ecsa.";
    /** Tag keys AWS reserves (case-insensitive). */
    public static final String RESERVED_TAG_PREFIX = "aws:";
    /** Tag keys this service writes (case-insensitive); a request must not spoof them. */
    public static final String SERVICE_TAG_PREFIX = "ecsa:";

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;
    public static final int MIN_DRAIN_TIMEOUT_SECONDS = 60;
    public static final int MAX_DRAIN_TIMEOUT_SECONDS = 3600;
    public static final int MAX_REQUESTED_BY = 128;
    public static final int MAX_REASON = 1024;

    static final String REQUIRED = "is required";

    private FieldRules() {
    }

    public static String nodeId(String v) {
        return matches(NODE_ID, v, "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    public static String requestId(String v) {
        return matches(REQUEST_ID, v, "must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
    }

    public static String sshUser(String v) {
        return matches(SSH_USER, v, "must be a user name of 1 to 32 lower-case letters, digits, '_' or '-', starting "
                + "with a letter or '_'");
    }

    public static String cluster(String v) {
        return matches(CLUSTER, v, "must be 1 to 255 letters, digits, '_' or '-', not starting with '-'");
    }

    public static String hostKeyFingerprint(String v) {
        return HOST_KEY_FINGERPRINT.matcher(v).matches() ? null
                : "must be SHA256: followed by 43 unpadded base64 characters (as ssh-keygen -l prints)";
    }

    public static String address(String v) {
        return HostAddress.classify(v).isPresent() ? null
                : "must be an IPv4 address, an IPv6 address without zone id, or a DNS name of at most 253 characters"
                        + " (labels of 1-63 letters, digits or '-', not starting or ending with '-')";
    }

    public static String port(long v) {
        return v >= MIN_PORT && v <= MAX_PORT ? null : "must be an integer from 1 to 65535";
    }

    /** An agent version to upgrade to: two to four dot-separated numbers ({@link TargetVersions#FORMAT}). */
    public static String agentVersion(String v) {
        return TargetVersions.FORMAT.matcher(v).matches() ? null
                : "must be two to four dot-separated numbers, e.g. 1.90.0 or 3.3.1957.0";
    }

    public static String drainTimeoutSeconds(long v) {
        return v >= MIN_DRAIN_TIMEOUT_SECONDS && v <= MAX_DRAIN_TIMEOUT_SECONDS ? null
                : "must be an integer from 60 to 3600";
    }

    public static String attributeName(String v) {
        String r = matches(ATTRIBUTE_NAME, v, "must be 1 to 128 letters, digits, '_', '.', '/' or '-'");
        if (r != null) {
            return r;
        }
        if (v.startsWith(RESERVED_ATTRIBUTE_PREFIX) || v.startsWith(SERVICE_ATTRIBUTE_PREFIX)) {
            return "must not start with '" + RESERVED_ATTRIBUTE_PREFIX + "' (reserved by ECS) or '"
                    + SERVICE_ATTRIBUTE_PREFIX + "' (set by this service)";
        }
        return null;
    }

    public static String attributeValue(String v) {
        return matches(ATTRIBUTE_VALUE, v, "must be 1 to 128 letters, digits, '_', '.', ':', '/', '@' or '-'");
    }

    public static String tagKey(String v) {
        String r = matches(TAG_KEY, v, "must be 1 to 128 letters, digits, '_', '.', ':', '/', '=', '+', '@' or '-'");
        if (r != null) {
            return r;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith(RESERVED_TAG_PREFIX) || lower.startsWith(SERVICE_TAG_PREFIX)) {
            return "must not start with '" + RESERVED_TAG_PREFIX + "' (reserved by AWS) or '" + SERVICE_TAG_PREFIX
                    + "' (set by this service), in any case";
        }
        return null;
    }

    public static String tagValue(String v) {
        return matches(TAG_VALUE, v, "must be at most 256 letters, digits, '_', '.', ':', '/', '=', '+', '@' "
                + "or '-'");
    }

    public static String requestedBy(String v) {
        return printable(v, 1, MAX_REQUESTED_BY) ? null
                : "must be 1 to 128 printable characters (no control or format characters)";
    }

    public static String reason(String v) {
        return printable(v, 0, MAX_REASON) ? null
                : "must be at most 1024 printable characters (no control or format characters)";
    }

    /** The rule in words (the pattern itself is in docs/node-request.schema.json, for programs). */
    private static String matches(Pattern p, String v, String rule) {
        return p.matcher(v).matches() ? null : rule;
    }

    /**
     * Free text for the audit trail: no control characters (CR/LF would forge log lines), no format characters
     * (bidi overrides make text read differently from what it is), no lone surrogates or unassigned code points.
     */
    private static boolean printable(String v, int min, int max) {
        int count = 0;
        for (int i = 0; i < v.length(); ) {
            int cp = v.codePointAt(i);
            switch (Character.getType(cp)) {
                case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED,
                        Character.PRIVATE_USE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
                    return false;
                }
                default -> {
                    // printable
                }
            }
            count++;
            i += Character.charCount(cp);
        }
        return count >= min && count <= max;
    }
}
