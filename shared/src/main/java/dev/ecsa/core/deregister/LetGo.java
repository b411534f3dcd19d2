package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import dev.ecsa.core.state.Transitions;

/**
 * Where a closing step of the drain workflow (CleanHost, ApplyTimeoutPolicy) stands with the node it is about to let
 * go, the one decision its replays need: this request still holds the node, an earlier attempt of this request has
 * already let it go, or another request has taken it since.
 */
final class LetGo {

    private LetGo() {
    }

    /**
     * Whether an earlier attempt of this request already made {@code release} (the node is where it leads, moved last
     * by this request); {@code false} when this request still holds the node and the step goes on.
     *
     * @param conflict appended to the CONFLICT message, saying what the step will not do
     * @throws PermanentException CONFLICT when another request has the node now
     */
    static boolean already(NodeRecord node, DrainState state, Transition release, String conflict) {
        TransitionDecision where = Transitions.decide(node.state(), node.version(), release);
        if (where == TransitionDecision.ALREADY_DONE && state.requestId().equals(node.lastRequestId())) {
            return true;
        }
        if (where != TransitionDecision.APPLY) {
            throw new PermanentException(Reason.CONFLICT, "node " + node.nodeId() + " is " + node.state()
                    + " at version " + node.version() + ", last moved by " + node.lastRequestId() + conflict);
        }
        return false;
    }
}
