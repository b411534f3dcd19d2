package dev.ecsa.core.validation;

import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.NodeRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Either a validated request or the list of everything wrong with it. For a rejected request, the ids and action
 * that did pass their own rules are kept so the rejection can still be recorded and published under them.
 */
public final class ValidationResult {

    /**
     * The most violations a result keeps and reports. A hostile body can break thousands of rules (a map of 27,000
     * bad attributes); the rejection must still fit a DynamoDB item, an event and a log line, so the first ones are
     * listed and the rest counted.
     */
    public static final int MAX_REPORTED = 10;

    private final NodeRequest request;
    private final List<Violation> violations;
    private final int total;
    private final String requestId;
    private final String nodeId;
    private final Action action;

    private ValidationResult(NodeRequest request, List<Violation> violations, String requestId, String nodeId,
                             Action action) {
        this.request = request;
        this.violations = List.copyOf(violations.subList(0, Math.min(violations.size(), MAX_REPORTED)));
        this.total = violations.size();
        this.requestId = requestId;
        this.nodeId = nodeId;
        this.action = action;
    }

    static ValidationResult valid(NodeRequest request) {
        Objects.requireNonNull(request, "request");
        return new ValidationResult(request, List.of(), request.requestId(), request.nodeId(), request.action());
    }

    static ValidationResult invalid(List<Violation> violations, String requestId, String nodeId, Action action) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid result needs at least one violation");
        }
        return new ValidationResult(null, violations, requestId, nodeId, action);
    }

    /** Whether the request passed every rule. */
    public boolean isValid() {
        return request != null;
    }

    /** The validated request, when valid. */
    public Optional<NodeRequest> request() {
        return Optional.ofNullable(request);
    }

    /** The first {@value #MAX_REPORTED} broken rules, in field order; empty when valid. */
    public List<Violation> violations() {
        return violations;
    }

    /** How many rules the request broke in all ({@link #violations()} lists at most {@value #MAX_REPORTED}). */
    public int violationCount() {
        return total;
    }

    /** The request id, if it passed its rule (even when other fields did not). */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The node id, if it passed its rule (even when other fields did not). */
    public Optional<String> nodeId() {
        return Optional.ofNullable(nodeId);
    }

    /** The action, if it was known. */
    public Optional<Action> action() {
        return Optional.ofNullable(action);
    }

    /**
     * One sentence listing the violations (at most {@value #MAX_REPORTED}), for the request record, the event and the
     * operator: {@code "Invalid request (2 problems): nodeId must be 1 to 63 letters, …; port must be an integer from 1 to 65535."}
     */
    public String sentence() {
        if (isValid()) {
            return "Valid request.";
        }
        String list = violations.stream().map(v -> v.field() + " " + v.rule()).collect(Collectors.joining("; "));
        String count = total == 1 ? "1 problem" : total + " problems";
        if (total > violations.size()) {
            count += ", the first " + violations.size() + " listed";
        }
        return "Invalid request (" + count + "): " + list + ".";
    }

    @Override
    public String toString() {
        return isValid() ? "ValidationResult[valid " + request.requestId() + "]" : "ValidationResult[" + sentence() + "]";
    }
}
