package dev.ecsa.core.reconcile;

import dev.ecsa.core.deregister.ApplyTimeoutPolicy;
import dev.ecsa.core.deregister.CaughtError;
import dev.ecsa.core.deregister.Deregister;
import dev.ecsa.core.deregister.DrainCheck;
import dev.ecsa.core.deregister.DrainState;
import dev.ecsa.core.deregister.RecordFailure;
import dev.ecsa.core.deregister.StartDrain;
import dev.ecsa.core.deregister.TimeoutAction;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainExecution;
import dev.ecsa.core.port.DrainPurpose;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reconcile use case: reads the inventory, this stack's SSM managed instances and activations and the configured
 * clusters' container instances, classifies every node and stray resource ({@link FindingType}), applies the fixes it
 * may, records the run, and publishes an event for each new finding and each resolution.
 *
 * <p><b>Fixes.</b> Safe (on by default): delete a leftover activation; close a registration that stopped making
 * progress as failed; for a node left DRAINING by a drain workflow that ended, apply the drain's timeout policy with
 * the drain workflow's own {@link ApplyTimeoutPolicy} (revert or keep); close a deregistration left DEREGISTERING as
 * failed with {@link RecordFailure}. Membership (off by default, at most {@link ReconcileSettings#fixBudget()} per
 * run): deregister orphans from ECS (never with force) and SSM, and a stuck drain whose policy is {@code force}
 * ({@link Deregister}, then recorded as deregistered with the host not cleaned). Anything else is reported.
 *
 * <p><b>Idempotent.</b> Every fix re-reads what it acts on right before acting (a strongly consistent node read, the
 * instance, the execution) and the node moves are conditional. A finding fixed by one run carries {@code fixedAt}
 * forward while AWS listings still show it, and is never fixed again ({@link FixAction#ALREADY_FIXED}).
 *
 * <p><b>Cost.</b> Node items: one paginated Query per state on the by-state index. SSM: ceil(M/50) + ceil(A/50)
 * calls. ECS: 2 * ceil(C/100) per cluster. One DescribeExecution per node DRAINING or DEREGISTERING past the grace
 * period. Fixes and events: a few calls each. One write for the run record.
 */
public final class Reconcile {

    private final ReconcileStore store;
    private final HybridActivations activations;
    private final ManagedInstances managed;
    private final ContainerInstances containers;
    private final DrainWorkflow drains;
    private final EventPublisher events;
    private final Clock clock;
    private final ReconcileSettings settings;
    private final ApplyTimeoutPolicy timeoutPolicy;
    private final Deregister deregister;
    private final RecordFailure recordFailure;
    private final Repair repair;

    public Reconcile(ReconcileStore store, HybridActivations activations, ManagedInstances managed,
                     ContainerInstances containers, DrainWorkflow drains, EventPublisher events, Clock clock,
                     ReconcileSettings settings) {
        this(store, activations, managed, containers, drains, events, clock, settings, RepairRequests.none());
    }

    /** With {@code restarts}, where the repair sends its restart requests (needed when the repair restarts). */
    public Reconcile(ReconcileStore store, HybridActivations activations, ManagedInstances managed,
                     ContainerInstances containers, DrainWorkflow drains, EventPublisher events, Clock clock,
                     ReconcileSettings settings, RepairRequests restarts) {
        this.store = Objects.requireNonNull(store, "store");
        this.activations = Objects.requireNonNull(activations, "activations");
        this.managed = Objects.requireNonNull(managed, "managed");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.drains = Objects.requireNonNull(drains, "drains");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timeoutPolicy = new ApplyTimeoutPolicy(store, containers, events, clock);
        this.deregister = new Deregister(store, containers, managed, clock);
        this.recordFailure = new RecordFailure(store, events, clock);
        this.repair = new Repair(store, containers, events, clock, settings.repair(),
                Objects.requireNonNull(restarts, "restarts"));
    }

    /**
     * Runs once.
     *
     * @param runId a unique id for the run (the scheduled event's id), used as the events' request id
     * @throws NodeOperationException if a view cannot be read (nothing is fixed or recorded then)
     */
    public ReconcileResult run(String runId) {
        Instant startedAt = clock.instant();
        Optional<ReconcileRun> previous = store.lastReconcileRun();
        Fleet fleet = read();
        Classifier.Result classified = new Classifier(fleet, settings, startedAt).classify();
        Repair.Result repaired = repair.run(runId, classified.health(), settings.inventoryWrites());
        Repair.Result followed = repair.followUp(runId, fleet.nodes());
        List<Finding> found = new ArrayList<>(classified.findings());
        found.addAll(repaired.findings());
        found.addAll(followed.findings());

        Map<String, Finding> before = new HashMap<>();
        previous.ifPresent(p -> p.findings().forEach(f -> before.put(f.key(), f)));

        List<Finding> acted = new ArrayList<>();
        int[] budget = {settings.fixBudget()};
        int fixes = 0;
        for (Finding finding : found) {
            Finding earlier = before.get(finding.key());
            Finding f = earlier == null ? finding : finding.since(min(finding.since(), earlier.since()));
            Finding done = act(f, earlier, budget, startedAt);
            if (done.action() == FixAction.FIXED) {
                fixes++;
            }
            acted.add(done);
        }

        Map<String, Finding> now = new LinkedHashMap<>();
        acted.forEach(f -> now.put(f.key(), f));
        List<Finding> fresh = acted.stream().filter(f -> !before.containsKey(f.key())).toList();
        List<Finding> resolved = before.values().stream().filter(f -> !now.containsKey(f.key()))
                .sorted(Comparator.comparing(Finding::key)).toList();

        Map<FindingType, Integer> counts = new EnumMap<>(FindingType.class);
        // A node the classifier found nothing about may still be the repair's (an IMPAIRED instance): not OK then.
        java.util.Set<String> flagged = new java.util.HashSet<>();
        classified.findings().forEach(f -> flagged.add(f.subject()));
        long repairOnly = repaired.findings().stream().filter(f -> f.type() == FindingType.NODE_UNHEALTHY
                && !flagged.contains(f.subject())).count();
        counts.put(FindingType.OK, classified.ok() - (int) repairOnly);
        acted.forEach(f -> counts.merge(f.type(), 1, Integer::sum));

        // Acted-on and new findings first: those are what a person reading the record wants, and what idempotency
        // needs carried forward.
        List<Finding> stored = acted.stream()
                .sorted(Comparator.comparing((Finding f) -> f.action() == FixAction.REPORTED ? 1 : 0)
                        .thenComparing(f -> before.containsKey(f.key()) ? 1 : 0))
                .limit(settings.maxStoredFindings()).toList();
        int repairWrites = repaired.writes() + followed.writes();
        int[] inventory = recordInventory(classified.inventory(), settings.inventoryWrites() - repairWrites);
        int containerCount = fleet.containerInstances().size();
        ReconcileRun run = new ReconcileRun(runId, startedAt, clock.instant(), counts, stored,
                stored.size() < acted.size(), fixes, resolved.size(), fleet.nodes().size(),
                fleet.managedInstances().size(), containerCount, fleet.activations().size());
        store.putReconcileRun(run);

        int failures = 0;
        for (Finding f : fresh) {
            failures += publish(new NodeEvent.NodeDriftFound(subjectNode(f), runId, f.type().name(), f.subject(),
                    f.detail(), f.since().toString(), f.action().name()));
        }
        for (Finding f : resolved) {
            failures += publish(new NodeEvent.NodeDriftResolved(subjectNode(f), runId, f.type().name(), f.subject(),
                    f.since().toString()));
        }
        return new ReconcileResult(run, fresh, resolved, failures, inventory[0], inventory[1], repairWrites);
    }

    /**
     * Rewrites the nodes whose software changed, within what the repair left of the run's write budget, each conditional on the node's state as
     * read (a node that moved since is left to the next run). Returns {written, deferred}.
     */
    private int[] recordInventory(List<Classifier.InventoryUpdate> updates, int budget) {
        int written = 0;
        for (Classifier.InventoryUpdate u : updates) {
            if (written >= budget) {
                break;
            }
            try {
                store.updateNode(u.nodeId(), u.state(), NodeUpdate.none().withAgentVersions(u.versions()));
                written++;
            } catch (NodeOperationException e) {
                // Moved on (CONFLICT) or the store refused: the next run observes it again.
            }
        }
        return new int[] {written, Math.max(0, updates.size() - budget)};
    }

    // ---- reading ----

    private Fleet read() {
        List<NodeRecord> nodes = new ArrayList<>();
        for (NodeState s : NodeState.values()) {
            nodes.addAll(store.listNodesByState(s));
        }
        List<ListedManagedInstance> mis = activations.listManagedInstances();
        List<ContainerInstance> cis = new ArrayList<>();
        for (String cluster : settings.clusters()) {
            cis.addAll(containers.listAll(cluster));
        }
        List<ActivationInfo> acts = activations.listActivations();
        Instant now = clock.instant();
        Map<String, DrainExecution> executions = new HashMap<>();
        for (NodeRecord n : nodes) {
            boolean draining = n.state() == NodeState.DRAINING || n.state() == NodeState.DEREGISTERING;
            if (draining && n.lastRequestId() != null && n.stateChangedAt().plus(settings.grace()).isBefore(now)) {
                drains.find(n.lastRequestId()).ifPresent(e -> executions.put(n.lastRequestId(), e));
            }
        }
        return new Fleet(nodes, mis, cis, acts, executions);
    }

    // ---- acting ----

    private Finding act(Finding f, Finding earlier, int[] budget, Instant now) {
        if (f.fixKind() == FixKind.NONE) {
            return f;
        }
        if (earlier != null && earlier.fixedAt() != null) {
            return f.acted(FixAction.ALREADY_FIXED, "fixed by an earlier run at " + earlier.fixedAt()
                    + "; not repeated", earlier.fixedAt());
        }
        boolean allowed = f.fixKind() == FixKind.SAFE ? settings.safeFixes() : settings.membershipFixes();
        if (!allowed) {
            return f.acted(FixAction.SKIPPED_DISABLED, f.fixKind() == FixKind.SAFE ? "safe fixes are turned off"
                    : "fixes that change fleet membership are turned off", null);
        }
        if (f.fixKind() == FixKind.MEMBERSHIP) {
            if (budget[0] <= 0) {
                return f.acted(FixAction.SKIPPED_BUDGET, "this run's budget of " + settings.fixBudget()
                        + " membership fixes is spent", null);
            }
            budget[0]--;
        }
        try {
            String resolvedWhy = fix(f);
            return resolvedWhy == null ? f.acted(FixAction.FIXED, fixedText(f), now)
                    : f.acted(FixAction.RESOLVED_ON_RECHECK, resolvedWhy, null);
        } catch (NodeOperationException e) {
            return f.acted(FixAction.FAILED, e.reason() + ": " + e.detail(), null);
        }
    }

    /** Applies the fix after re-checking; returns {@code null} when fixed, else why nothing was needed. */
    private String fix(Finding f) {
        return switch (f.type()) {
            case LEFTOVER_ACTIVATION -> deleteActivation(f);
            case STUCK_OPERATION -> closeStuck(f);
            case ORPHAN_IN_SSM -> deregisterManaged(f);
            case ORPHAN_IN_ECS -> deregisterContainer(f);
            default -> throw new IllegalStateException(f.type() + " has no fix");
        };
    }

    private String deleteActivation(Finding f) {
        Optional<NodeRecord> owner = f.nodeId() == null ? Optional.empty() : store.getNode(f.nodeId());
        if (owner.isPresent() && owner.get().state() == NodeState.REGISTERING
                && Objects.equals(owner.get().lastRequestId(), f.requestId())) {
            return "node " + f.nodeId() + " is registering with it right now";
        }
        activations.delete(f.activationId());
        return null;
    }

    private String deregisterManaged(Finding f) {
        if (managed.describe(f.managedInstanceId()).isEmpty()) {
            return "managed instance " + f.managedInstanceId() + " is already gone";
        }
        String held = heldByLiveNode(f, n -> f.managedInstanceId().equals(n.managedInstanceId()));
        if (held != null) {
            return held;
        }
        managed.deregister(f.managedInstanceId());
        return null;
    }

    private String deregisterContainer(Finding f) {
        Optional<ContainerInstance> ci = containers.describe(f.cluster(), f.containerInstanceArn());
        if (ci.isEmpty() || ci.get().status().isGone()) {
            return "container instance " + f.containerInstanceArn() + " is already gone";
        }
        String held = heldByLiveNode(f, n -> f.containerInstanceArn().equals(n.containerInstanceArn())
                || ci.get().managedInstanceId() != null && ci.get().managedInstanceId().equals(n.managedInstanceId()));
        if (held != null) {
            return held;
        }
        // Never with force: an orphan that still runs tasks is a person's decision (the fix fails with CONFLICT).
        containers.deregister(f.cluster(), f.containerInstanceArn(), false);
        return null;
    }

    /** Whether the node named by the finding now holds the resource (the listing was stale): a strong read. */
    private String heldByLiveNode(Finding f, java.util.function.Predicate<NodeRecord> holds) {
        if (f.nodeId() == null) {
            return null;
        }
        Optional<NodeRecord> node = store.getNode(f.nodeId());
        if (node.isPresent() && (node.get().state().isBusy()
                || Classifier.EXPECTED.contains(node.get().state()) && holds.test(node.get()))) {
            return "node " + f.nodeId() + " is " + node.get().state() + " and holds it now";
        }
        return null;
    }

    private String closeStuck(Finding f) {
        NodeRecord node = store.getNode(f.subject()).orElse(null);
        if (node == null || !node.state().isBusy()) {
            return "node " + f.subject() + " is " + (node == null ? "gone" : node.state()) + " now";
        }
        Instant now = clock.instant();
        if (node.state() == NodeState.REGISTERING) {
            if (!node.updatedAt().plus(settings.stuckAfter()).isBefore(now)) {
                return "the registration shows progress again";
            }
            return closeRegistration(node);
        }
        if (!node.stateChangedAt().plus(settings.grace()).isBefore(now)) {
            return "the node moved recently";
        }
        String requestId = node.lastRequestId();
        if (requestId == null || store.getRequest(requestId).isEmpty()) {
            throw new PermanentException(Reason.NOT_FOUND, "node " + node.nodeId() + " is " + node.state()
                    + " but its request has no record; a person must look");
        }
        Optional<DrainExecution> execution = drains.find(requestId);
        if (execution.isPresent() && execution.get().running()) {
            return "the drain workflow of request " + requestId + " is running";
        }
        DrainStart input = execution.map(DrainExecution::input).orElse(null);
        TimeoutPolicy policy = input != null ? input.policy() : settings.defaultPolicy();
        DrainPurpose purpose = input != null ? input.purpose() : DrainPurpose.DEREGISTER;
        if (purpose == DrainPurpose.UPGRADE && policy == TimeoutPolicy.FORCE) {
            // The reconciler never upgrades a host: a stuck upgrade's drain ends as a revert would end it.
            policy = TimeoutPolicy.REVERT;
        }
        DrainState state = new DrainState(requestId, node.nodeId(), node.cluster(), node.containerInstanceArn(),
                input != null ? input.deadline() : now, policy, node.version(), node.state(),
                weSetDraining(requestId), 0, null, 0, 0, 0, List.of(), false, false, purpose,
                input != null ? input.targets() : null);
        if (node.state() == NodeState.DEREGISTERING) {
            recordFailure.handle(state, ended(requestId, "the deregistration"));
            return null;
        }
        if (node.containerInstanceArn() != null && node.cluster() != null) {
            state = state.withCheck(DrainCheck.decide(now, state.deadline(),
                    containers.listTasks(node.cluster(), node.containerInstanceArn())), 0);
        }
        TimeoutAction action = TimeoutAction.decide(policy, state.weSetDraining());
        if (action.forcesDeregistration() && !settings.membershipFixes()) {
            // Classified as MEMBERSHIP, so this is only reached when the policy changed since; stay safe.
            throw new PermanentException(Reason.CONFLICT, "policy force needs membership fixes turned on");
        }
        DrainState after = timeoutPolicy.handle(state);
        if (after.forced()) {
            DrainState gone = deregister.handle(after);
            recordFailure.handle(gone, ended(requestId, "the drain (policy force applied by the reconciler)"));
        }
        return null;
    }

    private String closeRegistration(NodeRecord node) {
        Failure failure = new Failure(Reason.TIMED_OUT, "the registration showed no progress since "
                + node.updatedAt() + "; closed as failed by the reconciler (it may have left instances or an "
                + "activation behind: the next runs report and clean them)");
        TransitionResult moved = store.transition(node.nodeId(),
                new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, node.version()),
                NodeUpdate.none().withLastError(failure));
        if (moved.decision() == TransitionDecision.CONFLICT) {
            return "node " + node.nodeId() + " moved on (" + (moved.node() == null ? "gone" : moved.node().state())
                    + ")";
        }
        String requestId = node.lastRequestId();
        if (requestId != null) {
            Optional<RequestRecord> request = store.getRequest(requestId);
            if (request.isPresent()) {
                store.appendStep(requestId, new dev.ecsa.core.model.Step("reconcile", clock.instant(),
                        clock.instant(), StepResult.FAILED, failure.message()));
                store.finishRequest(requestId, Outcome.TIMED_OUT, failure);
            }
        }
        events.publish(new NodeEvent.NodeRegistrationFailed(node.nodeId(), requestId, Reason.TIMED_OUT.name(),
                failure.message()));
        return null;
    }

    /** Whether the drain's own call set DRAINING (StartDrain records it), so a revert may undo it. */
    private boolean weSetDraining(String requestId) {
        return store.getRequest(requestId).map(r -> r.steps().stream().anyMatch(s ->
                s.name().equals(StartDrain.SET_DRAINING) && s.result() == StepResult.SUCCEEDED)).orElse(false);
    }

    private static CaughtError ended(String requestId, String what) {
        return new CaughtError(PermanentException.class.getName(), Reason.TIMED_OUT.name() + ": " + what
                + " of request " + requestId + " ended without finishing (its workflow is not running); closed by "
                + "the reconciler");
    }

    private static String fixedText(Finding f) {
        return switch (f.type()) {
            case LEFTOVER_ACTIVATION -> "activation deleted";
            case STUCK_OPERATION -> "operation closed";
            case ORPHAN_IN_SSM -> "managed instance deregistered from SSM";
            case ORPHAN_IN_ECS -> "container instance deregistered from ECS";
            default -> "fixed";
        };
    }

    private int publish(NodeEvent event) {
        try {
            events.publish(event);
            return 0;
        } catch (NodeOperationException e) {
            return 1;
        }
    }

    private static String subjectNode(Finding f) {
        return f.nodeId() != null ? f.nodeId() : f.subject();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
