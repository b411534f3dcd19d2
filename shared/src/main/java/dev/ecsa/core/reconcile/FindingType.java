package dev.ecsa.core.reconcile;

/** What the reconciler can find when it compares the inventory with SSM and ECS (docs/reconcile.md). */
public enum FindingType {
    /** Everything agrees. Not stored as a finding; counted so the metrics show the healthy part of the fleet. */
    OK,
    /** ECS reports the agent disconnected, or SSM reports the agent's ping lost; the finding says since when. */
    AGENT_DISCONNECTED,
    /**
     * A container instance of this stack that the inventory does not hold as a live node, or a live node whose
     * container instance exists while its managed instance is gone from SSM.
     */
    ORPHAN_IN_ECS,
    /**
     * A managed instance tagged by this stack that the inventory does not hold as a live node, or a live node whose
     * managed instance exists while its container instance is gone from ECS.
     */
    ORPHAN_IN_SSM,
    /**
     * An operation that ended without finishing: a registration past its budget, a node DRAINING or DEREGISTERING
     * with no drain workflow running, or a container instance DRAINING that no drain of this service owns.
     */
    STUCK_OPERATION,
    /** An activation of this stack that was not deleted (expired, used up, or unused after its registration). */
    LEFTOVER_ACTIVATION,
    /** Stored ids that differ from what AWS reports (or a registered node that neither SSM nor ECS knows). */
    MISMATCH,
    /** A registered node whose ECS or SSM agent, as AWS reports it, is older than the stack's target version. */
    AGENT_OUTDATED,
    /**
     * A registered node that every run for longer than the repair's debounce found with an agent disconnected or its
     * container instance IMPAIRED: the
     * subject of the repair ({@link RepairSettings}); the finding's action says what the repair did or why not.
     */
    NODE_UNHEALTHY,
    /**
     * A cluster where more of the registered nodes are unhealthy at once than the repair's limit allows: repair waits
     * there (a network or AWS problem, not a node problem). Subject: the cluster.
     */
    REPAIR_SUSPENDED;

    /** The EMF metric name of the type's count ({@code AgentDisconnected}, ...). */
    public String metricName() {
        StringBuilder b = new StringBuilder();
        for (String part : name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
