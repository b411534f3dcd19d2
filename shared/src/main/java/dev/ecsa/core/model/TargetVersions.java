package dev.ecsa.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The versions a fleet should run, per component the service can see from AWS (the ECS agent through ECS, the SSM agent
 * through SSM); {@code null} means no target for that component. A node whose reported version is older than a target is
 * behind it; a version that cannot be read as numbers is never called behind (it is shown as it is).
 *
 * @param ecsAgent target ECS container agent version, e.g. {@code 1.90.0}
 * @param ssmAgent target amazon-ssm-agent version, e.g. {@code 3.3.1957.0}
 */
public record TargetVersions(String ecsAgent, String ssmAgent) {

    /** What a target may be: two to four dot-separated numbers. */
    public static final Pattern FORMAT = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}){1,3}");

    public TargetVersions {
        ecsAgent = check("ECS agent", ecsAgent);
        ssmAgent = check("SSM agent", ssmAgent);
    }

    /** No targets. */
    public static TargetVersions none() {
        return new TargetVersions(null, null);
    }

    /** Whether no component has a target (not a bean property: the record travels in workflow state as JSON). */
    public boolean noTargets() {
        return ecsAgent == null && ssmAgent == null;
    }

    /** What {@code running} is behind, one sentence per component, e.g. {@code "ECS agent 1.82.0, target 1.90.0"}. */
    public List<String> behind(AgentVersions running) {
        List<String> out = new ArrayList<>();
        if (isBehind(running.ecsAgent(), ecsAgent)) {
            out.add("ECS agent " + running.ecsAgent() + ", target " + ecsAgent);
        }
        if (isBehind(running.ssmAgent(), ssmAgent)) {
            out.add("SSM agent " + running.ssmAgent() + ", target " + ssmAgent);
        }
        return out;
    }

    /** Whether {@code version} reads as numbers older than {@code target}; unknown or unreadable is not behind. */
    public static boolean isBehind(String version, String target) {
        if (target == null || version == null) {
            return false;
        }
        return numbers(version).map(v -> compare(v, numbers(target).orElseThrow()) < 0).orElse(false);
    }

    /** Whether {@code version} reads as the same numbers as {@code target} ({@code v1.90.0} is {@code 1.90.0}). */
    public static boolean isSame(String version, String target) {
        if (version == null || target == null) {
            return false;
        }
        Optional<long[]> v = numbers(version);
        Optional<long[]> t = numbers(target);
        return v.isPresent() && t.isPresent() && compare(v.get(), t.get()) == 0;
    }

    /**
     * The leading dot-separated numbers of a version as agents report them ({@code 1.82.0}, {@code 3.3.0.0-sim},
     * {@code v1.90.0}), or empty if it does not start with one.
     */
    static Optional<long[]> numbers(String version) {
        String v = version.strip();
        if (v.startsWith("v") || v.startsWith("V")) {
            v = v.substring(1);
        }
        int end = 0;
        while (end < v.length() && (Character.isDigit(v.charAt(end)) || v.charAt(end) == '.')) {
            end++;
        }
        String head = v.substring(0, end).replaceAll("\\.+$", "");
        if (head.isEmpty() || head.startsWith(".") || head.contains("..") || head.length() > 64) {
            return Optional.empty();
        }
        String[] parts = head.split("\\.");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].length() > 18) {
                return Optional.empty();
            }
            out[i] = Long.parseLong(parts[i]);
        }
        return Optional.of(out);
    }

    /** Numeric order, missing parts counting as zero ({@code 1.90 == 1.90.0}). */
    static int compare(long[] a, long[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            long x = i < a.length ? a[i] : 0;
            long y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }

    private static String check(String what, String target) {
        if (target == null || target.isBlank()) {
            return null;
        }
        if (!FORMAT.matcher(target).matches()) {
            throw new IllegalArgumentException("the target " + what + " version must be two to four dot-separated "
                    + "numbers (e.g. 1.90.0), was '" + target + "'");
        }
        return target;
    }
}
