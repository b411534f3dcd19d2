package dev.ecsa.core.port;

/** An ECS container instance's status. Only ACTIVE and DRAINING can be set by a caller. */
public enum ContainerInstanceStatus {
    REGISTERING, REGISTRATION_FAILED, ACTIVE, DRAINING, DEREGISTERING, INACTIVE;

    /** Whether the instance no longer exists for placement or draining purposes. */
    public boolean isGone() {
        return this == INACTIVE || this == DEREGISTERING;
    }
}
