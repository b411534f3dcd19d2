package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.intake.Attempt;
import dev.ecsa.core.intake.IntakeResult;
import dev.ecsa.core.intake.RequestRecords;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Registers a node (issue 3): record the request, take the per-node guard, create a single-use activation, run the
 * bootstrap over SSH with a verified host key, verify the result in SSM and ECS, record REGISTERED, delete the
 * activation, publish the outcome.
 *
 * <p><b>Redelivery converges.</b> The request is recorded once (by id); the guard's move to REGISTERING carries the
 * request id as the node's {@code lastRequestId}, so a redelivery recognises the node as its own and resumes. Every
 * activation the request created is recorded (its id, in the {@value #STEP_ACTIVATION} step) before it is used; a
 * resumed run first asks SSM whether the host already registered with one of them — and if ECS shows that instance
 * ACTIVE and connected, finishes as REGISTERED without touching the host — then deletes them all before creating its
 * own. A host that reports it is already registered, with ids SSM and ECS confirm for this node, is adopted rather
 * than registered twice. A crash between SSM creating an activation and the id being recorded leaves the step
 * STARTED: the redelivery then finds that activation by its request-id tag and deletes it too.
 *
 * <p><b>Copies at once.</b> Two deliveries of one request may run at the same time (a duplicate message in another
 * group, or a visibility timeout shorter than a run). Only one works: a delivery resumes a node REGISTERING for its
 * request only when the earlier one has ended — it recorded a retryable {@code lastError}, or its lease (the
 * registration budget from its last write of the node) has run out — and takes it over with an optimistic
 * {@link NodeStore#claimNode claim}; a copy that finds the node already REGISTERED or REGISTRATION_FAILED for its
 * request finishes the request only once that lease has run out (the owner may be about to). The other copy is
 * retried (NODE_BUSY), and on its last delivery acknowledged without touching the request.
 *
 * <p><b>Failures</b> record the step, the reason and the host's output tail, move the node to REGISTRATION_FAILED
 * and publish NodeRegistrationFailed. Retryable ones (unreachable host, throttling, an agent still starting) instead
 * leave the node REGISTERING for the redelivery and rethrow — except on the {@link Attempt#isLast() last} delivery,
 * where they become the outcome. The activation is deleted whatever happens once it exists.
 *
 * <p><b>Secrets.</b> The activation code goes into the rendered script and nowhere else; any host text recorded is
 * additionally scrubbed of it (the host scrubs too).
 */
public final class RegisterNode {

    /** Step: the per-node guard. */
    public static final String STEP_GUARD = "guard";
    /** Step: a redelivery looking at the activations an earlier delivery created. */
    public static final String STEP_RESUME = "resume";
    /** Step: reading the SSH private key. */
    public static final String STEP_SSH_KEY = "ssh-key";
    /** Step: creating the activation; its detail starts with {@value #ACTIVATION_PREFIX} and the id. */
    public static final String STEP_ACTIVATION = "activation";
    /** Step: the bootstrap script over SSH. */
    public static final String STEP_BOOTSTRAP = "bootstrap";
    /** Step: pinning the host key observed on the connection. */
    public static final String STEP_HOST_KEY = "host-key";
    /** Step: checking the host's report against SSM and ECS. */
    public static final String STEP_VERIFY = "verify";
    /** Step: the move to REGISTERED. */
    public static final String STEP_RECORD = "record";
    /** Step: deleting an activation; its detail starts with {@value #ACTIVATION_PREFIX} and the id. */
    public static final String STEP_DELETE_ACTIVATION = "delete-activation";

    static final String ACTIVATION_PREFIX = "activationId=";
    private static final String REDACTED = "[REDACTED]";
    private static final int GUARD_TRIES = 3;
    private static final int MAX_TEXT = 2000;

    private final NodeStore store;
    private final HybridActivations activations;
    private final ManagedInstances managedInstances;
    private final ContainerInstances containerInstances;
    private final RemoteHost remoteHost;
    private final SecretSource secrets;
    private final BootstrapScripts scripts;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RegistrationSettings settings;

    public RegisterNode(NodeStore store, HybridActivations activations, ManagedInstances managedInstances,
                        ContainerInstances containerInstances, RemoteHost remoteHost, SecretSource secrets,
                        BootstrapScripts scripts, EventPublisher events, Clock clock, Sleeper sleeper,
                        RegistrationSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.activations = Objects.requireNonNull(activations, "activations");
        this.managedInstances = Objects.requireNonNull(managedInstances, "managedInstances");
        this.containerInstances = Objects.requireNonNull(containerInstances, "containerInstances");
        this.remoteHost = Objects.requireNonNull(remoteHost, "remoteHost");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Takes one delivery of a registration.
     *
     * @return the completed request (REGISTERED, ALREADY_REGISTERED, REJECTED, FAILED, TIMED_OUT), or a replay's report
     * @throws RetryableException when a retryable condition (a busy node, an unreachable host, throttling...) should
     *     be retried by redelivery; never on the last attempt
     * @throws PermanentException CONFLICT if the request id is already used by another request
     */
    public IntakeResult register(RegisterRequest request, Attempt attempt) {
        Instant start = clock.instant();
        Instant deadline = start.plus(attempt.cap(settings.budget()));
        RequestRecord record = RequestRecords.recordOrFind(store, request, start);
        if (record.completed()) {
            return IntakeResult.of(record, true);
        }
        return new Run(request, attempt, deadline).execute();
    }

    /** A verified registration: the ids and versions to record. */
    private record Verified(String managedInstanceId, String containerInstanceArn, AgentVersions versions,
                            String how) {
    }

    /** One delivery's run; holds what it has created so far. */
    private final class Run {
        private final RegisterRequest request;
        private final Attempt attempt;
        private final Instant deadline;
        private final String cluster;
        private final String requestId;
        private final String nodeId;
        private NodeRecord node;
        private Activation activation;
        private boolean activationDeleted;
        private boolean registered;
        private String observedHostKey;

        Run(RegisterRequest request, Attempt attempt, Instant deadline) {
            this.request = request;
            this.attempt = attempt;
            this.deadline = deadline;
            this.cluster = request.requestedCluster().orElse(settings.defaultCluster());
            this.requestId = request.requestId();
            this.nodeId = request.nodeId();
        }

        IntakeResult execute() {
            IntakeResult early = guard();
            if (early != null) {
                return early;
            }
            try {
                Verified verified = resume();
                if (verified == null) {
                    verified = bootstrapAndVerify();
                }
                return complete(verified);
            } catch (NodeOperationException e) {
                return fail(e);
            } catch (RuntimeException e) {
                // A bug, not a condition: record it (the class name only; a message could quote anything).
                return fail(new PermanentException(Reason.INTERNAL,
                        "unexpected " + e.getClass().getName() + " during the registration", e));
            } finally {
                deleteActivation();
            }
        }

        // --- guard -----------------------------------------------------------------------------------------

        /** Takes the node for this request, or ends the request; {@code null} means "go on". */
        private IntakeResult guard() {
            NodeRecord current = store.getNode(nodeId).orElse(null);
            for (int tries = 1; ; tries++) {
                Instant at = clock.instant();
                if (current == null) {
                    NodeCreation created = store.createNodeIfAbsent(
                            NodeRecord.newRegistration(request, cluster, at));
                    if (created.created()) {
                        node = created.node();
                        appendStep(new Step(STEP_GUARD, at, clock.instant(), StepResult.SUCCEEDED,
                                "new node, REGISTERING"));
                        return null;
                    }
                    current = created.node();
                }
                if (requestId.equals(current.lastRequestId())) {
                    switch (current.state()) {
                        case REGISTERING -> {
                            return resumeOrWait(current, at);
                        }
                        // The owner may still be between its last node write and finishing the request.
                        case REGISTERED -> {
                            return leaseHeld(current, at) ? anotherDeliveryRuns() : finishRegisteredEarlier(current);
                        }
                        case REGISTRATION_FAILED -> {
                            return leaseHeld(current, at) ? anotherDeliveryRuns() : finishFailedEarlier(current);
                        }
                        default -> {
                            // A later request has moved the node on; handled like any other state below.
                        }
                    }
                }
                switch (current.state()) {
                    case REGISTERING, DRAINING, DEREGISTERING -> {
                        return busy(current);
                    }
                    case REGISTERED -> {
                        return alreadyRegistered(current);
                    }
                    case DRAIN_KEPT -> {
                        return reject(Reason.INVALID_STATE, "node " + nodeId + " is DRAIN_KEPT: still registered in "
                                + current.cluster() + " and left draining; deregister it first");
                    }
                    case REGISTRATION_FAILED, DEREGISTERED -> {
                        NodeUpdate update = NodeUpdate.none().withLastRequestId(requestId).withCluster(cluster)
                                .withSsh(request.address(), request.port(), request.sshUser()).clearingLastError();
                        if (request.hostKeyFingerprint() != null) {
                            // The request's fingerprint is the operator's statement about the host (e.g. after a
                            // reinstall): it replaces the pinned one.
                            update = update.withHostKeyFingerprint(request.hostKeyFingerprint());
                        }
                        TransitionResult moved = store.transition(nodeId,
                                new Transition(current.state(), NodeState.REGISTERING, current.version()), update);
                        if (moved.decision() != TransitionDecision.CONFLICT) {
                            node = moved.node();
                            appendStep(new Step(STEP_GUARD, at, clock.instant(), StepResult.SUCCEEDED,
                                    current.state() + " -> REGISTERING at version " + node.version()));
                            return null;
                        }
                        if (tries >= GUARD_TRIES && moved.node() != null) {
                            return busy(moved.node());
                        }
                        current = moved.node();
                    }
                    default -> throw new IllegalStateException("unhandled node state " + current.state());
                }
            }
        }

        /**
         * The node is REGISTERING for this very request: either an earlier delivery ended without an outcome (it
         * failed retryably, recording {@code lastError}, or died and its lease ran out) and this one takes over, or
         * another copy of the message is being worked on right now and this one must not touch the host or the
         * activations. The lease is the registration budget from the owner's last write of the node; taking over is
         * an optimistic claim, so of two redeliveries only one resumes.
         */
        private IntakeResult resumeOrWait(NodeRecord current, Instant at) {
            boolean ended = current.lastError() != null || !leaseHeld(current, at);
            Optional<NodeRecord> claimed = ended
                    ? store.claimNode(current, NodeUpdate.none().clearingLastError()) : Optional.empty();
            if (claimed.isEmpty()) {
                return anotherDeliveryRuns();
            }
            node = claimed.get();
            appendStep(new Step(STEP_GUARD, at, clock.instant(), StepResult.SKIPPED,
                    "resuming: the node is REGISTERING for this request"));
            return null;
        }

        /** Whether the delivery that last wrote the node for this request may still be running. */
        private boolean leaseHeld(NodeRecord current, Instant at) {
            return current.updatedAt().plus(settings.budget()).isAfter(at);
        }

        private IntakeResult anotherDeliveryRuns() {
            String message = "another delivery of request " + requestId + " is registering node " + nodeId;
            if (!attempt.isLast()) {
                throw new RetryableException(Reason.NODE_BUSY, message + "; this copy waits");
            }
            // The live delivery owns the request and records its outcome: this copy leaves it alone.
            return IntakeResult.of(store.getRequest(requestId).orElseThrow(), true);
        }

        private IntakeResult busy(NodeRecord current) {
            String message = "node " + nodeId + " is " + current.state() + " for request " + current.lastRequestId();
            if (!attempt.isLast()) {
                throw new RetryableException(Reason.NODE_BUSY, message + "; the request waits");
            }
            return reject(Reason.NODE_BUSY, message + " and stayed busy for " + attempt.receiveCount()
                    + " deliveries");
        }

        /** The node is REGISTERED (by another request): a cheap look in SSM and ECS, no activation. */
        private IntakeResult alreadyRegistered(NodeRecord current) {
            if (!cluster.equals(current.cluster())) {
                return reject(Reason.INVALID_STATE, "node " + nodeId + " is registered in cluster "
                        + current.cluster() + ", not " + cluster + "; deregister it first");
            }
            List<String> missing = new ArrayList<>();
            if (current.managedInstanceId() == null
                    || managedInstances.describe(current.managedInstanceId()).isEmpty()) {
                missing.add("SSM does not list " + current.managedInstanceId());
            }
            if (current.containerInstanceArn() == null || containerInstances
                    .describe(cluster, current.containerInstanceArn()).filter(ci -> !ci.status().isGone())
                    .isEmpty()) {
                missing.add("ECS does not list " + current.containerInstanceArn());
            }
            if (!missing.isEmpty()) {
                return reject(Reason.INVALID_STATE, "node " + nodeId + " is recorded as REGISTERED, but "
                        + String.join(" and ", missing) + "; deregister it (or let the reconciler repair the record)"
                        + " before registering it again");
            }
            Instant at = clock.instant();
            appendStep(new Step(STEP_GUARD, at, at, StepResult.SKIPPED, "already registered as "
                    + current.managedInstanceId() + " / " + current.containerInstanceArn() + " (SSM and ECS agree)"));
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, cluster, current.managedInstanceId(),
                    current.containerInstanceArn()));
            return IntakeResult.of(store.finishRequest(requestId, Outcome.ALREADY_REGISTERED, null), false);
        }

        /** An earlier delivery moved the node to REGISTERED but stopped before finishing the request. */
        private IntakeResult finishRegisteredEarlier(NodeRecord current) {
            deleteRecordedActivations();
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, current.cluster(),
                    current.managedInstanceId(), current.containerInstanceArn()));
            return IntakeResult.of(store.finishRequest(requestId, Outcome.REGISTERED, null), false);
        }

        /** An earlier delivery moved the node to REGISTRATION_FAILED but stopped before finishing the request. */
        private IntakeResult finishFailedEarlier(NodeRecord current) {
            deleteRecordedActivations();
            Failure failure = current.error().orElse(new Failure(Reason.INTERNAL, "the registration failed"));
            events.publish(new NodeEvent.NodeRegistrationFailed(nodeId, requestId, failure.reason().name(),
                    failure.message()));
            return IntakeResult.of(store.finishRequest(requestId, outcomeFor(failure.reason()), failure), false);
        }

        private IntakeResult reject(Reason reason, String message) {
            Instant at = clock.instant();
            appendStep(new Step(STEP_GUARD, at, at, StepResult.FAILED, reason + ": " + message));
            events.publish(new NodeEvent.NodeRequestRejected(nodeId, requestId, request.action().wireName(),
                    reason + ": " + message));
            return IntakeResult.of(store.finishRequest(requestId, Outcome.REJECTED, new Failure(reason, message)),
                    false);
        }

        // --- resume ----------------------------------------------------------------------------------------

        /**
         * Looks at the activations earlier deliveries created: if the host registered with one and ECS shows it
         * ACTIVE, that is the registration. Then deletes them, so no earlier activation stays live.
         */
        private Verified resume() {
            Map<String, Boolean> earlier = recordedActivations();
            if (activationCreationInterrupted()) {
                // An earlier delivery died between CreateActivation and recording the id: find it by its tags.
                activations.findForRequest(nodeId, requestId).forEach(id -> earlier.putIfAbsent(id, false));
            }
            if (earlier.isEmpty()) {
                return null;
            }
            Instant at = clock.instant();
            Verified found = null;
            for (String id : earlier.keySet()) {
                Optional<ManagedInstance> mi = activations.findManagedInstance(id);
                if (mi.isPresent() && found == null) {
                    Optional<ContainerInstance> ci = findContainerInstance(mi.get().instanceId())
                            .filter(RegisterNode::ready);
                    if (ci.isPresent()) {
                        found = new Verified(mi.get().instanceId(), ci.get().arn(),
                                new AgentVersions(mi.get().agentVersion(), ci.get().agentVersion(), null),
                                "the host registered with earlier activation " + id);
                    }
                }
            }
            for (Map.Entry<String, Boolean> e : earlier.entrySet()) {
                if (!e.getValue()) {
                    deleteActivation(e.getKey());
                }
            }
            appendStep(new Step(STEP_RESUME, at, clock.instant(), StepResult.SUCCEEDED, found != null ? found.how()
                    : "no registration from the " + earlier.size() + " earlier activation(s); deleted them"));
            return found;
        }

        private void deleteRecordedActivations() {
            recordedActivations().forEach((id, deleted) -> {
                if (!deleted) {
                    deleteActivation(id);
                }
            });
        }

        /** Whether an earlier delivery started creating an activation and never recorded how that ended. */
        private boolean activationCreationInterrupted() {
            List<Step> steps = store.getRequest(requestId).map(RequestRecord::steps).orElse(List.of());
            return steps.stream().anyMatch(s -> s.name().equals(STEP_ACTIVATION) && s.result() == StepResult.STARTED);
        }

        /** Activation ids this request recorded, each with whether its deletion was recorded too. */
        private Map<String, Boolean> recordedActivations() {
            Map<String, Boolean> ids = new LinkedHashMap<>();
            Set<String> deleted = new LinkedHashSet<>();
            for (Step s : store.getRequest(requestId).map(RequestRecord::steps).orElse(List.of())) {
                String id = activationIdOf(s);
                if (id == null) {
                    continue;
                }
                if (s.name().equals(STEP_ACTIVATION) && s.result() == StepResult.SUCCEEDED) {
                    ids.put(id, false);
                } else if (s.name().equals(STEP_DELETE_ACTIVATION) && s.result() == StepResult.SUCCEEDED) {
                    deleted.add(id);
                }
            }
            ids.replaceAll((id, d) -> deleted.contains(id));
            return ids;
        }

        // --- bootstrap and verify ----------------------------------------------------------------------------

        private Verified bootstrapAndVerify() {
            requireTime(settings.minimumHostTime().plus(settings.verifyReserve()), "starting the bootstrap");
            SshPrivateKey key = step(STEP_SSH_KEY, () -> secrets.sshPrivateKey(settings.sshKeySecretId()),
                    k -> "secret " + k.secretId());
            createActivation();

            Duration hostTime = remaining().minus(settings.verifyReserve());
            if (hostTime.compareTo(settings.minimumHostTime()) < 0) {
                throw budgetExhausted("the bootstrap");
            }
            Duration connect = min(settings.connectTimeout(), hostTime.dividedBy(4));
            Duration command = hostTime.minus(connect);
            Duration agentWait = min(settings.agentWait(), command.dividedBy(2));
            String script = scripts.render(new BootstrapInput(nodeId, cluster, activation, ecsAttributes(),
                    containerInstanceTags(), agentWait));
            HostKeyPolicy policy = HostKeyPolicy.forFingerprint(node.hostKeyFingerprint());
            ScriptRun run = new ScriptRun(new SshTarget(request.address(), request.port(), request.sshUser()), policy,
                    key, ScriptRun.DEFAULT_COMMAND, script, connect, command);

            BootstrapReport report = step(STEP_BOOTSTRAP, () -> runBootstrap(run, policy),
                    r -> r.ok() ? "the host reports " + r.managedInstanceId() + " / " + r.containerInstanceArn()
                            : "the host reports an existing registration " + r.managedInstanceId());
            if (report.ok()) {
                return step(STEP_VERIFY, () -> verify(report), Verified::how);
            }
            return step(STEP_VERIFY, () -> adopt(report), Verified::how);
        }

        /** Runs the script, pins the host key, and reads the report; a host-side failure is thrown as its reason. */
        private BootstrapReport runBootstrap(ScriptRun run, HostKeyPolicy policy) {
            ScriptResult result = runOnHost(run);
            pinHostKey(result.observedHostKeyFingerprint(), policy);
            BootstrapReport report;
            try {
                report = scripts.parse(result);
            } catch (NodeOperationException e) {
                throw NodeOperationException.of(e.reason(),
                        scrub(e.detail() + tailNote("stderr", result.stderrTail())), e);
            }
            if (!report.ok() && !report.alreadyRegistered()) {
                throw NodeOperationException.of(report.reason(), hostFailure(report));
            }
            return report;
        }

        private ScriptResult runOnHost(ScriptRun run) {
            try {
                return remoteHost.run(run);
            } catch (RetryableException e) {
                if (e.reason() == Reason.TIMED_OUT) {
                    // The command's limit is what the budget left for it: a retry would not have more.
                    throw new PermanentException(Reason.TIMED_OUT, "the bootstrap did not finish within "
                            + run.commandTimeout().toSeconds() + " s, what the registration budget left for it", e);
                }
                throw e;
            }
        }

        private void createActivation() {
            requireTime(settings.minimumHostTime(), "creating the activation");
            Map<String, String> tags = new LinkedHashMap<>(request.tags());
            tags.put(RegistrationSettings.STACK_TAG, settings.stackName());
            ActivationSpec spec = new ActivationSpec(nodeId, requestId,
                    clock.instant().plus(settings.activationExpiry()), tags);
            step(STEP_ACTIVATION, () -> {
                activation = activations.create(spec);
                return activation;
            }, a -> ACTIVATION_PREFIX + a.activationId() + " expires " + a.expiresAt());
        }

        private Map<String, String> ecsAttributes() {
            Map<String, String> a = new LinkedHashMap<>(request.attributes());
            a.put(RegistrationSettings.NODE_ATTRIBUTE, nodeId);
            return a;
        }

        private Map<String, String> containerInstanceTags() {
            Map<String, String> t = new LinkedHashMap<>(request.tags());
            t.put(RegistrationSettings.NODE_TAG, nodeId);
            t.put(RegistrationSettings.REQUEST_TAG, requestId);
            t.put(RegistrationSettings.STACK_TAG, settings.stackName());
            return t;
        }

        private void pinHostKey(String observed, HostKeyPolicy policy) {
            observedHostKey = observed;
            if (observed.equals(node.hostKeyFingerprint())) {
                return;
            }
            Instant at = clock.instant();
            node = store.updateNode(nodeId, NodeState.REGISTERING, NodeUpdate.none().withHostKeyFingerprint(observed));
            appendStep(new Step(STEP_HOST_KEY, at, clock.instant(), StepResult.SUCCEEDED,
                    (policy instanceof HostKeyPolicy.PinOnFirstUse ? "pinned on first use: " : "pinned: ") + observed));
        }

        /** The host says it registered: SSM and ECS must say the same. */
        private Verified verify(BootstrapReport report) {
            String activationId = activation.activationId();
            ManagedInstance mi = poll(() -> activations.findManagedInstance(activationId)).orElseThrow(() ->
                    new PermanentException(Reason.IDS_MISMATCH, "SSM lists no managed instance for activation "
                            + activationId + ", but the host reported " + report.managedInstanceId()));
            if (!mi.instanceId().equals(report.managedInstanceId())) {
                throw new PermanentException(Reason.IDS_MISMATCH, "the host reported " + report.managedInstanceId()
                        + ", SSM lists " + mi.instanceId() + " for activation " + activationId);
            }
            if (report.cluster() != null && !report.cluster().isEmpty() && !cluster.equals(report.cluster())) {
                throw new PermanentException(Reason.IDS_MISMATCH, "the host's ECS agent joined cluster "
                        + report.cluster() + ", not " + cluster);
            }
            ContainerInstance ci = readyContainerInstance(mi.instanceId(), Reason.IDS_MISMATCH);
            if (!ci.arn().equals(report.containerInstanceArn())) {
                throw new PermanentException(Reason.IDS_MISMATCH, "the host reported " + report.containerInstanceArn()
                        + ", ECS lists " + ci.arn() + " for " + mi.instanceId());
            }
            AgentVersions reported = report.agentVersions();
            return new Verified(mi.instanceId(), ci.arn(), new AgentVersions(
                    pick(reported.ssmAgent(), mi.agentVersion()), pick(reported.ecsAgent(), ci.agentVersion()),
                    reported.ecsInit()), "verified " + mi.instanceId() + " / " + ci.arn() + " in SSM and ECS");
        }

        /**
         * The host is already registered. If SSM lists that managed instance under this node's name and ECS shows it
         * ACTIVE in this cluster, it is this node's own registration (from an earlier, interrupted run): adopt it.
         */
        private Verified adopt(BootstrapReport report) {
            String mi = report.managedInstanceId();
            Optional<ManagedInstance> known = mi == null || mi.isEmpty() ? Optional.empty()
                    : managedInstances.describe(mi).filter(m -> nodeId.equals(m.name()));
            if (known.isEmpty()) {
                throw new PermanentException(Reason.PREFLIGHT_FAILED, hostFailure(report)
                        + " (SSM does not list that registration for node " + nodeId + ")");
            }
            ContainerInstance ci = readyContainerInstance(mi, Reason.PREFLIGHT_FAILED);
            if (report.containerInstanceArn() != null && !report.containerInstanceArn().isEmpty()
                    && !ci.arn().equals(report.containerInstanceArn())) {
                throw new PermanentException(Reason.IDS_MISMATCH, "the host runs container instance "
                        + report.containerInstanceArn() + ", ECS lists " + ci.arn() + " for " + mi);
            }
            return new Verified(mi, ci.arn(), new AgentVersions(known.get().agentVersion(), ci.agentVersion(), null),
                    "the host was already registered as " + mi + " / " + ci.arn()
                            + "; SSM and ECS confirm it for this node");
        }

        /** The container instance of {@code mi}, once ACTIVE with its agent connected; waits while it comes up. */
        private ContainerInstance readyContainerInstance(String mi, Reason whenAbsent) {
            Optional<ContainerInstance> last = poll(() -> {
                Optional<ContainerInstance> ci = findContainerInstance(mi);
                return ci.filter(RegisterNode::ready).isPresent() ? ci : Optional.<ContainerInstance>empty();
            });
            if (last.isPresent()) {
                return last.get();
            }
            Optional<ContainerInstance> seen = findContainerInstance(mi);
            if (seen.isEmpty()) {
                throw NodeOperationException.of(whenAbsent, "ECS lists no container instance for " + mi
                        + " in cluster " + cluster);
            }
            throw new RetryableException(Reason.AGENT_NOT_READY, "container instance " + seen.get().arn() + " is "
                    + seen.get().status() + (seen.get().agentConnected() ? "" : " with its agent disconnected"));
        }

        /**
         * The container instance of managed instance {@code mi}: by ECS's {@code ec2InstanceId}, or else by the
         * {@value RegistrationSettings#NODE_ATTRIBUTE} attribute the bootstrap wrote into ecs.config, as long as the
         * instance found names no other managed instance (ECS may report the {@code mi-} id late, or not at all for
         * an agent that registered before the SSM agent had its id).
         */
        private Optional<ContainerInstance> findContainerInstance(String mi) {
            Optional<ContainerInstance> byId = containerInstances.findByManagedInstanceId(cluster, mi);
            if (byId.isPresent()) {
                return byId;
            }
            return containerInstances.findByAttribute(cluster, RegistrationSettings.NODE_ATTRIBUTE, nodeId)
                    .filter(ci -> ci.managedInstanceId() == null || ci.managedInstanceId().isEmpty()
                            || ci.managedInstanceId().equals(mi));
        }

        /** Calls {@code look} until it finds something or the budget runs out (SSM and ECS lag the host a little). */
        private <T> Optional<T> poll(Supplier<Optional<T>> look) {
            while (true) {
                Optional<T> found = look.get();
                if (found.isPresent()) {
                    return found;
                }
                if (remaining().compareTo(settings.verifyPollInterval()) <= 0) {
                    return Optional.empty();
                }
                try {
                    sleeper.sleep(settings.verifyPollInterval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RetryableException(Reason.TIMED_OUT, "interrupted while waiting for SSM and ECS");
                }
            }
        }

        // --- outcome -----------------------------------------------------------------------------------------

        private IntakeResult complete(Verified v) {
            NodeUpdate update = NodeUpdate.none().withCluster(cluster).withManagedInstanceId(v.managedInstanceId())
                    .withContainerInstanceArn(v.containerInstanceArn()).withAgentVersions(v.versions())
                    .withLastRequestId(requestId).clearingLastError();
            if (observedHostKey != null) {
                update = update.withHostKeyFingerprint(observedHostKey);
            }
            NodeUpdate finalUpdate = update;
            step(STEP_RECORD, () -> store.transition(nodeId,
                    new Transition(NodeState.REGISTERING, NodeState.REGISTERED, node.version()), finalUpdate)
                    .orThrow(), n -> "REGISTERED at version " + n.version());
            registered = true;
            deleteActivation();
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, cluster, v.managedInstanceId(),
                    v.containerInstanceArn()));
            return IntakeResult.of(store.finishRequest(requestId, Outcome.REGISTERED, null), false);
        }

        private IntakeResult fail(NodeOperationException e) {
            if (registered || (e.retryable() && !attempt.isLast())) {
                if (!registered) {
                    // The node stays REGISTERING for this request: the redelivery resumes it.
                    try {
                        store.updateNode(nodeId, NodeState.REGISTERING,
                                NodeUpdate.none().withLastError(new Failure(e.reason(), scrub(e.detail()))));
                    } catch (NodeOperationException ignored) {
                        // Only the diagnosis is lost; the redelivery does not depend on it.
                    }
                }
                throw e;
            }
            String message = scrub(e.detail());
            if (e.retryable()) {
                message += " (gave up after " + attempt.receiveCount() + " deliveries)";
            }
            Failure failure = new Failure(e.reason(), message);
            store.transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED,
                    node.version()), NodeUpdate.none().withLastError(failure));
            deleteActivation();
            events.publish(new NodeEvent.NodeRegistrationFailed(nodeId, requestId, e.reason().name(), message));
            return IntakeResult.of(store.finishRequest(requestId, outcomeFor(e.reason()), failure), false);
        }

        private void deleteActivation() {
            if (activation != null && !activationDeleted) {
                activationDeleted = deleteActivation(activation.activationId());
            }
        }

        /** Deletes an activation, recording it; a failure is recorded, not thrown (it expires anyway). */
        private boolean deleteActivation(String id) {
            Instant at = clock.instant();
            try {
                activations.delete(id);
                appendStep(new Step(STEP_DELETE_ACTIVATION, at, clock.instant(), StepResult.SUCCEEDED,
                        ACTIVATION_PREFIX + id));
                return true;
            } catch (NodeOperationException e) {
                try {
                    appendStep(new Step(STEP_DELETE_ACTIVATION, at, clock.instant(), StepResult.FAILED,
                            ACTIVATION_PREFIX + id + " " + e.reason() + ": " + e.detail()
                                    + " (a redelivery deletes it; it expires regardless)"));
                } catch (NodeOperationException ignored) {
                    // Nothing more to do: the activation is single-use and expires.
                }
                return false;
            }
        }

        // --- helpers -----------------------------------------------------------------------------------------

        private <T> T step(String name, Supplier<T> work, Function<T, String> detail) {
            Instant at = clock.instant();
            appendStep(Step.started(name, at));
            T value;
            try {
                value = work.get();
            } catch (NodeOperationException e) {
                appendStep(new Step(name, at, clock.instant(), StepResult.FAILED,
                        scrub(e.reason() + ": " + e.detail())));
                throw e;
            }
            appendStep(new Step(name, at, clock.instant(), StepResult.SUCCEEDED, scrub(detail.apply(value))));
            return value;
        }

        private void appendStep(Step step) {
            store.appendStep(requestId, step);
        }

        private Duration remaining() {
            Duration d = Duration.between(clock.instant(), deadline);
            return d.isNegative() ? Duration.ZERO : d;
        }

        private void requireTime(Duration needed, String what) {
            if (remaining().compareTo(needed) < 0) {
                throw budgetExhausted(what);
            }
        }

        private PermanentException budgetExhausted(String what) {
            return new PermanentException(Reason.TIMED_OUT, "the registration budget has " + remaining().toSeconds()
                    + " s left, not enough for " + what);
        }

        private String hostFailure(BootstrapReport report) {
            return scrub("the host's " + (report.hostStep() == null ? "bootstrap" : report.hostStep())
                    + " step failed with " + report.hostCode() + ": " + report.message()
                    + tailNote("output", report.outputTail()));
        }

        private String tailNote(String what, String text) {
            if (text == null || text.isBlank()) {
                return "";
            }
            String t = text.strip();
            return "; " + what + " tail: " + (t.length() > MAX_TEXT / 2 ? t.substring(t.length() - MAX_TEXT / 2) : t);
        }

        /** Host text with the activation code removed (the host scrubs too; this is the second line) and bounded. */
        private String scrub(String text) {
            String out = text == null ? "" : text;
            if (activation != null && !activation.code().isEmpty()) {
                out = out.replace(activation.code(), REDACTED);
            }
            return out.length() > MAX_TEXT ? out.substring(0, MAX_TEXT) + "..." : out;
        }
    }

    private static boolean ready(ContainerInstance ci) {
        return ci.status() == ContainerInstanceStatus.ACTIVE && ci.agentConnected();
    }

    private static Outcome outcomeFor(Reason reason) {
        return switch (reason) {
            case TIMED_OUT -> Outcome.TIMED_OUT;
            case HOST_KEY_CHANGED -> Outcome.REJECTED;
            default -> Outcome.FAILED;
        };
    }

    static String activationIdOf(Step step) {
        if (!step.detail().startsWith(ACTIVATION_PREFIX)) {
            return null;
        }
        String rest = step.detail().substring(ACTIVATION_PREFIX.length());
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String pick(String preferred, String fallback) {
        return preferred != null && !preferred.isEmpty() ? preferred : fallback;
    }
}
