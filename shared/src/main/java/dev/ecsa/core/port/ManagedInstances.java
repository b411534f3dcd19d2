package dev.ecsa.core.port;

import java.util.List;
import java.util.Optional;

/** SSM managed instances ({@code mi-…}). */
public interface ManagedInstances {

    /** The managed instance, or empty if SSM does not know it (never registered, or deregistered). Read-only. */
    Optional<ManagedInstance> describe(String managedInstanceId);

    /**
     * Deregisters the managed instance from SSM. Idempotent: an instance that is unknown or already deregistered
     * (SSM's InvalidInstanceId) counts as done.
     */
    void deregister(String managedInstanceId);

    /**
     * The managed instances SSM still lists that this stack registered for {@code nodeId}: SSM copies an
     * activation's tags ({@code ecsa:stack}, {@code ecsa:nodeId}) onto the instance registered with it. A registration
     * cut short can leave one that its node's record does not name; a deregistration removes those too. Read-only;
     * one DescribeInstanceInformation call per 50 instances (normally one call).
     */
    List<String> registeredFor(String nodeId);
}
