package dev.ecsa.core.fakes;

import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.PingStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SSM managed instances in memory. Deregistered instances disappear, as they do from DescribeInstanceInformation. */
public final class InMemoryManagedInstances implements ManagedInstances {

    private final Map<String, ManagedInstance> instances = new LinkedHashMap<>();
    private final List<String> deregistered = new ArrayList<>();
    private final Map<String, Instant> lastPing = new HashMap<>();

    @Override
    public synchronized Optional<ManagedInstance> describe(String managedInstanceId) {
        return Optional.ofNullable(instances.get(managedInstanceId));
    }

    private boolean denyUnlisted;

    /**
     * From now on, deregistering an instance SSM does not list is AccessDenied, as a policy conditional on the
     * instance's tag answers on AWS (an unknown instance has no tag).
     */
    public synchronized void denyUnlisted() {
        denyUnlisted = true;
    }

    @Override
    public synchronized void deregister(String managedInstanceId) {
        if (instances.remove(managedInstanceId) != null) {
            deregistered.add(managedInstanceId);
        } else if (denyUnlisted) {
            throw new dev.ecsa.core.error.PermanentException(dev.ecsa.core.error.Reason.AWS_ACCESS_DENIED,
                    "not authorized to perform: ssm:DeregisterManagedInstance on managed-instance/" + managedInstanceId);
        }
    }

    /** {@inheritDoc} Here: the instances named {@code nodeId} (a fake holds one stack's instances). */
    @Override
    public synchronized List<String> registeredFor(String nodeId) {
        return instances.values().stream().filter(i -> nodeId.equals(i.name())).map(ManagedInstance::instanceId)
                .toList();
    }

    /** Adds (or replaces) an instance, as a host registering with SSM would. */
    public synchronized void add(ManagedInstance instance) {
        instances.put(instance.instanceId(), instance);
    }

    /** Sets the agent's ping status and the time of its last ping, as SSM reports them. */
    public synchronized void setPing(String managedInstanceId, PingStatus status, Instant lastPingAt) {
        ManagedInstance i = instances.get(managedInstanceId);
        if (i == null) {
            throw new IllegalArgumentException("no managed instance " + managedInstanceId);
        }
        instances.put(managedInstanceId, new ManagedInstance(i.instanceId(), i.activationId(), i.name(), status,
                i.agentVersion(), i.ipAddress(), i.platformName(), i.platformVersion()));
        lastPing.put(managedInstanceId, lastPingAt);
    }

    /** Sets the SSM agent's version, as an upgraded agent reports it. */
    public synchronized void setAgentVersion(String managedInstanceId, String agentVersion) {
        ManagedInstance i = instances.get(managedInstanceId);
        if (i == null) {
            throw new IllegalArgumentException("no managed instance " + managedInstanceId);
        }
        instances.put(managedInstanceId, new ManagedInstance(i.instanceId(), i.activationId(), i.name(),
                i.pingStatus(), agentVersion, i.ipAddress(), i.platformName(), i.platformVersion()));
    }

    /** The last ping time set by {@link #setPing}, or {@code null}. */
    public synchronized Instant lastPing(String managedInstanceId) {
        return lastPing.get(managedInstanceId);
    }

    /** Every instance SSM still knows. */
    public synchronized List<ManagedInstance> all() {
        return List.copyOf(instances.values());
    }

    /** Ids actually deregistered, in order (a no-op deregistration adds nothing). */
    public synchronized List<String> deregisteredIds() {
        return List.copyOf(deregistered);
    }
}
