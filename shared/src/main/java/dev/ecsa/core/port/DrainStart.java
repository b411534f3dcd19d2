package dev.ecsa.core.port;

import dev.ecsa.core.model.TimeoutPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * The input of one drain workflow execution. Contains no secret: it is visible in the Step Functions history.
 *
 * @param deadline when the drain gives up and {@code policy} decides
 */
public record DrainStart(String requestId, String nodeId, String cluster, String containerInstanceArn,
                         Instant deadline, TimeoutPolicy policy, long nodeVersion) {

    public DrainStart {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(policy, "policy");
    }
}
