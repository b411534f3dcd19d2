package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshPrivateKey;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Registers a node: record the request, take the per-node {@link NodeGuard guard}, create a single-use activation
 * ({@link ActivationJournal}), run the bootstrap over SSH with a verified host key ({@link HostBootstrap}), check the
 * result in SSM and ECS ({@link RegistrationCheck}), record REGISTERED, delete the activation, publish the outcome.
 * This class tells that story and decides the outcomes; each part does one job.
 *
 * <p><b>Redelivery converges.</b> The request is recorded once (by id); the guard's move to REGISTERING carries the
 * request id as the node's {@code lastRequestId}, so a redelivery recognises the node as its own and resumes. Every
 * activation the request created is in its journal before it is used; a resumed run first asks SSM whether the host
 * already registered with one of them — and if ECS shows that instance ACTIVE and connected, finishes as REGISTERED
 * without touching the host — then deletes them all before creating its own. A host that reports it is already
 * registered, with ids SSM and ECS confirm for this node, is adopted rather than registered twice.
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
    public static final String STEP_GUARD = NodeGuard.STEP;
    /** Step: a redelivery looking at the activations an earlier delivery created. */
    public static final String STEP_RESUME = "resume";
    /** Step: reading the SSH private key. */
    public static final String STEP_SSH_KEY = "ssh-key";
    /** Step: creating the activation; its {@link Step#resourceId()} is the activation id. */
    public static final String STEP_ACTIVATION = ActivationJournal.STEP_CREATE;
    /** Step: the bootstrap script over SSH. */
    public static final String STEP_BOOTSTRAP = "bootstrap";
    /** Step: pinning the host key observed on the connection. */
    public static final String STEP_HOST_KEY = HostBootstrap.STEP_HOST_KEY;
    /** Step: the bootstrap run again to complete this node's interrupted installation (same managed instance). */
    public static final String STEP_COMPLETE_INSTALL = "complete-install";
    /** Step: checking the host's report against SSM and ECS. */
    public static final String STEP_VERIFY = "verify";
    /** Step: the move to REGISTERED. */
    public static final String STEP_RECORD = "record";
    /** Step: deregistering a managed instance an earlier delivery's activation registered and the host left. */
    public static final String STEP_STRAYS = "stray-managed-instance";
    /** Step: deleting an activation; its {@link Step#resourceId()} is the activation id. */
    public static final String STEP_DELETE_ACTIVATION = ActivationJournal.STEP_DELETE;

    /** The states in which a node carrying a registration's request id is that registration's own. */
    private static final Set<NodeState> OWNED = EnumSet.of(NodeState.REGISTERING, NodeState.REGISTERED,
            NodeState.REGISTRATION_FAILED);

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
    private final NodeGuard guard;

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
        this.guard = new NodeGuard(store, clock);
    }

    /**
     * Takes one delivery of a registration.
     *
     * @return the completed request (REGISTERED, ALREADY_REGISTERED, REJECTED, FAILED, TIMED_OUT), or a replay's report
     * @throws RetryableException when a retryable condition (a busy node, an unreachable host, throttling...) should
     *     be retried by redelivery; never on the last attempt
     * @throws dev.ecsa.core.request.RequestIdConflict if the request id is already used by another request
     */
    public IntakeResult register(RegisterRequest request, Attempt attempt) {
        Instant start = clock.instant();
        RequestRecord record = RequestRecords.recordOrFind(store, request, start);
        if (record.completed()) {
            return IntakeResult.of(record, true);
        }
        String cluster = request.requestedCluster().orElse(settings.defaultCluster());
        Instant deadline = start.plus(attempt.cap(settings.budget()));
        return new Run(new Delivery(request, attempt, cluster, deadline, store, clock)).execute();
    }

    /** One delivery's run: the story of a registration, told by the parts that each do one job. */
    private final class Run {
        private final Delivery delivery;
        private final RegisterRequest request;
        private final String cluster;
        private final String requestId;
        private final String nodeId;
        private final ActivationJournal journal;
        private final HostBootstrap bootstrap;
        private final RegistrationCheck check;
        private NodeRecord node;
        private boolean resumed;
        private boolean registered;
        /** What the host reported, once the bootstrap ran. */
        private BootstrapReport reported;

        Run(Delivery delivery) {
            this.delivery = delivery;
            this.request = delivery.request;
            this.cluster = delivery.cluster;
            this.requestId = delivery.requestId;
            this.nodeId = delivery.nodeId;
            this.journal = new ActivationJournal(store, activations, delivery, new Patience(sleeper, delivery));
            this.bootstrap = new HostBootstrap(remoteHost, scripts, store, settings, delivery);
            this.check = new RegistrationCheck(activations, managedInstances, containerInstances, sleeper,
                    settings.verifyPollInterval(), settings.verifyReserve(), delivery);
        }

        IntakeResult execute() {
            IntakeResult early = takeNode();
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
                journal.deleteCurrent();
                writeWhatIsLeft();
            }
        }

        // --- the node guard --------------------------------------------------------------------------------

        /** Takes the node for this request, or ends the request; {@code null} means "go on". */
        private IntakeResult takeNode() {
            NodeGuard.Decision decision = guard.take(new NodeGuard.Claim(nodeId, requestId, NodeState.REGISTERING,
                    EnumSet.of(NodeState.REGISTRATION_FAILED, NodeState.DEREGISTERED), OWNED::contains,
                    this::moveToRegistering, () -> NodeRecord.newRegistration(request, cluster, clock.instant())));
            NodeRecord current = decision.node();
            switch (decision.kind()) {
                case TAKEN -> {
                    node = current;
                    delivery.append(decision.step());
                    return null;
                }
                case OWN -> {
                    Instant at = clock.instant();
                    // The owner may still be between its last node write and finishing the request: an earlier
                    // delivery waits for it. The last one finishes the request from the node (the first finish wins,
                    // and the outcome is the node's either way): a lease held by a delivery that failed after its
                    // node write (a refused event, then redeliveries quicker than the lease) would otherwise leave
                    // the request open for good.
                    boolean wait = leaseHeld(current, at) && !delivery.attempt.isLast();
                    return switch (current.state()) {
                        case REGISTERING -> resumeOrWait(current, at);
                        case REGISTERED -> wait ? anotherDeliveryRuns() : finishRegisteredEarlier(current);
                        default -> wait ? anotherDeliveryRuns() : finishFailedEarlier(current);
                    };
                }
                case BUSY -> {
                    return busy(current);
                }
                case FOUND -> {
                    if (current.state() == NodeState.REGISTERED) {
                        return alreadyRegistered(current);
                    }
                    // DRAIN_KEPT, DEREGISTRATION_FAILED: still (partly) registered, and not in a state to start over.
                    return reject(Reason.INVALID_STATE, "node " + nodeId + " is " + current.state()
                            + ": still registered in " + current.cluster() + (current.state() == NodeState.DRAIN_KEPT
                            ? " and left draining" : " after a failed deregistration") + "; deregister it first");
                }
                default -> throw new IllegalStateException("the guard creates a node absent from the store");
            }
        }

        /** What the move to REGISTERING writes: this request's id, cluster and SSH details. */
        private NodeUpdate moveToRegistering(NodeRecord current) {
            NodeUpdate update = NodeUpdate.none().withLastRequestId(requestId).withCluster(cluster)
                    .withSsh(request.address(), request.port(), request.sshUser()).clearingLastError();
            // The request's fingerprint is the operator's statement about the host (e.g. after a reinstall): it
            // replaces the pinned one.
            return request.hostKeyFingerprint() == null ? update
                    : update.withHostKeyFingerprint(request.hostKeyFingerprint());
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
            resumed = true;
            delivery.append(new Step(STEP_GUARD, at, clock.instant(), StepResult.SKIPPED,
                    "resuming: the node is REGISTERING for this request"));
            return null;
        }

        /** Whether the delivery that last wrote the node for this request may still be running. */
        private boolean leaseHeld(NodeRecord current, Instant at) {
            return current.updatedAt().plus(settings.budget()).isAfter(at);
        }

        private IntakeResult anotherDeliveryRuns() {
            String message = "another delivery of request " + requestId + " is registering node " + nodeId;
            if (!delivery.attempt.isLast()) {
                throw new RetryableException(Reason.NODE_BUSY, message + "; this copy waits");
            }
            // The live delivery owns the request and records its outcome: this copy leaves it alone.
            return IntakeResult.of(store.getRequest(requestId).orElseThrow(), true);
        }

        private IntakeResult busy(NodeRecord current) {
            return reject(Reason.NODE_BUSY, delivery.attempt.waitForBusyNode(current));
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
            delivery.append(new Step(STEP_GUARD, at, at, StepResult.SKIPPED, "already registered as "
                    + current.managedInstanceId() + " / " + current.containerInstanceArn() + " (SSM and ECS agree)"));
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, cluster, current.managedInstanceId(),
                    current.containerInstanceArn()));
            return IntakeResult.of(delivery.finish(Outcome.ALREADY_REGISTERED, null), false);
        }

        /** An earlier delivery moved the node to REGISTERED but stopped before finishing the request. */
        private IntakeResult finishRegisteredEarlier(NodeRecord current) {
            Instant at = clock.instant();
            delivery.append(new Step(STEP_RECORD, at, at, StepResult.SUCCEEDED, "REGISTERED at version "
                    + current.version() + " by an earlier delivery"));
            journal.deleteEarlier();
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, current.cluster(),
                    current.managedInstanceId(), current.containerInstanceArn()));
            return IntakeResult.of(delivery.finish(Outcome.REGISTERED, null), false);
        }

        /** An earlier delivery moved the node to REGISTRATION_FAILED but stopped before finishing the request. */
        private IntakeResult finishFailedEarlier(NodeRecord current) {
            journal.deleteEarlier();
            Failure failure = current.error().orElse(new Failure(Reason.INTERNAL, "the registration failed"));
            events.publish(new NodeEvent.NodeRegistrationFailed(nodeId, requestId, failure.reason().name(),
                    failure.message()));
            return IntakeResult.of(delivery.finish(outcomeFor(failure.reason()), failure), false);
        }

        private IntakeResult reject(Reason reason, String message) {
            Instant at = clock.instant();
            delivery.append(new Step(STEP_GUARD, at, at, StepResult.FAILED, reason + ": " + message));
            events.publish(new NodeEvent.NodeRequestRejected(nodeId, requestId, request.action().wireName(),
                    reason + ": " + message));
            return IntakeResult.of(delivery.finish(Outcome.REJECTED, new Failure(reason, message)), false);
        }

        // --- the registration ------------------------------------------------------------------------------

        /**
         * Looks at the activations earlier deliveries created: if the host registered with one and ECS shows it
         * ACTIVE, that is the registration. Then deletes them, so no earlier activation stays live.
         */
        private Verified resume() {
            if (!resumed) {
                // The guard moved the node for this request just now: no earlier delivery got as far as an activation.
                return null;
            }
            Map<String, Boolean> earlier = journal.earlier();
            if (earlier.isEmpty()) {
                return null;
            }
            Instant at = clock.instant();
            Verified found = check.earlierRegistration(earlier.keySet()).orElse(null);
            earlier.forEach((id, deleted) -> {
                if (!deleted) {
                    journal.delete(id);
                }
            });
            long live = earlier.values().stream().filter(deleted -> !deleted).count();
            delivery.append(new Step(STEP_RESUME, at, clock.instant(), StepResult.SUCCEEDED, found != null
                    ? found.how() : "no registration from the " + earlier.size() + " earlier activation(s); "
                    + (live == 0 ? "each was already deleted" : "deleted the " + live + " still live")));
            return found;
        }

        private Verified bootstrapAndVerify() {
            delivery.requireTime(settings.minimumHostTime().plus(settings.verifyReserve()), "starting the bootstrap");
            SshPrivateKey key = delivery.step(STEP_SSH_KEY, () -> secrets.sshPrivateKey(settings.sshKeySecretId()),
                    k -> "secret " + k.secretId());
            delivery.requireTime(settings.minimumHostTime(), "creating the activation");
            Map<String, String> tags = new LinkedHashMap<>(request.tags());
            tags.put(RegistrationSettings.STACK_TAG, settings.stackName());
            Activation activation = journal.create(new ActivationSpec(nodeId, requestId,
                    clock.instant().plus(settings.activationExpiry()), tags));

            HostBootstrap.Prepared prepared = bootstrap.prepare(node, activation, key);
            BootstrapReport report = delivery.durableStep(STEP_BOOTSTRAP, () -> bootstrap.run(prepared),
                    r -> r.ok() ? "the host reports " + r.managedInstanceId() + " / " + r.containerInstanceArn()
                            : "the host reports an existing registration " + r.managedInstanceId());
            reported = report;
            if (report.ok()) {
                return delivery.durableStep(STEP_VERIFY, () -> check.verify(report, activation.activationId()),
                        Verified::how);
            }
            Optional<String> interrupted = check.interruptedInstallation(report);
            if (interrupted.isPresent()) {
                return completeInstallation(prepared.node(), activation, key, interrupted.get());
            }
            return delivery.durableStep(STEP_VERIFY, () -> check.adopt(report), Verified::how);
        }

        /**
         * The host's SSM agent is registered as {@code mi}, which SSM lists under this node's name, and no ECS agent
         * runs: an earlier registration of this node stopped between the two (its connection was cut mid-script).
         * The bootstrap runs again, told that id, and completes the installation with the same identity (AWS's
         * install script keeps an existing SSM registration; this run's activation stays unused and is deleted).
         */
        private Verified completeInstallation(NodeRecord node, Activation activation, SshPrivateKey key, String mi) {
            HostBootstrap.Prepared again = bootstrap.prepareResume(node, activation, key, mi);
            BootstrapReport report = delivery.durableStep(STEP_COMPLETE_INSTALL, () -> bootstrap.run(again),
                    r -> r.ok() ? "completed the interrupted installation of " + mi + ": the host reports "
                            + r.managedInstanceId() + " / " + r.containerInstanceArn()
                            : "the host reports an existing registration " + r.managedInstanceId());
            reported = report;
            if (report.ok()) {
                return delivery.durableStep(STEP_VERIFY, () -> check.resumed(report, mi), Verified::how);
            }
            return delivery.durableStep(STEP_VERIFY, () -> check.adopt(report), Verified::how);
        }

        // --- the outcome -----------------------------------------------------------------------------------

        private IntakeResult complete(Verified v) {
            NodeUpdate update = NodeUpdate.none().withCluster(cluster).withManagedInstanceId(v.managedInstanceId())
                    .withContainerInstanceArn(v.containerInstanceArn())
                    .withAgentVersions(v.versions().observedAt(clock.instant()))
                    .withAttributes(request.attributes()).withTags(request.tags()).withLastRequestId(requestId)
                    .clearingLastError()
                    // A new registration starts healthy: what the repair saw of the earlier one is history, except
                    // the repair's own re-registration, which reports the new identity on its next run.
                    .withHealth(node.health().reregistering() ? node.health().afterReregistration()
                            : NodeHealth.none());
            if (bootstrap.observedHostKey() != null) {
                update = update.withHostKeyFingerprint(bootstrap.observedHostKey());
            }
            NodeUpdate finalUpdate = update;
            delivery.step(STEP_RECORD, () -> store.transition(nodeId,
                    new Transition(NodeState.REGISTERING, NodeState.REGISTERED, node.version()), finalUpdate)
                    .orThrow(), n -> "REGISTERED at version " + n.version());
            registered = true;
            journal.deleteCurrent();
            deregisterStrays(v.managedInstanceId());
            events.publish(new NodeEvent.NodeRegistered(nodeId, requestId, cluster, v.managedInstanceId(),
                    v.containerInstanceArn()));
            return IntakeResult.of(delivery.finish(Outcome.REGISTERED, null), false);
        }

        /**
         * Deregisters the managed instances that earlier deliveries' activations registered and the host does not
         * use (it runs {@code kept}). Only a resumed run can have any; a failure is recorded, not thrown (the
         * reconciler reports orphans by tag).
         */
        private void deregisterStrays(String kept) {
            if (!resumed) {
                return;
            }
            Instant at = clock.instant();
            List<String> strays = check.strays(journal.earlier().keySet(), kept);
            for (String mi : strays) {
                try {
                    managedInstances.deregister(mi);
                    delivery.append(new Step(STEP_STRAYS, at, clock.instant(), StepResult.SUCCEEDED,
                            "deregistered " + mi + ": an earlier delivery's activation registered it, the host runs "
                                    + kept, mi));
                } catch (NodeOperationException e) {
                    delivery.append(new Step(STEP_STRAYS, at, clock.instant(), StepResult.FAILED,
                            mi + " " + e.reason() + ": " + e.detail() + " (the reconciler reports it)", mi));
                }
            }
        }

        private IntakeResult fail(NodeOperationException e) {
            Attempt attempt = delivery.attempt;
            if (registered || (e.retryable() && !attempt.isLast())) {
                if (!registered) {
                    // The node stays REGISTERING for this request: the redelivery resumes it.
                    try {
                        store.updateNode(nodeId, NodeState.REGISTERING,
                                NodeUpdate.none().withLastError(new Failure(e.reason(), delivery.scrub(e.detail()))));
                    } catch (NodeOperationException ignored) {
                        // Only the diagnosis is lost; the redelivery does not depend on it.
                    }
                }
                journal.deleteCurrent();
                delivery.flush();
                throw e;
            }
            String message = delivery.scrub(e.detail());
            if (e.retryable()) {
                message += " (gave up after " + attempt.receiveCount() + " deliveries)";
            }
            Failure failure = new Failure(e.reason(), message);
            // A host that got as far as registering with one of this request's activations left a managed (maybe a
            // container) instance behind: recorded on the node, so a deregistration removes it and cleans the host.
            NodeUpdate update = NodeUpdate.none().withLastError(failure);
            Optional<RegistrationCheck.Leftover> leftover = check.leftover(journal.all(),
                    reported == null ? null : reported.managedInstanceId());
            if (leftover.isPresent()) {
                update = update.withManagedInstanceId(leftover.get().managedInstanceId());
                if (leftover.get().containerInstanceArn() != null) {
                    update = update.withContainerInstanceArn(leftover.get().containerInstanceArn());
                }
            }
            store.transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED,
                    node.version()), update);
            journal.deleteCurrent();
            events.publish(new NodeEvent.NodeRegistrationFailed(nodeId, requestId, e.reason().name(), message));
            return IntakeResult.of(delivery.finish(outcomeFor(e.reason()), failure), false);
        }

        /** Writes steps kept after the outcome (a late activation deletion); a failure here loses only the note. */
        private void writeWhatIsLeft() {
            try {
                delivery.flush();
            } catch (NodeOperationException ignored) {
                // The outcome, or the exception on its way to the queue, matters more than this note.
            }
        }
    }

    private static Outcome outcomeFor(Reason reason) {
        return switch (reason) {
            case TIMED_OUT -> Outcome.TIMED_OUT;
            case HOST_KEY_CHANGED -> Outcome.REJECTED;
            default -> Outcome.FAILED;
        };
    }
}
