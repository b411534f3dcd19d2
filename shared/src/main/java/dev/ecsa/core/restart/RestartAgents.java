package dev.ecsa.core.restart;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.register.Sleeper;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.RequestRecords;
import dev.ecsa.core.state.NodeState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code restart} request: restarts a registered node's ECS and SSM agents over SSH and verifies that both report
 * connected again under the same ids: the managed instance the node records is Online in SSM, and the container
 * instance it records is ACTIVE or DRAINING, connected, and still reports that managed instance. Nothing is installed
 * or registered, so the node keeps its identity; its state does not change (a quarantined node stays DRAIN_KEPT until
 * the reconciler releases it).
 *
 * <p>A node busy with another request makes the delivery wait (NODE_BUSY, redelivered) until the last one, which
 * rejects. A host that cannot be reached is retried by redelivery; a changed host key, a refused login or unreadable
 * output is not. The script runs only on a host whose key is pinned (or named by the request). Idempotent: a restart
 * twice is harmless, and a completed request is only reported again.
 */
public final class RestartAgents {

    /** Step: the restart script on the host. */
    public static final String STEP_RESTART = "restart-agents";
    /** Step: both agents seen connected again under the same ids. */
    public static final String STEP_VERIFY = "verify-agents";

    /** The states a restart applies to: registered, whether ACTIVE or held DRAINING. */
    private static final Set<NodeState> RESTARTABLE = EnumSet.of(NodeState.REGISTERED, NodeState.DRAIN_KEPT);

    private final NodeStore store;
    private final ManagedInstances managed;
    private final ContainerInstances containers;
    private final RemoteHost hosts;
    private final SecretSource secrets;
    private final RestartScript script;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RestartSettings settings;

    public RestartAgents(NodeStore store, ManagedInstances managed, ContainerInstances containers, RemoteHost hosts,
                         SecretSource secrets, RestartScript script, EventPublisher events, Clock clock,
                         Sleeper sleeper, RestartSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.managed = Objects.requireNonNull(managed, "managed");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.script = Objects.requireNonNull(script, "script");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Takes one delivery of a restart.
     *
     * @throws RetryableException NODE_BUSY while the node is busy (unless {@code attempt} is the last), or a host or
     *     AWS failure worth a redelivery
     * @throws dev.ecsa.core.request.RequestIdConflict if the request id is already used by another request
     */
    public IntakeResult accept(RestartRequest request, Attempt attempt) {
        RequestRecord record = RequestRecords.recordOrFind(store, request, clock.instant());
        if (record.completed()) {
            return IntakeResult.of(record, true);
        }
        Optional<NodeRecord> found = store.getNode(request.nodeId());
        if (found.isEmpty()) {
            return reject(request, Reason.NOT_REGISTERED, "node " + request.nodeId()
                    + " has never been registered by this service");
        }
        NodeRecord node = found.get();
        if (node.state().isBusy()) {
            return reject(request, Reason.NODE_BUSY, attempt.waitForBusyNode(node));
        }
        if (!RESTARTABLE.contains(node.state())) {
            return reject(request, node.state() == NodeState.DEREGISTRATION_FAILED ? Reason.INVALID_STATE
                    : Reason.NOT_REGISTERED, "node " + request.nodeId() + " is " + node.state()
                    + ": only a registered node (REGISTERED or DRAIN_KEPT) has agents to restart");
        }
        List<String> missing = new ArrayList<>();
        if (node.managedInstanceId() == null || node.containerInstanceArn() == null || node.cluster() == null) {
            missing.add("its managed instance and container instance ids");
        }
        if (node.address() == null || node.sshUser() == null) {
            missing.add("an SSH address");
        }
        if (!missing.isEmpty()) {
            return reject(request, Reason.INVALID_STATE, "node " + request.nodeId() + " has no "
                    + String.join(" and no ", missing) + " recorded");
        }
        String hostKey = request.hostKeyFingerprint() != null ? request.hostKeyFingerprint()
                : node.hostKeyFingerprint();
        if (hostKey == null) {
            // A root script goes only to a host whose key was pinned when it was registered.
            return reject(request, Reason.HOST_KEY_UNKNOWN, "no host key is pinned for node " + request.nodeId()
                    + "; send the restart with its hostKeyFingerprint");
        }
        return restart(request, node, hostKey, attempt);
    }

    private IntakeResult restart(RestartRequest request, NodeRecord node, String hostKey, Attempt attempt) {
        Instant at = clock.instant();
        ScriptRun run = new ScriptRun(new SshTarget(node.address(), node.port(), node.sshUser()),
                new HostKeyPolicy.Expect(hostKey), secrets.sshPrivateKey(settings.sshKeySecretId()),
                ScriptRun.DEFAULT_COMMAND, script.text(), settings.connectTimeout(), settings.commandTimeout());
        RestartScript.Report report;
        try {
            ScriptResult result = hosts.run(run);
            report = script.interpret(result);
        } catch (NodeOperationException e) {
            store.appendStep(request.requestId(), new Step(STEP_RESTART, at, clock.instant(), StepResult.FAILED,
                    e.reason() + ": " + e.detail()));
            if (e.retryable() && !attempt.isLast()) {
                throw e;
            }
            return fail(request, new Failure(e.reason(), "the agents were not restarted: " + e.detail()));
        }
        if (!report.ok()) {
            String why = String.join("; ", report.failed());
            store.appendStep(request.requestId(), new Step(STEP_RESTART, at, clock.instant(), StepResult.FAILED, why));
            return fail(request, new Failure(Reason.AGENT_NOT_READY, "the restart failed on the host: " + why));
        }
        store.appendStep(request.requestId(), new Step(STEP_RESTART, at, clock.instant(), StepResult.SUCCEEDED,
                "restarted " + String.join(", ", report.restarted())));
        return verify(request, node);
    }

    /** Polls SSM and ECS until both agents report connected under the node's ids, or the verify timeout passes. */
    private IntakeResult verify(RestartRequest request, NodeRecord node) {
        Instant at = clock.instant();
        Instant deadline = at.plus(settings.verifyTimeout());
        while (true) {
            Optional<ManagedInstance> mi = managed.describe(node.managedInstanceId());
            Optional<ContainerInstance> ci = containers.describe(node.cluster(), node.containerInstanceArn());
            if (mi.isEmpty() || ci.isEmpty() || ci.get().status().isGone()) {
                String gone = mi.isEmpty() ? "SSM no longer knows managed instance " + node.managedInstanceId()
                        : "ECS no longer lists container instance " + node.containerInstanceArn();
                return failVerify(request, at, Reason.IDS_MISMATCH, gone + ": the node lost its identity; "
                        + "deregister it and register it again");
            }
            if (!node.managedInstanceId().equals(ci.get().managedInstanceId())) {
                return failVerify(request, at, Reason.IDS_MISMATCH, "container instance "
                        + node.containerInstanceArn() + " reports " + ci.get().managedInstanceId() + ", the node "
                        + "records " + node.managedInstanceId());
            }
            boolean online = mi.get().pingStatus() == PingStatus.ONLINE;
            boolean connected = ci.get().agentConnected();
            if (online && connected) {
                break;
            }
            String state = "SSM reports " + mi.get().pingStatus() + ", ECS reports the agent "
                    + (connected ? "connected" : "disconnected");
            if (!clock.instant().plus(settings.pollInterval()).isBefore(deadline)) {
                return failVerify(request, at, Reason.AGENT_NOT_READY, "the agents did not both report connected "
                        + "within " + settings.verifyTimeout() + " of the restart: " + state);
            }
            try {
                sleeper.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException(Reason.TIMED_OUT, "interrupted while verifying the agents");
            }
        }
        Step verified = new Step(STEP_VERIFY, at, clock.instant(), StepResult.SUCCEEDED, "managed instance "
                + node.managedInstanceId() + " Online, container instance " + node.containerInstanceArn()
                + " connected: the same ids as before");
        RequestRecord done = store.finishRequest(request.requestId(), Outcome.AGENTS_RESTARTED, null,
                List.of(verified));
        events.publish(new NodeEvent.NodeAgentsRestarted(request.nodeId(), request.requestId(),
                node.managedInstanceId(), node.containerInstanceArn()));
        return IntakeResult.of(done, false);
    }

    private IntakeResult failVerify(RestartRequest request, Instant at, Reason reason, String why) {
        store.appendStep(request.requestId(), new Step(STEP_VERIFY, at, clock.instant(), StepResult.FAILED, why));
        return fail(request, new Failure(reason, why));
    }

    private IntakeResult fail(RestartRequest request, Failure failure) {
        RequestRecord done = store.finishRequest(request.requestId(), Outcome.FAILED, failure);
        events.publish(new NodeEvent.NodeAgentsRestartFailed(request.nodeId(), request.requestId(),
                failure.reason().name(), failure.message()));
        return IntakeResult.of(done, false);
    }

    private IntakeResult reject(RestartRequest request, Reason reason, String message) {
        Instant at = clock.instant();
        store.appendStep(request.requestId(), new Step(STEP_RESTART, at, at, StepResult.SKIPPED, message));
        events.publish(new NodeEvent.NodeRequestRejected(request.nodeId(), request.requestId(),
                request.action().wireName(), reason + ": " + message));
        return IntakeResult.of(store.finishRequest(request.requestId(), Outcome.REJECTED,
                new Failure(reason, message)), false);
    }
}
