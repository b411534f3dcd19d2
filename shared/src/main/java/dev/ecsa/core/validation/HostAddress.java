package dev.ecsa.core.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises the three forms an SSH target address may take, purely syntactically. {@link java.net.InetAddress} is
 * deliberately not used: it resolves names, and validation must neither touch the network nor accept what a
 * resolver happens to tolerate.
 */
public final class HostAddress {

    /** The form of a syntactically valid address. */
    public enum Kind {
        /** Dotted quad, each part 0–255 without leading zeros. */
        IPV4,
        /** RFC 4291 text form: full or compressed, optionally with an IPv4 tail; no zone id, no brackets. */
        IPV6,
        /** RFC 1123 host name: labels of 1–63 letters, digits and '-', not starting or ending with '-', ≤ 253 in all. */
        DNS
    }

    /** The longest DNS name accepted (RFC 1035 §2.3.4 less the root label's length octets). */
    public static final int MAX_DNS_LENGTH = 253;

    private HostAddress() {
    }

    /** The kind of address {@code s} is, or empty when it is none of them. */
    public static Optional<Kind> classify(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        if (isIpv4(s)) {
            return Optional.of(Kind.IPV4);
        }
        if (isIpv6(s)) {
            return Optional.of(Kind.IPV6);
        }
        if (isDnsName(s)) {
            return Optional.of(Kind.DNS);
        }
        return Optional.empty();
    }

    /** Whether {@code s} is a dotted-quad IPv4 address (no leading zeros, which some parsers read as octal). */
    public static boolean isIpv4(String s) {
        List<String> parts = split(s, '.');
        if (parts.size() != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !allDigits(p) || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is an IPv6 address in RFC 4291 §2.2 text form, without zone id. */
    public static boolean isIpv6(String s) {
        if (s.length() < 2 || s.length() > 45) {
            return false;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false; // at most one "::" (this also refuses ":::")
        }
        List<String> groups = new ArrayList<>();
        if (gap < 0) {
            groups.addAll(split(s, ':'));
        } else {
            String head = s.substring(0, gap);
            String tail = s.substring(gap + 2);
            if (!head.isEmpty()) {
                groups.addAll(split(head, ':'));
            }
            if (!tail.isEmpty()) {
                groups.addAll(split(tail, ':'));
            }
        }
        int count = 0;
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            boolean last = i == groups.size() - 1;
            // The IPv4 tail is only allowed as the very last group, and not right before a trailing "::".
            boolean endsAddress = gap < 0 || gap + 2 < s.length();
            if (last && endsAddress && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) {
                    return false;
                }
                count += 2;
            } else if (isHexGroup(g)) {
                count += 1;
            } else {
                return false;
            }
        }
        // "::" stands for one or more zero groups.
        return gap < 0 ? count == 8 : count <= 7;
    }

    /** Whether {@code s} is an RFC 1123 host name whose last label is not all digits (so it can't pose as IPv4). */
    public static boolean isDnsName(String s) {
        if (s.isEmpty() || s.length() > MAX_DNS_LENGTH) {
            return false;
        }
        List<String> labels = split(s, '.');
        for (String label : labels) {
            if (!isDnsLabel(label)) {
                return false;
            }
        }
        return !allDigits(labels.get(labels.size() - 1));
    }

    private static boolean isDnsLabel(String label) {
        if (label.isEmpty() || label.length() > 63 || label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!(isAsciiLetterOrDigit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexGroup(String g) {
        if (g.isEmpty() || g.length() > 4) {
            return false;
        }
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Splits on every {@code sep}, keeping empty parts (unlike {@link String#split}). */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
