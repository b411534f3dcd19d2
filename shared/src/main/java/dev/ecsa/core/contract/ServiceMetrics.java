package dev.ecsa.core.contract;

import dev.ecsa.core.event.NodeEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service's outcome metrics: one count per outcome event, in namespace
 * {@value FunctionEnvironment#METRIC_NAMESPACE} with the one dimension {@value FunctionEnvironment#METRIC_DIMENSION}
 * = the stack name. The functions emit them (CloudWatch Embedded Metric Format on stdout) and the stack's alarms and
 * dashboard read them; both take the names from here. Delivery is at least once, like the events they count: a
 * retried step may count its outcome twice.
 */
public final class ServiceMetrics {

    public static final String NODE_REGISTERED = "NodeRegistered";
    public static final String REGISTRATION_FAILED = "RegistrationFailed";
    public static final String REQUEST_REJECTED = "RequestRejected";
    public static final String DRAIN_STARTED = "DrainStarted";
    public static final String NODE_DEREGISTERED = "NodeDeregistered";
    public static final String DRAIN_TIMED_OUT = "DrainTimedOut";
    public static final String DEREGISTRATION_FAILED = "DeregistrationFailed";
    public static final String AGENTS_RESTARTED = "AgentsRestarted";
    public static final String AGENTS_RESTART_FAILED = "AgentsRestartFailed";
    public static final String AGENTS_UPGRADED = "AgentsUpgraded";
    public static final String AGENTS_UPGRADE_FAILED = "AgentsUpgradeFailed";
    public static final String NODES_REREGISTERED = "NodesReregistered";
    /** The reconciler's total of findings other than OK (it writes its metrics itself, one line per run). */
    public static final String RECONCILE_FINDINGS = "ReconcileFindings";
    /** Rollouts that ended, by how, and the times a rollout began to wait for another reason (docs/rollouts.md). */
    public static final String ROLLOUTS_COMPLETED = "RolloutsCompleted";
    public static final String ROLLOUTS_HALTED = "RolloutsHalted";
    public static final String ROLLOUTS_CANCELLED = "RolloutsCancelled";
    public static final String ROLLOUTS_REJECTED = "RolloutsRejected";
    public static final String ROLLOUT_WAITS = "RolloutWaits";
    /** Every rollout metric, in the order the dashboard shows them. */
    public static final List<String> ROLLOUTS = List.of(ROLLOUTS_COMPLETED, ROLLOUTS_HALTED, ROLLOUTS_CANCELLED,
            ROLLOUTS_REJECTED, ROLLOUT_WAITS);
    private static final Map<String, String> BY_ROLLOUT_EVENT = Map.of("RolloutCompleted", ROLLOUTS_COMPLETED,
            "RolloutHalted", ROLLOUTS_HALTED, "RolloutCancelled", ROLLOUTS_CANCELLED, "RolloutRejected",
            ROLLOUTS_REJECTED, "RolloutWaiting", ROLLOUT_WAITS);
    public static final String RECONCILE_FIXES = "ReconcileFixes";
    /**
     * Outcome events given up on: the outcome is recorded, the bus refused the event through the last delivery and
     * its flush (dev.ecsa.core.request.LastDeliveryEvents). Any count is alarmed: consumers missed an outcome.
     */
    public static final String EVENTS_UNPUBLISHED = "EventsUnpublished";

    /** Every outcome metric, in the order a dashboard shows them. */
    public static final List<String> OUTCOMES = List.of(NODE_REGISTERED, REGISTRATION_FAILED, REQUEST_REJECTED,
            DRAIN_STARTED, NODE_DEREGISTERED, DRAIN_TIMED_OUT, DEREGISTRATION_FAILED, AGENTS_RESTARTED,
            AGENTS_RESTART_FAILED, AGENTS_UPGRADED, AGENTS_UPGRADE_FAILED, NODES_REREGISTERED);

    private static final Map<Class<? extends NodeEvent>, String> BY_EVENT = Map.ofEntries(
            Map.entry(NodeEvent.NodeRegistered.class, NODE_REGISTERED),
            Map.entry(NodeEvent.NodeRegistrationFailed.class, REGISTRATION_FAILED),
            Map.entry(NodeEvent.NodeRequestRejected.class, REQUEST_REJECTED),
            Map.entry(NodeEvent.NodeDrainStarted.class, DRAIN_STARTED),
            Map.entry(NodeEvent.NodeDeregistered.class, NODE_DEREGISTERED),
            Map.entry(NodeEvent.NodeDrainTimedOut.class, DRAIN_TIMED_OUT),
            Map.entry(NodeEvent.NodeDeregistrationFailed.class, DEREGISTRATION_FAILED),
            Map.entry(NodeEvent.NodeAgentsRestarted.class, AGENTS_RESTARTED),
            Map.entry(NodeEvent.NodeAgentsRestartFailed.class, AGENTS_RESTART_FAILED),
            Map.entry(NodeEvent.NodeUpgraded.class, AGENTS_UPGRADED),
            Map.entry(NodeEvent.NodeUpgradeFailed.class, AGENTS_UPGRADE_FAILED),
            Map.entry(NodeEvent.NodeReregistered.class, NODES_REREGISTERED));

    private ServiceMetrics() {
    }

    /** The metric an event counts in; drift events have none (the reconciler counts its findings per run). */
    public static Optional<String> of(NodeEvent event) {
        if (event instanceof NodeEvent.RolloutEvent r) {
            return Optional.ofNullable(r.event() == null ? null : BY_ROLLOUT_EVENT.get(r.event()));
        }
        String metric = BY_EVENT.get(event.getClass());
        return Optional.ofNullable(metric);
    }
}
