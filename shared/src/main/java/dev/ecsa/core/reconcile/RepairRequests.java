package dev.ecsa.core.reconcile;

import dev.ecsa.core.port.NodeRequestSender;

/**
 * Where the repair sends its requests (a restart; a deregistration and a registration for a re-registration): the
 * node-request queue, as any producer sends (MessageGroupId = the node, MessageDeduplicationId = the request id), so a
 * repair's request is ordered with the node's other requests and taken by the functions that reach hosts. The
 * reconcile package owns this port; its sending is {@link NodeRequestSender}'s.
 */
public interface RepairRequests extends NodeRequestSender {

    /** For a stack whose repair sends nothing: sending is a defect. */
    static RepairRequests none() {
        return request -> {
            throw new IllegalStateException("this reconciler sends no requests (ecsa:repairRestart and "
                    + "ecsa:repairReregister are off)");
        };
    }
}
