package dev.ecsa.core.port;

/**
 * What a drain workflow execution drains a node for: the same workflow, loop and timeout policy, a different end.
 */
public enum DrainPurpose {
    /** Drain, then deregister from ECS and SSM and clean the host. */
    DEREGISTER,
    /** Drain, then upgrade the agents in place and set the instance ACTIVE again. */
    UPGRADE
}
