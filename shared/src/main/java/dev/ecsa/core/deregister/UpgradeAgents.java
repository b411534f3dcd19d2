package dev.ecsa.core.deregister;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.register.Sleeper;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.upgrade.UpgradeScript;
import dev.ecsa.core.state.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The UpgradeAgents Task of the drain workflow (an {@code upgrade} request's drain ended, or its deadline passed with
 * policy force): runs the upgrade script on the drained node, then confirms in ECS and SSM that both agents report the
 * target versions under the node's managed instance and container instance before the instance goes ACTIVE again.
 *
 * <ul>
 *   <li>upgraded and confirmed: the instance ACTIVE (if this workflow set it DRAINING; someone else's DRAINING is left
 *       and the node is DRAIN_KEPT), the node REGISTERED with its new versions, the request UPGRADED,
 *       NodeUpgraded;</li>
 *   <li>rolled back, or refused before any change (a download, a signature, no way back): the agents run as before,
 *       so the instance goes ACTIVE again and the node REGISTERED with the reason as its last error; the request
 *       FAILED (UPGRADE_FAILED), NodeUpgradeFailed;</li>
 *   <li>left changed (a rollback that failed), a host that is not the node it should be, or an upgrade ECS and SSM do
 *       not confirm: the instance stays DRAINING and the node DRAIN_KEPT with the reason; FAILED,
 *       NodeUpgradeFailed with {@code keptDraining}. Never half-upgraded and ACTIVE.</li>
 * </ul>
 *
 * <p>The outcome event is published while the node is still this request's, before the instance goes ACTIVE and the
 * node is let go: a refused event fails the attempt and the retry runs again. An unreachable host is retried by the
 * state machine (RetryableException); after its retries the Catch records the failure and the node is kept DRAINING.
 * Idempotent: a re-run after the outcome was recorded does nothing; one after the node was let go only finishes the
 * request; the script itself finds an upgraded host at its targets and changes nothing.
 */
public final class UpgradeAgents {

    /** Step: the upgrade script on the host. */
    public static final String STEP_UPGRADE = "upgrade-agents";
    /** Step: ECS and SSM report the new versions under the same ids. */
    public static final String STEP_VERIFY = "verify-upgrade";

    /**
     * The script's refusals that come before it touches an agent: the agents run as they did, so the instance may go
     * ACTIVE again. Any other failure keeps the node DRAINING.
     */
    static final java.util.Set<String> AGENTS_UNTOUCHED = java.util.Set.of("DOWNLOAD_FAILED", "SIGNATURE_INVALID",
            "NOT_INSTALLED", "NO_PACKAGE_MANAGER", "UNSUPPORTED_ARCH", "MISSING_TOOL", "NOT_ROOT");

    private final NodeStore store;
    private final ContainerInstances containers;
    private final ManagedInstances managed;
    private final RemoteHost hosts;
    private final SecretSource secrets;
    private final UpgradeScript script;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DrainSettings drain;
    private final UpgradeSettings settings;

    public UpgradeAgents(NodeStore store, ContainerInstances containers, ManagedInstances managed, RemoteHost hosts,
                         SecretSource secrets, UpgradeScript script, EventPublisher events, Clock clock,
                         Sleeper sleeper, DrainSettings drain, UpgradeSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.managed = Objects.requireNonNull(managed, "managed");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.script = Objects.requireNonNull(script, "script");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.drain = Objects.requireNonNull(drain, "drain");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DrainState handle(DrainState state) {
        Optional<RequestRecord> request = store.getRequest(state.requestId());
        if (request.isPresent() && request.get().completed()) {
            // A replay after this Task finished: the outcome is recorded, nothing is done again.
            return state.withDecision(request.get().outcome() == Outcome.UPGRADED ? WorkflowDecision.UPGRADED
                    : WorkflowDecision.END);
        }
        NodeRecord node = store.getNode(state.nodeId()).orElseThrow(() ->
                new PermanentException(Reason.NOT_REGISTERED, "node " + state.nodeId() + " has no record"));
        if (letGoEarlier(state, node)) {
            return finishLetGo(state, node, request);
        }
        if (node.state() != NodeState.DRAINING || !state.requestId().equals(node.lastRequestId())) {
            throw new PermanentException(Reason.CONFLICT, "node " + node.nodeId() + " is " + node.state()
                    + ", last moved by " + node.lastRequestId() + ": not this upgrade's to change");
        }
        if (node.managedInstanceId() == null || node.containerInstanceArn() == null || node.address() == null
                || node.sshUser() == null || node.hostKeyFingerprint() == null) {
            throw new PermanentException(Reason.INVALID_STATE, "node " + node.nodeId() + " has no managed instance,"
                    + " container instance, SSH address or pinned host key recorded: it cannot be upgraded in place");
        }
        UpgradeScript.Report report = runScript(state, node);
        if (report.ok()) {
            return verify(state, node, report);
        }
        String why = report.message() + (report.notes().isEmpty() ? "" : " (" + String.join("; ", report.notes())
                + ")");
        if (report.rolledBack() || !report.changed() && AGENTS_UNTOUCHED.contains(report.reason())) {
            // Rolled back, or refused before any change: the agents run as they did.
            return putBack(state, node, report.rolledBack(), report.reason() + ": " + why);
        }
        // Anything else (a rollback that failed, another identity, an agent that does not run) may have left the
        // host running something it should not: the node is held DRAINING.
        return keep(state, node, report.reason() + ": " + why);
    }

    private UpgradeScript.Report runScript(DrainState state, NodeRecord node) {
        Instant at = clock.instant();
        ScriptRun run = new ScriptRun(new SshTarget(node.address(), node.port(), node.sshUser()),
                new HostKeyPolicy.Expect(node.hostKeyFingerprint()), secrets.sshPrivateKey(drain.sshKeySecretId()),
                ScriptRun.DEFAULT_COMMAND,
                script.text(new UpgradeScript.Input(state.targets(), node.managedInstanceId(),
                        node.containerInstanceArn())),
                drain.connectTimeout(), drain.commandTimeout());
        UpgradeScript.Report report;
        try {
            report = script.interpret(hosts.run(run));
        } catch (NodeOperationException e) {
            store.appendStep(state.requestId(), new Step(STEP_UPGRADE, at, clock.instant(), StepResult.FAILED,
                    e.reason() + ": " + e.detail()));
            throw e;
        }
        StepResult result = report.ok() ? StepResult.SUCCEEDED : StepResult.FAILED;
        String detail = report.ok()
                ? (report.upgraded().isEmpty() ? "nothing to upgrade: " + report.message()
                        : "upgraded " + String.join(", ", report.upgraded()))
                : report.reason() + " at " + report.step() + ": " + report.message();
        store.appendStep(state.requestId(), new Step(STEP_UPGRADE, at, clock.instant(), result, detail));
        return report;
    }

    /** Polls ECS and SSM until both agents report the targets under the node's ids, or the verify timeout passes. */
    private DrainState verify(DrainState state, NodeRecord node, UpgradeScript.Report report) {
        TargetVersions targets = state.targets();
        Instant at = clock.instant();
        Instant deadline = at.plus(settings.verifyTimeout());
        while (true) {
            Optional<ManagedInstance> mi = managed.describe(node.managedInstanceId());
            Optional<ContainerInstance> ci = containers.describe(node.cluster(), node.containerInstanceArn());
            Optional<Unconfirmed> problem = unconfirmed(node, targets, mi, ci);
            if (problem.isEmpty()) {
                return upgraded(state, node, report, mi.get(), ci.get(), at);
            }
            if (problem.get().waitingCannotFix()
                    || !clock.instant().plus(settings.pollInterval()).isBefore(deadline)) {
                String what = problem.get().what();
                String why = problem.get().waitingCannotFix() ? what
                        : "not confirmed within " + settings.verifyTimeout() + " of the upgrade: " + what;
                store.appendStep(state.requestId(), new Step(STEP_VERIFY, at, clock.instant(), StepResult.FAILED,
                        why));
                return keep(state, node, "the host reported the upgrade, but " + why);
            }
            pause();
        }
    }

    /** What ECS and SSM do not confirm yet, and whether waiting cannot fix it (an identity that changed). */
    private record Unconfirmed(String what, boolean waitingCannotFix) {
    }

    /** What ECS and SSM do not confirm yet; empty when they confirm everything. */
    private static Optional<Unconfirmed> unconfirmed(NodeRecord node, TargetVersions targets,
                                                     Optional<ManagedInstance> mi, Optional<ContainerInstance> ci) {
        if (mi.isEmpty()) {
            return gone("SSM no longer knows managed instance " + node.managedInstanceId());
        }
        if (ci.isEmpty() || ci.get().status().isGone()) {
            return gone("ECS no longer lists container instance " + node.containerInstanceArn());
        }
        if (!node.managedInstanceId().equals(ci.get().managedInstanceId())) {
            return gone("container instance " + node.containerInstanceArn() + " reports "
                    + ci.get().managedInstanceId() + ", the node records " + node.managedInstanceId());
        }
        if (!ci.get().agentConnected()) {
            return notYet("the ECS agent is disconnected");
        }
        if (mi.get().pingStatus() != PingStatus.ONLINE) {
            return notYet("SSM reports " + mi.get().pingStatus());
        }
        if (targets.ecsAgent() != null && !TargetVersions.isSame(ci.get().agentVersion(), targets.ecsAgent())) {
            return notYet("ECS reports agent " + ci.get().agentVersion() + ", not " + targets.ecsAgent());
        }
        if (targets.ssmAgent() != null && !TargetVersions.isSame(mi.get().agentVersion(), targets.ssmAgent())) {
            return notYet("SSM reports agent " + mi.get().agentVersion() + ", not " + targets.ssmAgent());
        }
        return Optional.empty();
    }

    private static Optional<Unconfirmed> gone(String what) {
        return Optional.of(new Unconfirmed(what, true));
    }

    private static Optional<Unconfirmed> notYet(String what) {
        return Optional.of(new Unconfirmed(what, false));
    }

    private DrainState upgraded(DrainState state, NodeRecord node, UpgradeScript.Report report, ManagedInstance mi,
                                ContainerInstance ci, Instant at) {
        store.appendStep(state.requestId(), new Step(STEP_VERIFY, at, clock.instant(), StepResult.SUCCEEDED,
                "ECS reports agent " + ci.agentVersion() + " on " + ci.arn() + ", SSM reports agent "
                        + mi.agentVersion() + " on " + mi.instanceId() + ", Online: the same ids as before"));
        AgentVersions versions = new AgentVersions(mi.agentVersion(), ci.agentVersion(), report.ecsInitVersion(),
                ci.dockerVersion(), mi.platformName(), mi.platformVersion(), clock.instant());
        events.publish(new NodeEvent.NodeUpgraded(state.nodeId(), state.requestId(), node.managedInstanceId(),
                node.containerInstanceArn(), ci.agentVersion(), mi.agentVersion(), report.upgraded()));
        NodeRecord after = release(state, node, NodeUpdate.none().withLastRequestId(state.requestId())
                .clearingLastError().withAgentVersions(versions), null);
        store.finishRequest(state.requestId(), Outcome.UPGRADED, null);
        return state.withNode(after.state(), after.version()).withDecision(WorkflowDecision.UPGRADED);
    }

    /** The agents run as before the upgrade: the instance goes ACTIVE again (if ours) and the node REGISTERED. */
    private DrainState putBack(DrainState state, NodeRecord node, boolean rolledBack, String why) {
        Failure failure = new Failure(Reason.UPGRADE_FAILED, (rolledBack ? "rolled back: " : "not upgraded: ")
                + why);
        events.publish(new NodeEvent.NodeUpgradeFailed(state.nodeId(), state.requestId(), failure.reason().name(),
                failure.message(), rolledBack, releasedTo(state) == NodeState.DRAIN_KEPT));
        NodeRecord after = release(state, node, NodeUpdate.none().withLastRequestId(state.requestId())
                .withLastError(failure), failure);
        store.finishRequest(state.requestId(), Outcome.FAILED, failure);
        return state.withNode(after.state(), after.version()).withDecision(WorkflowDecision.END);
    }

    /** The host may not run what it should: the instance stays DRAINING and the node DRAIN_KEPT for a person. */
    private DrainState keep(DrainState state, NodeRecord node, String why) {
        Failure failure = new Failure(Reason.UPGRADE_FAILED, why + "; the container instance stays DRAINING");
        events.publish(new NodeEvent.NodeUpgradeFailed(state.nodeId(), state.requestId(), failure.reason().name(),
                failure.message(), false, true));
        NodeRecord after = store.transition(node.nodeId(), new Transition(NodeState.DRAINING, NodeState.DRAIN_KEPT,
                node.version()), NodeUpdate.none().withLastRequestId(state.requestId()).withLastError(failure))
                .orThrow();
        store.finishRequest(state.requestId(), Outcome.FAILED, failure);
        return state.withNode(after.state(), after.version()).withDecision(WorkflowDecision.END);
    }

    /**
     * Ends the drain: this workflow's DRAINING is set ACTIVE again and the node goes back to REGISTERED; a DRAINING
     * that was someone else's is left alone and the node is DRAIN_KEPT (never revert someone else's drain).
     */
    private NodeRecord release(DrainState state, NodeRecord node, NodeUpdate update, Failure failure) {
        NodeState next = releasedTo(state);
        if (state.weSetDraining()) {
            containers.setStatus(node.cluster(), node.containerInstanceArn(), ContainerInstanceStatus.ACTIVE);
        } else if (failure == null) {
            update = update.withLastError(new Failure(Reason.CONFLICT, "upgraded, but the container instance was "
                    + "DRAINING before this upgrade (someone else's drain): left DRAINING, not ours to undo"));
        }
        return store.transition(node.nodeId(), new Transition(NodeState.DRAINING, next, node.version()), update)
                .orThrow();
    }

    private static NodeState releasedTo(DrainState state) {
        return state.weSetDraining() ? NodeState.REGISTERED : NodeState.DRAIN_KEPT;
    }

    /**
     * An earlier attempt published the outcome and let the node go, then stopped before finishing the request: the
     * request is finished from what that attempt wrote (its verify step says whether the upgrade was confirmed).
     */
    private boolean letGoEarlier(DrainState state, NodeRecord node) {
        return state.requestId().equals(node.lastRequestId()) && node.version() == state.nodeVersion() + 1
                && (node.state() == NodeState.REGISTERED || node.state() == NodeState.DRAIN_KEPT);
    }

    private DrainState finishLetGo(DrainState state, NodeRecord node, Optional<RequestRecord> request) {
        boolean confirmed = request.map(r -> r.steps().stream().anyMatch(s -> s.name().equals(STEP_VERIFY)
                && s.result() == StepResult.SUCCEEDED)).orElse(false);
        if (confirmed) {
            store.finishRequest(state.requestId(), Outcome.UPGRADED, null);
            return state.withNode(node.state(), node.version()).withDecision(WorkflowDecision.UPGRADED);
        }
        store.finishRequest(state.requestId(), Outcome.FAILED, node.error().orElse(
                new Failure(Reason.UPGRADE_FAILED, "the upgrade was not confirmed")));
        return state.withNode(node.state(), node.version()).withDecision(WorkflowDecision.END);
    }

    private void pause() {
        try {
            sleeper.sleep(settings.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(Reason.TIMED_OUT, "interrupted while verifying the upgrade");
        }
    }

    /**
     * The upgrade's settings.
     *
     * @param verifyTimeout how long ECS and SSM may take to report the new versions after the host did
     * @param pollInterval  between two looks
     */
    public record UpgradeSettings(Duration verifyTimeout, Duration pollInterval) {
        public UpgradeSettings {
            Objects.requireNonNull(verifyTimeout, "verifyTimeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("the poll interval must be positive");
            }
        }

        /** Three minutes (SSM updates an instance's agent version at its next report), every 5 s. */
        public static UpgradeSettings defaults() {
            return new UpgradeSettings(Duration.ofMinutes(3), Duration.ofSeconds(5));
        }
    }
}
