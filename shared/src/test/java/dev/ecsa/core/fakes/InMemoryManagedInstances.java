package dev.ecsa.core.fakes;

import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SSM managed instances in memory. Deregistered instances disappear, as they do from DescribeInstanceInformation. */
public final class InMemoryManagedInstances implements ManagedInstances {

    private final Map<String, ManagedInstance> instances = new LinkedHashMap<>();
    private final List<String> deregistered = new ArrayList<>();

    @Override
    public synchronized Optional<ManagedInstance> describe(String managedInstanceId) {
        return Optional.ofNullable(instances.get(managedInstanceId));
    }

    @Override
    public synchronized void deregister(String managedInstanceId) {
        if (instances.remove(managedInstanceId) != null) {
            deregistered.add(managedInstanceId);
        }
    }

    /** Adds (or replaces) an instance, as a host registering with SSM would. */
    public synchronized void add(ManagedInstance instance) {
        instances.put(instance.instanceId(), instance);
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
