package dev.ecsa.core.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain event: one per outcome and per notable step. Published to EventBridge with {@link #detailType()} as
 * DetailType and {@link #detail()} as Detail. Events never carry secrets.
 */
public sealed interface NodeEvent permits NodeEvent.NodeRegistered, NodeEvent.NodeRegistrationFailed,
        NodeEvent.NodeRequestRejected, NodeEvent.NodeDrainStarted, NodeEvent.NodeDeregistered,
        NodeEvent.NodeDrainTimedOut, NodeEvent.NodeDeregistrationFailed,
        NodeEvent.NodeDriftFound, NodeEvent.NodeDriftResolved, NodeEvent.NodeQuarantined,
        NodeEvent.NodeQuarantineReleased, NodeEvent.NodeAgentsRestarted, NodeEvent.NodeAgentsRestartFailed,
        NodeEvent.NodeUpgraded, NodeEvent.NodeUpgradeFailed, NodeEvent.NodeReregistered, NodeEvent.RolloutEvent {

    /** The node the event is about. */
    String nodeId();

    /** The request that caused it; consumers deduplicate on it (delivery is at least once). */
    String requestId();

    /** EventBridge DetailType: the record's simple name, e.g. {@code NodeRegistered}. */
    default String detailType() {
        return getClass().getSimpleName();
    }

    /** The event's fields as a flat map for EventBridge Detail; {@code null} values are left out. */
    default Map<String, Object> detail() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("nodeId", nodeId());
        d.put("requestId", requestId());
        for (var c : getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(this);
                if (v != null && !d.containsKey(c.getName())) {
                    d.put(c.getName(), v instanceof Enum<?> e ? e.name() : v);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read event component " + c.getName(), e);
            }
        }
        return d;
    }

    /** The node joined SSM and ECS. */
    record NodeRegistered(String nodeId, String requestId, String cluster, String managedInstanceId,
                          String containerInstanceArn) implements NodeEvent {
    }

    /** A registration failed; {@code reason} is a {@link dev.ecsa.core.error.Reason} name. */
    record NodeRegistrationFailed(String nodeId, String requestId, String reason, String message)
            implements NodeEvent {
    }

    /** A request was rejected (invalid, or not allowed in the node's state). */
    record NodeRequestRejected(String nodeId, String requestId, String action, String message) implements NodeEvent {
    }

    /** A drain began; {@code deadline} is ISO-8601. */
    record NodeDrainStarted(String nodeId, String requestId, String cluster, String containerInstanceArn,
                            String deadline, String policy) implements NodeEvent {
    }

    /** The node left ECS and SSM; {@code forced} when a drain timeout with policy force led here. */
    record NodeDeregistered(String nodeId, String requestId, boolean forced) implements NodeEvent {
    }

    /** A drain reached its deadline; {@code action} says what the policy did; {@code blockingTasks} are task ARNs. */
    record NodeDrainTimedOut(String nodeId, String requestId, String policy, String action,
                             java.util.List<String> blockingTasks) implements NodeEvent {
        public NodeDrainTimedOut {
            blockingTasks = blockingTasks == null ? java.util.List.of() : java.util.List.copyOf(blockingTasks);
        }
    }

    /** A drain or deregistration failed. */
    record NodeDeregistrationFailed(String nodeId, String requestId, String reason, String message)
            implements NodeEvent {
    }

    /**
     * The reconciler found something new (a finding absent from its previous run). {@code nodeId} is the node the
     * finding is about, or the stray resource's id when no node owns it; {@code requestId} is the reconcile run's id;
     * {@code description} says what is wrong;
     * {@code findingType} a {@link dev.ecsa.core.reconcile.FindingType} name; {@code since} ISO-8601; {@code action}
     * what the run did about it (a {@link dev.ecsa.core.reconcile.FixAction} name).
     */
    record NodeDriftFound(String nodeId, String requestId, String findingType, String subject, String description,
                          String since, String action) implements NodeEvent {
    }

    /** A finding of the reconciler's previous run is gone; {@code requestId} is the run that saw it gone. */
    record NodeDriftResolved(String nodeId, String requestId, String findingType, String subject, String since)
            implements NodeEvent {
    }

    /**
     * The reconciler's repair quarantined the node: its agents were unhealthy since {@code unhealthySince} (ISO-8601)
     * longer than the debounce; the container instance is DRAINING and the node DRAIN_KEPT. {@code requestId} is the
     * reconcile run's id.
     */
    record NodeQuarantined(String nodeId, String requestId, String cluster, String containerInstanceArn,
                           String problem, String unhealthySince) implements NodeEvent {
    }

    /** The repair released its quarantine: the node stayed healthy since {@code healthySince}; ACTIVE again. */
    record NodeQuarantineReleased(String nodeId, String requestId, String cluster, String containerInstanceArn,
                                  String healthySince) implements NodeEvent {
    }

    /** A restart request restarted the node's agents and both reported connected again under the same ids. */
    record NodeAgentsRestarted(String nodeId, String requestId, String managedInstanceId, String containerInstanceArn)
            implements NodeEvent {
    }

    /** A restart request failed; {@code reason} is a {@link dev.ecsa.core.error.Reason} name. */
    record NodeAgentsRestartFailed(String nodeId, String requestId, String reason, String message)
            implements NodeEvent {
    }

    /**
     * A node's agents were upgraded in place: both report the new versions under the same managed instance and
     * container instance, and the instance is ACTIVE again (unless it was DRAINING before the upgrade).
     *
     * @param upgraded "package from -> to", one per agent upgraded (empty when both already ran the targets)
     */
    record NodeUpgraded(String nodeId, String requestId, String managedInstanceId, String containerInstanceArn,
                        String ecsAgentVersion, String ssmAgentVersion, List<String> upgraded) implements NodeEvent {
        public NodeUpgraded {
            upgraded = upgraded == null ? List.of() : List.copyOf(upgraded);
        }
    }

    /**
     * An upgrade did not happen or could not be confirmed. {@code rolledBack}: the previous packages run again and the
     * instance is ACTIVE; otherwise ({@code keptDraining}) the node is held DRAINING (DRAIN_KEPT) for a person.
     */
    record NodeUpgradeFailed(String nodeId, String requestId, String reason, String message, boolean rolledBack,
                             boolean keptDraining) implements NodeEvent {
    }

    /**
     * The repair's last resort re-registered a node whose agents stayed unhealthy after their restart: a new managed
     * instance and container instance replace the previous ones ({@code requestId}: the registration's).
     */
    record NodeReregistered(String nodeId, String requestId, String previousManagedInstanceId,
                            String previousContainerInstanceArn, String managedInstanceId,
                            String containerInstanceArn) implements NodeEvent {
    }

    /**
     * A rollout's progress (docs/rollouts.md): its DetailType is {@code event} (RolloutStarted, RolloutBatchStarted,
     * RolloutWaiting, RolloutPaused, RolloutResumed, RolloutHalted, RolloutCancelled, RolloutCompleted,
     * RolloutRejected); {@code requestId} is the rollout id, and the node is {@code -} (a rollout is about many).
     */
    record RolloutEvent(String rolloutId, String event, String status, String summary) implements NodeEvent {

        @Override
        public String nodeId() {
            return "-";
        }

        @Override
        public String requestId() {
            return rolloutId;
        }

        @Override
        public String detailType() {
            return event;
        }
    }
}
