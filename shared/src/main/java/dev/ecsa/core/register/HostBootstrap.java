package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.state.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's part of a registration: render the bootstrap for this node and activation, run it over SSH within what
 * the budget leaves (keeping back the verification's reserve), pin the host key the connection observed, and read the
 * host's report. A host-side failure is thrown as its reason, with the host's own account of it.
 */
final class HostBootstrap {

    /** Step: pinning the host key observed on the connection. */
    static final String STEP_HOST_KEY = "host-key";

    private final RemoteHost remoteHost;
    private final BootstrapScripts scripts;
    private final NodeStore store;
    private final RegistrationSettings settings;
    private final Delivery delivery;
    private String observedHostKey;

    HostBootstrap(RemoteHost remoteHost, BootstrapScripts scripts, NodeStore store, RegistrationSettings settings,
                  Delivery delivery) {
        this.remoteHost = remoteHost;
        this.scripts = scripts;
        this.store = store;
        this.settings = settings;
        this.delivery = delivery;
    }

    /** The host key the connection observed, once the script ran; {@code null} before. */
    String observedHostKey() {
        return observedHostKey;
    }

    /** A rendered bootstrap, ready to run on the node's host. */
    record Prepared(NodeRecord node, HostKeyPolicy policy, ScriptRun run) {
    }

    /** Renders the bootstrap for {@code node} and {@code activation}, within what the budget leaves. */
    Prepared prepare(NodeRecord node, Activation activation, SshPrivateKey key) {
        return prepare(node, activation, key, null);
    }

    /**
     * Renders the bootstrap that completes this node's interrupted installation {@code resumeManagedInstanceId} (SSM
     * confirmed it under the node's name), on the host key the first run pinned.
     */
    Prepared prepareResume(NodeRecord node, Activation activation, SshPrivateKey key, String resumeManagedInstanceId) {
        return prepare(node, activation, key, resumeManagedInstanceId);
    }

    private Prepared prepare(NodeRecord node, Activation activation, SshPrivateKey key, String resume) {
        Duration hostTime = delivery.remaining().minus(settings.verifyReserve());
        if (hostTime.compareTo(settings.minimumHostTime()) < 0) {
            throw delivery.budgetExhausted("the bootstrap");
        }
        Duration connect = min(settings.connectTimeout(), hostTime.dividedBy(4));
        Duration command = hostTime.minus(connect);
        Duration agentWait = min(settings.agentWait(), command.dividedBy(2));
        String script = scripts.render(new BootstrapInput(delivery.nodeId, delivery.cluster, activation,
                ecsAttributes(), containerInstanceTags(), agentWait, resume));
        HostKeyPolicy policy = HostKeyPolicy.forFingerprint(observedHostKey != null ? observedHostKey
                : node.hostKeyFingerprint());
        SshTarget target = new SshTarget(delivery.request.address(), delivery.request.port(),
                delivery.request.sshUser());
        return new Prepared(node, policy,
                new ScriptRun(target, policy, key, ScriptRun.DEFAULT_COMMAND, script, connect, command));
    }

    /** Runs a prepared bootstrap; the report is ok or already-registered, anything else is thrown as its reason. */
    BootstrapReport run(Prepared prepared) {
        ScriptResult result = runOnHost(prepared.run());
        pinHostKey(prepared.node(), result.observedHostKeyFingerprint(), prepared.policy());
        BootstrapReport report;
        try {
            report = scripts.parse(result);
        } catch (NodeOperationException e) {
            throw NodeOperationException.of(e.reason(),
                    delivery.scrub(e.detail() + delivery.tailNote("stderr", result.stderrTail())), e);
        }
        if (!report.ok() && !report.alreadyRegistered()) {
            throw NodeOperationException.of(report.reason(), delivery.hostFailure(report));
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

    private void pinHostKey(NodeRecord node, String observed, HostKeyPolicy policy) {
        String pinned = observedHostKey != null ? observedHostKey : node.hostKeyFingerprint();
        observedHostKey = observed;
        if (observed.equals(pinned)) {
            return;
        }
        Instant at = delivery.now();
        store.updateNode(delivery.nodeId, NodeState.REGISTERING, NodeUpdate.none().withHostKeyFingerprint(observed));
        delivery.append(new Step(STEP_HOST_KEY, at, delivery.now(), StepResult.SUCCEEDED,
                (policy instanceof HostKeyPolicy.PinOnFirstUse ? "pinned on first use: " : "pinned: ") + observed));
    }

    private Map<String, String> ecsAttributes() {
        Map<String, String> a = new LinkedHashMap<>(delivery.request.attributes());
        a.put(RegistrationSettings.NODE_ATTRIBUTE, delivery.nodeId);
        return a;
    }

    private Map<String, String> containerInstanceTags() {
        Map<String, String> t = new LinkedHashMap<>(delivery.request.tags());
        t.put(RegistrationSettings.NODE_TAG, delivery.nodeId);
        t.put(RegistrationSettings.REQUEST_TAG, delivery.requestId);
        t.put(RegistrationSettings.STACK_TAG, settings.stackName());
        return t;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
