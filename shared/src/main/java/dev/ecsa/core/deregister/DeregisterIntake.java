package dev.ecsa.core.deregister;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.NodeGuard;
import dev.ecsa.core.request.RequestRecords;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The queue's side of a deregistration: record the request, take the per-node guard (the node moves to DRAINING),
 * and start the drain workflow. What the workflow does is the drain Tasks' business ({@link DrainTasks}).
 *
 * <p>Redelivery converges: the request is recorded once; the move to DRAINING carries this request's id as the node's
 * {@code lastRequestId}, so a redelivery recognises the node as its own and (re)starts the workflow with the same
 * input — the deadline comes from the request's recorded arrival time and the node version from the move, so the
 * second start is StartExecution's no-op rather than a conflict.
 */
public final class DeregisterIntake {

    /** Step name: the per-node guard (the move to DRAINING). */
    public static final String STEP_GUARD = NodeGuard.STEP;
    /** Step name: a failed registration's node taken to DEREGISTERING, so the workflow removes its leftovers. */
    public static final String STEP_CLAIM_LEFTOVERS = "claim-leftovers";
    /** Step name: starting the drain workflow execution. */
    public static final String STEP_START_WORKFLOW = "start-drain-workflow";

    /** The states a deregistration moves a node to DRAINING from. */
    private static final Set<NodeState> DRAINABLE = EnumSet.of(NodeState.REGISTERED, NodeState.DRAIN_KEPT,
            NodeState.DEREGISTRATION_FAILED);

    private final NodeStore store;
    private final ManagedInstances managedInstances;
    private final ContainerInstances containerInstances;
    private final DrainWorkflow workflow;
    private final EventPublisher events;
    private final Clock clock;
    private final DeregisterSettings settings;
    private final NodeGuard guard;

    public DeregisterIntake(NodeStore store, ManagedInstances managedInstances, ContainerInstances containerInstances,
                            DrainWorkflow workflow, EventPublisher events, Clock clock, DeregisterSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.managedInstances = Objects.requireNonNull(managedInstances, "managedInstances");
        this.containerInstances = Objects.requireNonNull(containerInstances, "containerInstances");
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.guard = new NodeGuard(store, clock);
    }

    /**
     * Takes one delivery of a deregistration.
     *
     * @return COMPLETED (rejected, already gone, or a replay of a completed request), or IN_PROGRESS once the workflow
     *     runs
     * @throws RetryableException NODE_BUSY while the node is busy with another request (unless {@code attempt} is the
     *     last, which rejects the request instead), or an AWS/store failure worth a redelivery
     * @throws dev.ecsa.core.request.RequestIdConflict if the request id is already used by another request
     */
    public IntakeResult accept(DeregisterRequest request, Attempt attempt) {
        RequestRecord record = RequestRecords.recordOrFind(store, request, clock.instant());
        if (record.completed() || succeeded(record, STEP_START_WORKFLOW)) {
            return IntakeResult.of(record, true);
        }
        NodeGuard.Decision decision = guard.take(new NodeGuard.Claim(request.nodeId(), request.requestId(),
                NodeState.DRAINING, DRAINABLE, DeregisterIntake::ownedStates,
                node -> drainingUpdate(request), null));
        NodeRecord node = decision.node();
        return switch (decision.kind()) {
            case ABSENT -> reject(request, Reason.NOT_REGISTERED, "node " + request.nodeId()
                    + " has never been registered by this service");
            case OWN -> node.state() == NodeState.DRAINING
                    || node.state() == NodeState.DEREGISTERING && succeeded(record, STEP_CLAIM_LEFTOVERS)
                    && !workflowMoved(record)
                    ? startWorkflow(request, record, node, attempt) : alreadyStarted(request, node);
            case TAKEN -> {
                store.appendStep(request.requestId(), decision.step());
                yield startWorkflow(request, record, node, attempt);
            }
            case BUSY -> busy(request, node, attempt);
            // DEREGISTERED, REGISTRATION_FAILED
            case FOUND -> notRegistered(request, record, node, attempt);
        };
    }

    /**
     * What the move to DRAINING writes: this request's id, and the host key it names (the operator's statement that
     * the host was reinstalled: the cleanup expects that key instead of the pinned one).
     */
    private static NodeUpdate drainingUpdate(DeregisterRequest request) {
        NodeUpdate update = NodeUpdate.none().withLastRequestId(request.requestId()).clearingLastError();
        return request.hostKeyFingerprint() == null ? update
                : update.withHostKeyFingerprint(request.hostKeyFingerprint());
    }

    /** States a node can be in after this request moved it to DRAINING (the workflow may have moved it on). */
    private static boolean ownedStates(NodeState state) {
        return state != NodeState.REGISTERING && state != NodeState.REGISTRATION_FAILED;
    }

    private IntakeResult startWorkflow(DeregisterRequest request, RequestRecord record, NodeRecord node,
                                       Attempt attempt) {
        Duration timeout = settings.timeoutFor(request.drainTimeout().orElse(null));
        TimeoutPolicy policy = request.timeoutPolicy().orElse(settings.defaultPolicy());
        // From the recorded arrival, not from now: every redelivery computes the same input, so a second start is
        // a no-op, and the deadline counts from when the request arrived.
        Instant deadline = record.receivedAt().plus(timeout);
        DrainStart input = new DrainStart(request.requestId(), request.nodeId(), node.cluster(),
                node.containerInstanceArn(), deadline, policy, node.version());
        return DrainIntakes.startWorkflow(store, workflow, clock, input, "", attempt,
                e -> workflowNotStarted(request, node, e));
    }

    private IntakeResult alreadyStarted(DeregisterRequest request, NodeRecord node) {
        Instant at = clock.instant();
        RequestRecord now = store.appendStep(request.requestId(), new Step(STEP_START_WORKFLOW, at, at,
                StepResult.SKIPPED, "the workflow already runs: node is " + node.state()));
        return IntakeResult.of(now, true);
    }

    /** The node was moved to DRAINING but no workflow runs: hand it back as a failed deregistration. */
    private IntakeResult workflowNotStarted(DeregisterRequest request, NodeRecord node, NodeOperationException e) {
        Failure failure = new Failure(e.reason(), "the drain workflow could not be started: " + e.detail());
        if (node.state() == NodeState.DRAINING) {
            store.transition(request.nodeId(), new Transition(NodeState.DRAINING, NodeState.DEREGISTRATION_FAILED,
                    node.version()), NodeUpdate.none().withLastError(failure));
        }
        events.publish(new NodeEvent.NodeDeregistrationFailed(request.nodeId(), request.requestId(),
                failure.reason().name(), failure.message()));
        return IntakeResult.of(store.finishRequest(request.requestId(), Outcome.FAILED, failure), false);
    }

    private IntakeResult busy(DeregisterRequest request, NodeRecord node, Attempt attempt) {
        return reject(request, Reason.NODE_BUSY, attempt.waitForBusyNode(node));
    }

    /**
     * DEREGISTERED or REGISTRATION_FAILED: ALREADY_GONE if AWS knows none of its ids (nor SSM any instance under the
     * stack's tags for the node). A failed registration that left a managed or container instance behind is handed to the workflow as it is (StartDrain leaves such a node alone
     * and Deregister removes what it left); a DEREGISTERED node that AWS still lists is NOT_REGISTERED, with the
     * leftovers named (the reconciler's case: the item and AWS disagree).
     */
    private IntakeResult notRegistered(DeregisterRequest request, RequestRecord record, NodeRecord node,
                                       Attempt attempt) {
        List<String> leftovers = new ArrayList<>();
        if (node.managedInstanceId() != null && managedInstances.describe(node.managedInstanceId()).isPresent()) {
            leftovers.add("SSM still lists " + node.managedInstanceId());
        }
        if (node.containerInstanceArn() != null && node.cluster() != null && containerInstances
                .describe(node.cluster(), node.containerInstanceArn()).filter(ci -> !ci.status().isGone())
                .isPresent()) {
            leftovers.add("ECS still lists " + node.containerInstanceArn());
        }
        // A registration cut short can leave a managed instance its record does not name; SSM lists it by the
        // stack's tags.
        managedInstances.registeredFor(request.nodeId()).stream()
                .filter(mi -> !mi.equals(node.managedInstanceId()))
                .forEach(mi -> leftovers.add("SSM still lists " + mi + " (not recorded on the node)"));
        if (!leftovers.isEmpty() && node.state() == NodeState.REGISTRATION_FAILED) {
            // Taken like any other node (DEREGISTERING for this request, so a registration waits), or a registration
            // could start on the host while the workflow removes its leftovers.
            Instant at = clock.instant();
            TransitionResult moved = store.transition(request.nodeId(), new Transition(
                    NodeState.REGISTRATION_FAILED, NodeState.DEREGISTERING, node.version()),
                    NodeUpdate.none().withLastRequestId(request.requestId()));
            if (moved.decision() == TransitionDecision.CONFLICT) {
                return busy(request, moved.node() == null ? node : moved.node(), attempt);
            }
            store.appendStep(request.requestId(), new Step(STEP_CLAIM_LEFTOVERS, at, clock.instant(),
                    StepResult.SUCCEEDED, "REGISTRATION_FAILED -> DEREGISTERING at version " + moved.node().version()
                            + ": the registration failed but " + String.join(" and ", leftovers)
                            + "; the workflow deregisters what it left behind"));
            return startWorkflow(request, record, moved.node(), attempt);
        }
        boolean everHadIds = node.managedInstanceId() != null || node.containerInstanceArn() != null;
        if (leftovers.isEmpty() && (everHadIds || node.state() == NodeState.DEREGISTERED)) {
            Instant at = clock.instant();
            store.appendStep(request.requestId(), new Step(STEP_GUARD, at, at, StepResult.SKIPPED,
                    "node is " + node.state() + " and neither SSM nor ECS lists it"));
            events.publish(new NodeEvent.NodeDeregistered(request.nodeId(), request.requestId(), false));
            return IntakeResult.of(store.finishRequest(request.requestId(), Outcome.ALREADY_GONE, null), false);
        }
        String message = "node " + request.nodeId() + " is " + node.state() + ", not registered";
        if (!leftovers.isEmpty()) {
            message += ", but " + String.join(" and ", leftovers)
                    + " (the reconciler reports these leftovers)";
        }
        return reject(request, Reason.NOT_REGISTERED, message);
    }

    private IntakeResult reject(DeregisterRequest request, Reason reason, String message) {
        return DrainIntakes.reject(store, events, clock, request, reason, message);
    }

    /** Whether the workflow's Deregister step already ran for this request (the node moved on from the claim). */
    private static boolean workflowMoved(RequestRecord record) {
        return record.steps().stream().anyMatch(s -> s.name().equals(Deregister.STEP));
    }

    private static boolean succeeded(RequestRecord record, String step) {
        return DrainIntakes.succeeded(record, step);
    }
}
