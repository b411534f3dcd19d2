package dev.ecsa.core.deregister;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Clock;

/**
 * The CleanHost Task: runs the cleanup script on the host over SSH, verified against the node's pinned host key, then
 * completes the deregistration: node → DEREGISTERED, request finished, NodeDeregistered published.
 *
 * <p>The node has already left ECS and SSM when this runs, so a host that cannot be cleaned does not undo that: the
 * node is recorded DEREGISTERED (it is registered nowhere) with a warning "host not cleaned" and the reason, which the
 * request's failure field and the node's last error carry; the outcome stays a success. The cases:
 * <ul>
 *   <li>unreachable (or timing out) — retried by the state machine; the {@code cleanupAttempts}-th attempt gives up;
 *   </li>
 *   <li>no address or no pinned host key, or the script could not remove everything;</li>
 *   <li>a changed host key (HOST_KEY_CHANGED: nothing was sent to the host; if it was reinstalled there is nothing to
 *       clean, otherwise a person checks it, and a deregistration naming its new {@code hostKeyFingerprint} cleans
 *       it), refused authentication, or output that is not the script's — not retried.</li>
 * </ul>
 * <p>NodeDeregistered is published before the node is let go (DEREGISTERED), so a refused event fails the attempt
 * while the node is still this request's. Idempotent: a replay after the outcome was recorded does nothing; one after
 * the node was let go only finishes the request; the script checks before it acts; and the script never goes to a
 * host whose node another request has taken since (CONFLICT).
 */
public final class CleanHost {

    static final String STEP = "clean-host";
    static final String ATTEMPT = "clean-host attempt ";

    private final NodeStore store;
    private final RemoteHost hosts;
    private final SecretSource secrets;
    private final CleanupScript script;
    private final EventPublisher events;
    private final DrainSettings settings;
    private final RequestJournal journal;

    public CleanHost(NodeStore store, RemoteHost hosts, SecretSource secrets, CleanupScript script,
                     EventPublisher events, Clock clock, DrainSettings settings) {
        this.store = store;
        this.hosts = hosts;
        this.secrets = secrets;
        this.script = script;
        this.events = events;
        this.settings = settings;
        this.journal = new RequestJournal(store, clock);
    }

    public DrainState handle(DrainState state) {
        if (!state.deregistered()) {
            throw new PermanentException(Reason.INTERNAL, "CleanHost ran before Deregister");
        }
        NodeRecord node = store.getNode(state.nodeId()).orElseThrow(() ->
                new PermanentException(Reason.NOT_FOUND, "node " + state.nodeId() + " has no record"));
        if (journal.finished(state.requestId())) {
            // A replay after this Task recorded the outcome: its event went out before the node was let go.
            return state.withNodeIfMovedByThisRequest(node).withDecision(WorkflowDecision.END);
        }
        Transition release = new Transition(state.nodeState(), NodeState.DEREGISTERED, state.nodeVersion());
        // A CONFLICT when the node was let go and taken by another request: never send the cleanup script to a host
        // that may be serving again.
        if (LetGo.already(node, state, release, ": the host is no longer this request's to clean")) {
            // An earlier attempt cleaned, published and let the node go, then stopped before finishing the request.
            store.finishRequest(state.requestId(), outcome(state), node.error().orElse(null));
            return state.withNode(node.state(), node.version()).withDecision(WorkflowDecision.END);
        }
        Failure notCleaned = clean(state, node);
        // The event goes out while this request still holds the node: a refused event fails this attempt, and the
        // retry cleans again (the script finds the work done) and publishes again. After the node is let go, another
        // request may take it, and a retry could no longer tell its host from ours.
        events.publish(new NodeEvent.NodeDeregistered(state.nodeId(), state.requestId(), state.forced()));
        NodeUpdate update = NodeUpdate.none().withLastRequestId(state.requestId());
        update = notCleaned == null ? update.clearingLastError() : update.withLastError(notCleaned);
        NodeRecord done = store.transition(state.nodeId(), release, update).orThrow();
        store.finishRequest(state.requestId(), outcome(state), notCleaned);
        return state.withNode(done.state(), done.version()).withDecision(WorkflowDecision.END);
    }

    private static Outcome outcome(DrainState state) {
        return state.forced() ? Outcome.FORCE_DEREGISTERED : Outcome.DEREGISTERED;
    }

    /** Cleans the host; returns {@code null} when it is clean, else the warning to record. */
    private Failure clean(DrainState state, NodeRecord node) {
        if (node.address() == null || node.sshUser() == null) {
            return notCleaned(state, Reason.NOT_FOUND, "no SSH address is recorded for the node");
        }
        if (node.hostKeyFingerprint() == null) {
            // A root script goes only to a host whose key was pinned when it was registered.
            return notCleaned(state, Reason.HOST_KEY_UNKNOWN, "no host key is pinned for the node");
        }
        ScriptRun run = new ScriptRun(new SshTarget(node.address(), node.port(), node.sshUser()),
                new HostKeyPolicy.Expect(node.hostKeyFingerprint()), secrets.sshPrivateKey(settings.sshKeySecretId()),
                ScriptRun.DEFAULT_COMMAND, script.text(), settings.connectTimeout(), settings.commandTimeout());
        ScriptResult result;
        try {
            result = hosts.run(run);
        } catch (PermanentException e) {
            journal.record(state.requestId(), ATTEMPT + (journal.count(state.requestId(), ATTEMPT) + 1),
                    StepResult.FAILED, e.reason() + ": " + e.detail());
            return notCleaned(state, e.reason(), e.detail());
        } catch (RetryableException e) {
            long attempt = journal.count(state.requestId(), ATTEMPT) + 1;
            journal.record(state.requestId(), ATTEMPT + attempt, StepResult.FAILED,
                    e.reason() + ": " + e.detail());
            if (attempt < settings.cleanupAttempts()) {
                throw e;
            }
            return notCleaned(state, e.reason(), e.detail() + " (after " + attempt + " attempts)");
        }
        CleanupReport report = script.interpret(result);
        if (!report.ok()) {
            return notCleaned(state, Reason.CLEANUP_FAILED, (report.reason() == null ? "" : report.reason() + ": ")
                    + report.summary());
        }
        journal.record(state.requestId(), STEP, StepResult.SUCCEEDED, "host cleaned: " + report.summary());
        return null;
    }

    private Failure notCleaned(DrainState state, Reason reason, String why) {
        Failure warning = new Failure(reason, "deregistered from ECS and SSM, but the host was not cleaned: " + why);
        journal.record(state.requestId(), STEP, StepResult.FAILED, warning.message());
        return warning;
    }
}
