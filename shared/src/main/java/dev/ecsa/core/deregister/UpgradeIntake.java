package dev.ecsa.core.deregister;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.model.UpgradeRequest;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.NodeGuard;
import dev.ecsa.core.request.RequestRecords;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The queue's side of an upgrade: record the request, work out the target versions (the request's, else the stack's),
 * answer at once when ECS and SSM already report them, take the per-node guard (REGISTERED → DRAINING) and start the
 * node's drain workflow with purpose UPGRADE. The drain, the upgrade on the host and its confirmation are the
 * workflow's (docs/upgrade.md).
 *
 * <p>Redelivery converges as a deregistration's does: the move to DRAINING carries this request's id, the workflow
 * input is computed from the recorded arrival, so a second start is StartExecution's no-op.
 */
public final class UpgradeIntake {

    /** Step name: both agents already report the targets; nothing was drained. */
    public static final String STEP_ALREADY = "already-at-target";

    private final NodeStore store;
    private final ManagedInstances managed;
    private final ContainerInstances containers;
    private final DrainWorkflow workflow;
    private final EventPublisher events;
    private final Clock clock;
    private final DeregisterSettings drain;
    private final TargetVersions stackTargets;
    private final NodeGuard guard;

    public UpgradeIntake(NodeStore store, ManagedInstances managed, ContainerInstances containers,
                         DrainWorkflow workflow, EventPublisher events, Clock clock, DeregisterSettings drain,
                         TargetVersions stackTargets) {
        this.store = Objects.requireNonNull(store, "store");
        this.managed = Objects.requireNonNull(managed, "managed");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.drain = Objects.requireNonNull(drain, "drain");
        this.stackTargets = Objects.requireNonNull(stackTargets, "stackTargets");
        this.guard = new NodeGuard(store, clock);
    }

    /**
     * Takes one delivery of an upgrade.
     *
     * @throws RetryableException NODE_BUSY while the node is busy (unless {@code attempt} is the last), or an AWS or
     *     store failure worth a redelivery
     * @throws dev.ecsa.core.request.RequestIdConflict if the request id is already used by another request
     */
    public IntakeResult accept(UpgradeRequest request, Attempt attempt) {
        RequestRecord record = RequestRecords.recordOrFind(store, request, clock.instant());
        if (record.completed() || started(record)) {
            return IntakeResult.of(record, true);
        }
        TargetVersions targets = new TargetVersions(
                request.ecsAgentVersion() != null ? request.ecsAgentVersion() : stackTargets.ecsAgent(),
                request.ssmAgentVersion() != null ? request.ssmAgentVersion() : stackTargets.ssmAgent());
        if (targets.noTargets()) {
            return reject(request, Reason.INVALID_REQUEST, "no version to upgrade to: name ecsAgentVersion or "
                    + "ssmAgentVersion in the request, or set the stack's ecsa:targetEcsAgentVersion / "
                    + "ecsa:targetSsmAgentVersion");
        }
        Optional<NodeRecord> found = store.getNode(request.nodeId());
        if (found.isEmpty()) {
            return reject(request, Reason.NOT_REGISTERED, "node " + request.nodeId()
                    + " has never been registered by this service");
        }
        NodeRecord node = found.get();
        boolean ours = request.requestId().equals(node.lastRequestId());
        if (!ours && node.state() == NodeState.REGISTERED) {
            String missing = missing(node, request);
            if (missing != null) {
                return reject(request, missing.startsWith("no host key") ? Reason.HOST_KEY_UNKNOWN
                        : Reason.INVALID_STATE, "node " + request.nodeId() + " has " + missing);
            }
            Optional<String> already = alreadyAtTargets(node, targets);
            if (already.isPresent()) {
                return alreadyUpgraded(request, node, already.get());
            }
        }
        NodeGuard.Decision decision = guard.take(new NodeGuard.Claim(request.nodeId(), request.requestId(),
                NodeState.DRAINING, EnumSet.of(NodeState.REGISTERED), s -> s == NodeState.DRAINING,
                n -> drainingUpdate(request), null));
        return switch (decision.kind()) {
            case ABSENT -> reject(request, Reason.NOT_REGISTERED, "node " + request.nodeId()
                    + " has never been registered by this service");
            case OWN -> startWorkflow(request, record, decision.node(), targets, attempt);
            case TAKEN -> {
                store.appendStep(request.requestId(), decision.step());
                yield startWorkflow(request, record, decision.node(), targets, attempt);
            }
            case BUSY -> reject(request, Reason.NODE_BUSY, attempt.waitForBusyNode(decision.node()));
            case FOUND -> notUpgradable(request, decision.node());
        };
    }

    /** What the node lacks for an upgrade in place, or {@code null}. */
    private static String missing(NodeRecord node, UpgradeRequest request) {
        List<String> out = new ArrayList<>();
        if (node.managedInstanceId() == null || node.containerInstanceArn() == null || node.cluster() == null) {
            out.add("no managed instance or container instance recorded");
        }
        if (node.address() == null || node.sshUser() == null) {
            out.add("no SSH address recorded");
        }
        if (!out.isEmpty()) {
            return String.join(" and ", out);
        }
        if (node.hostKeyFingerprint() == null && request.hostKeyFingerprint() == null) {
            // A root script goes only to a host whose key was pinned when it was registered.
            return "no host key pinned; send the upgrade with its hostKeyFingerprint";
        }
        return null;
    }

    /**
     * A description of the versions ECS and SSM report when both already are the targets (nothing to drain for), or
     * empty. Read from AWS, not from the inventory (which the reconciler refreshes only now and then).
     */
    private Optional<String> alreadyAtTargets(NodeRecord node, TargetVersions targets) {
        Optional<ContainerInstance> ci = containers.describe(node.cluster(), node.containerInstanceArn());
        Optional<ManagedInstance> mi = managed.describe(node.managedInstanceId());
        if (ci.isEmpty() || mi.isEmpty()) {
            return Optional.empty();
        }
        boolean ecs = targets.ecsAgent() == null || TargetVersions.isSame(ci.get().agentVersion(), targets.ecsAgent());
        boolean ssm = targets.ssmAgent() == null || TargetVersions.isSame(mi.get().agentVersion(), targets.ssmAgent());
        return ecs && ssm ? Optional.of("ECS reports agent " + ci.get().agentVersion() + ", SSM reports agent "
                + mi.get().agentVersion()) : Optional.empty();
    }

    private IntakeResult alreadyUpgraded(UpgradeRequest request, NodeRecord node, String reported) {
        Instant at = clock.instant();
        Step step = new Step(STEP_ALREADY, at, at, StepResult.SKIPPED, reported + ": already the target versions; "
                + "nothing was drained or changed");
        RequestRecord done = store.finishRequest(request.requestId(), Outcome.UPGRADED, null, List.of(step));
        events.publish(new NodeEvent.NodeUpgraded(request.nodeId(), request.requestId(), node.managedInstanceId(),
                node.containerInstanceArn(), null, null, List.of()));
        return IntakeResult.of(done, false);
    }

    private static NodeUpdate drainingUpdate(UpgradeRequest request) {
        NodeUpdate update = NodeUpdate.none().withLastRequestId(request.requestId()).clearingLastError();
        return request.hostKeyFingerprint() == null ? update
                : update.withHostKeyFingerprint(request.hostKeyFingerprint());
    }

    private IntakeResult startWorkflow(UpgradeRequest request, RequestRecord record, NodeRecord node,
                                       TargetVersions targets, Attempt attempt) {
        TimeoutPolicy policy = request.timeoutPolicy().orElse(drain.defaultPolicy());
        // From the recorded arrival: every redelivery computes the same input (a second start is a no-op).
        Instant deadline = record.receivedAt().plus(drain.timeoutFor(request.drainTimeout().orElse(null)));
        DrainStart input = new DrainStart(request.requestId(), request.nodeId(), node.cluster(),
                node.containerInstanceArn(), deadline, policy, node.version(), DrainPurpose.UPGRADE, targets);
        return DrainIntakes.startWorkflow(store, workflow, clock, input, ": drain, then upgrade to "
                + describe(targets), attempt, e -> workflowNotStarted(request, node, e));
    }

    /** The node was moved to DRAINING but no workflow runs: nothing was drained, so it goes back to REGISTERED. */
    private IntakeResult workflowNotStarted(UpgradeRequest request, NodeRecord node, NodeOperationException e) {
        Failure failure = new Failure(e.reason(), "the drain workflow could not be started: " + e.detail());
        if (node.state() == NodeState.DRAINING) {
            store.transition(request.nodeId(), new Transition(NodeState.DRAINING, NodeState.REGISTERED,
                    node.version()), NodeUpdate.none().withLastError(failure));
        }
        events.publish(new NodeEvent.NodeUpgradeFailed(request.nodeId(), request.requestId(),
                failure.reason().name(), failure.message(), false, false));
        return IntakeResult.of(store.finishRequest(request.requestId(), Outcome.FAILED, failure), false);
    }

    private IntakeResult notUpgradable(UpgradeRequest request, NodeRecord node) {
        return switch (node.state()) {
            case DRAIN_KEPT -> reject(request, Reason.INVALID_STATE, "node " + request.nodeId() + " is held "
                    + "DRAINING (DRAIN_KEPT" + (node.lastError() == null ? "" : ": " + node.lastError().message())
                    + "); an upgrade starts from REGISTERED: restart its agents or deregister it");
            case DEREGISTRATION_FAILED -> reject(request, Reason.INVALID_STATE, "node " + request.nodeId()
                    + " is DEREGISTRATION_FAILED: deregister it again first");
            default -> reject(request, Reason.NOT_REGISTERED, "node " + request.nodeId() + " is " + node.state()
                    + ", not registered: there are no agents to upgrade");
        };
    }

    private IntakeResult reject(UpgradeRequest request, Reason reason, String message) {
        return DrainIntakes.reject(store, events, clock, request, reason, message);
    }

    private static String describe(TargetVersions t) {
        List<String> out = new ArrayList<>();
        if (t.ecsAgent() != null) {
            out.add("ECS agent " + t.ecsAgent());
        }
        if (t.ssmAgent() != null) {
            out.add("SSM agent " + t.ssmAgent());
        }
        return String.join(" and ", out);
    }

    private static boolean started(RequestRecord record) {
        return DrainIntakes.succeeded(record, DeregisterIntake.STEP_START_WORKFLOW);
    }
}
