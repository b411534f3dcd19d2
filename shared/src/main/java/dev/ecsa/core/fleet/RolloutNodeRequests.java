package dev.ecsa.core.fleet;

import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.UpgradeRequest;

/**
 * The node request a rollout sends for one of its targets: the ordinary request of its action, with the request id
 * {@code <rolloutId>-<place in the plan>}, the rollout's requester, and a reason naming the rollout. A registration
 * is the one the rollout listed for the node.
 */
public final class RolloutNodeRequests {

    private RolloutNodeRequests() {
    }

    public static NodeRequest of(RolloutRequest rollout, TargetRun target) {
        String id = rollout.nodeRequestId(target.index());
        String reason = "rollout " + rollout.rolloutId() + (rollout.reason().isEmpty() ? "" : ": " + rollout.reason());
        if (reason.length() > 1024) {
            reason = reason.substring(0, 1024);
        }
        switch (rollout.action()) {
            case REGISTER -> {
                RegisterRequest listed = rollout.registrations().stream()
                        .filter(r -> r.nodeId().equals(target.nodeId())).findFirst()
                        .orElseThrow(() -> new IllegalStateException("rollout " + rollout.rolloutId()
                                + " lists no registration for " + target.nodeId()));
                return new RegisterRequest(id, listed.nodeId(), listed.address(), listed.port(), listed.sshUser(),
                        listed.hostKeyFingerprint(), listed.cluster(), listed.attributes(), listed.tags(),
                        rollout.requestedBy(), reason);
            }
            case DEREGISTER -> {
                return new DeregisterRequest(id, target.nodeId(), rollout.drainTimeoutSeconds(), rollout.onTimeout(),
                        rollout.requestedBy(), reason);
            }
            case UPGRADE -> {
                return new UpgradeRequest(id, target.nodeId(), rollout.ecsAgentVersion(), rollout.ssmAgentVersion(),
                        rollout.drainTimeoutSeconds(), rollout.onTimeout(), rollout.requestedBy(), reason, null);
            }
            default -> throw new IllegalStateException("unknown rollout action " + rollout.action());
        }
    }
}
