package dev.ecsa.core.fleet;

import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import java.util.List;
import java.util.Objects;

/**
 * A validated rollout: one action over many nodes, within its controls. Built by {@link RolloutValidator} only.
 *
 * @param rolloutId         the producer's id (the message's {@code requestId}); each node's request is
 *                          {@code <rolloutId>-<n>}, n its place in the plan
 * @param dryRun            plan only: the plan is recorded, nothing is started ({@code ecsa plan})
 * @param nodes             for a deregistration or an upgrade, the nodes named (else empty)
 * @param selector          for a deregistration or an upgrade, the nodes selected from the inventory (else
 *                          {@code null}); exactly one of {@code nodes} and {@code selector}
 * @param registrations     for a registration, one request per node, each with its own request id
 * @param drainTimeoutSeconds and {@code onTimeout}: each node's drain (deregister, upgrade), or {@code null} for the
 *                          stack's defaults
 * @param ecsAgentVersion   and {@code ssmAgentVersion}: an upgrade's targets, or {@code null} for the stack's
 */
public record RolloutRequest(String rolloutId, String requestedBy, String reason, RolloutAction action,
                             boolean dryRun, List<String> nodes, TargetSelector selector,
                             List<RegisterRequest> registrations, RolloutControls controls,
                             Integer drainTimeoutSeconds, TimeoutPolicy onTimeout, String ecsAgentVersion,
                             String ssmAgentVersion) {

    /** The most nodes one rollout may name or select (its record, targets included, stays well within one DynamoDB item). */
    public static final int MAX_TARGETS = 500;
    /** A rollout id leaves room for {@code -<n>} within a request id's 64 characters. */
    public static final int MAX_ROLLOUT_ID = 58;

    public RolloutRequest {
        Objects.requireNonNull(rolloutId, "rolloutId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(action, "action");
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        registrations = registrations == null ? List.of() : List.copyOf(registrations);
        Objects.requireNonNull(controls, "controls");
    }

    /** The request id of the rollout's {@code n}-th node (1-based, in plan order). */
    public String nodeRequestId(int n) {
        return rolloutId + "-" + n;
    }
}
