package dev.ecsa.core.port;

import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * The input of one drain workflow execution. Contains no secret: it is visible in the Step Functions history.
 *
 * @param deadline when the drain gives up and {@code policy} decides
 * @param purpose  what the drain is for; {@code null} (an execution started before upgrades existed) is DEREGISTER
 * @param targets  the versions an upgrade reaches; none for a deregistration
 */
public record DrainStart(String requestId, String nodeId, String cluster, String containerInstanceArn,
                         Instant deadline, TimeoutPolicy policy, long nodeVersion, DrainPurpose purpose,
                         TargetVersions targets) {

    public DrainStart {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(policy, "policy");
        purpose = purpose == null ? DrainPurpose.DEREGISTER : purpose;
        targets = targets == null ? TargetVersions.none() : targets;
    }

    /** A deregistration's drain. */
    public DrainStart(String requestId, String nodeId, String cluster, String containerInstanceArn, Instant deadline,
                      TimeoutPolicy policy, long nodeVersion) {
        this(requestId, nodeId, cluster, containerInstanceArn, deadline, policy, nodeVersion, DrainPurpose.DEREGISTER,
                TargetVersions.none());
    }
}
