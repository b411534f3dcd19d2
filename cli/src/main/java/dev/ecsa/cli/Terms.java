package dev.ecsa.cli;

import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.core.validation.ValidationResult;
import dev.ecsa.core.validation.Violation;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI's words for the request's fields: a violation found by the service's validator is reported with the
 * option or argument the operator typed ({@code --ssh-user is required}), not the JSON field name.
 */
final class Terms {

    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("nodeId", "NODE"),
            Map.entry("requestId", "--request-id"),
            Map.entry("action", "the action"),
            Map.entry("address", "--address"),
            Map.entry("port", "--port"),
            Map.entry("sshUser", "--ssh-user"),
            Map.entry("hostKeyFingerprint", "--host-key-fingerprint"),
            Map.entry("cluster", "--cluster"),
            Map.entry("attributes", "--attribute"),
            Map.entry("tags", "--tag"),
            Map.entry("requestedBy", "--requested-by"),
            Map.entry("reason", "--reason"),
            Map.entry("drainTimeoutSeconds", "--drain-timeout"),
            Map.entry("onTimeout", "--on-timeout"));

    /** Rules said in the option's own unit: the CLI takes the drain deadline as a duration, the message in seconds. */
    private static final Map<String, String> RULES = Map.of("drainTimeoutSeconds",
            "must be from 1m to 1h (" + FieldRules.MIN_DRAIN_TIMEOUT_SECONDS + " to "
                    + FieldRules.MAX_DRAIN_TIMEOUT_SECONDS + " seconds)");

    private Terms() {
    }

    /** {@code sshUser} → {@code --ssh-user}; {@code tags.team} → {@code --tag team}; {@code attributes[#2]} → {@code --attribute #2}. */
    static String option(String field) {
        int dot = field.indexOf('.');
        int bracket = field.indexOf('[');
        int cut = dot < 0 ? bracket : bracket < 0 ? dot : Math.min(dot, bracket);
        String head = cut < 0 ? field : field.substring(0, cut);
        String option = OPTIONS.getOrDefault(head, head);
        if (cut < 0) {
            return option;
        }
        String rest = field.substring(cut);
        return option + " " + (rest.startsWith(".") ? rest.substring(1) : rest.replace("[", "").replace("]", ""));
    }

    /** The validator's findings in the CLI's words, in one sentence. */
    static String sentence(ValidationResult result) {
        String list = result.violations().stream().map(Terms::phrase).collect(Collectors.joining("; "));
        int more = result.violationCount() - result.violations().size();
        return list + (more > 0 ? " (and " + more + " more)" : "");
    }

    private static String phrase(Violation v) {
        String option = option(v.field());
        // An entry of a map option names its key: "--tag team: value must be ...".
        return option + (option.indexOf(' ') > 0 ? ": " : " ") + RULES.getOrDefault(v.field(), v.rule());
    }
}
