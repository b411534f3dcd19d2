package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The Deregister Task: node → DEREGISTERING, then DeregisterContainerInstance (with force only when the force policy
 * decided so at the deadline) and DeregisterManagedInstance of the node's recorded managed instance and of any other
 * that SSM lists under this stack's tags for the node, each after any live container instance ECS lists for it.
 *
 * <p>Idempotent: the node move is conditional (a replay is ALREADY_DONE) and both ports count an instance that is
 * already gone as done.
 */
public final class Deregister {

    static final String STEP = "deregister";

    private final NodeStore store;
    private final ContainerInstances containers;
    private final ManagedInstances managed;
    private final RequestJournal journal;

    public Deregister(NodeStore store, ContainerInstances containers, ManagedInstances managed, Clock clock) {
        this.store = store;
        this.containers = containers;
        this.managed = managed;
        this.journal = new RequestJournal(store, clock);
    }

    public DrainState handle(DrainState state) {
        if (state.nodeState() == null) {
            throw new PermanentException(Reason.INTERNAL, "Deregister ran before StartDrain claimed the node");
        }
        NodeRecord node = state.nodeState() == NodeState.DEREGISTERING
                ? store.getNode(state.nodeId()).orElseThrow(() ->
                        new PermanentException(Reason.NOT_FOUND, "node " + state.nodeId() + " has no record"))
                : store.transition(state.nodeId(),
                        new Transition(state.nodeState(), NodeState.DEREGISTERING, state.nodeVersion()),
                        NodeUpdate.none().withLastRequestId(state.requestId())).orThrow();

        StringBuilder detail = new StringBuilder();
        if (state.containerInstanceArn() != null && state.cluster() != null) {
            containers.deregister(state.cluster(), state.containerInstanceArn(), state.forced());
            detail.append("container instance ").append(state.containerInstanceArn()).append(" deregistered")
                    .append(state.forced() ? " with force" : "");
        } else {
            detail.append("no container instance recorded");
        }
        // The recorded managed instance, and any other SSM lists under this stack's tags for the node: a registration
        // cut short (its look for what it left could not reach SSM) leaves one that the record does not name.
        Set<String> managedIds = new LinkedHashSet<>();
        if (node.managedInstanceId() != null) {
            managedIds.add(node.managedInstanceId());
        }
        managedIds.addAll(managed.registeredFor(state.nodeId()));
        for (String mi : managedIds) {
            if (state.cluster() != null) {
                // Its container instance, if its agent joined the cluster, goes first (ECS, then SSM). Looked up for
                // the recorded managed instance too: a registration cut short records the managed instance it left
                // while the agent may join ECS only afterwards, so the recorded container instance can be an earlier
                // registration's (the soak found one left ACTIVE, seed 7). The recorded one, deregistered above, is
                // INACTIVE by now and skipped.
                containers.findByManagedInstanceId(state.cluster(), mi).filter(c -> !c.status().isGone())
                        .filter(c -> !c.arn().equals(state.containerInstanceArn()))
                        .ifPresent(c -> {
                            containers.deregister(state.cluster(), c.arn(), state.forced());
                            detail.append("; container instance ").append(c.arn()).append(" of ").append(mi)
                                    .append(" deregistered");
                        });
            }
            if (!deregisterManaged(mi)) {
                detail.append("; managed instance ").append(mi).append(" already gone from SSM");
                continue;
            }
            detail.append("; managed instance ").append(mi).append(" deregistered")
                    .append(mi.equals(node.managedInstanceId()) ? "" : " (not recorded on the node)");
        }
        if (managedIds.isEmpty()) {
            detail.append("; no managed instance recorded or listed");
        }
        journal.record(state.requestId(), STEP, StepResult.SUCCEEDED, detail.toString());
        return state.withNode(node.state(), node.version()).deregisteredInAws();
    }

    /**
     * Deregisters {@code mi}; {@code false} if SSM no longer lists it. The grant is conditional on the instance's
     * ecsa:stack tag, and IAM evaluates a deregistered (or never existing) instance as untagged: AWS answers
     * AccessDenied, not InvalidInstanceId. A denial is therefore checked against DescribeInstanceInformation (allowed
     * on any instance) before it counts as a failure.
     */
    private boolean deregisterManaged(String mi) {
        try {
            managed.deregister(mi);
            return true;
        } catch (dev.ecsa.core.error.NodeOperationException e) {
            if (e.reason() == dev.ecsa.core.error.Reason.AWS_ACCESS_DENIED && managed.describe(mi).isEmpty()) {
                return false;
            }
            throw e;
        }
    }
}
