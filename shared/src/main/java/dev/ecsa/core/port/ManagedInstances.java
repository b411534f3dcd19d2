package dev.ecsa.core.port;

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
}
