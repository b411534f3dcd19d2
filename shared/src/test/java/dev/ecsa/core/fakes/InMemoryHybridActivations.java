package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SSM hybrid activations in memory, with SSM's rules: an activation registers at most one instance (RegistrationLimit
 * 1), not after it expired or was deleted, and deleting it does not deregister the instance. A host "registers" by
 * calling {@link #registerHost}, which is what the install script does with the code.
 */
public final class InMemoryHybridActivations implements HybridActivations {

    /** One stored activation and what happened to it. */
    public record Stored(Activation activation, ActivationSpec spec, String managedInstanceId, boolean deleted) {
    }

    private final Clock clock;
    private final InMemoryManagedInstances managedInstances;
    private final Map<String, Stored> activations = new LinkedHashMap<>();
    private final Map<String, Instant> createdAt = new HashMap<>();
    private int lookupFaults;

    public InMemoryHybridActivations(Clock clock, InMemoryManagedInstances managedInstances) {
        this.clock = clock;
        this.managedInstances = managedInstances;
    }

    @Override
    public synchronized Activation create(ActivationSpec spec) {
        String id = UUID.randomUUID().toString();
        byte[] code = new byte[10];
        ThreadLocalRandom.current().nextBytes(code);
        Activation a = new Activation(id, HexFormat.of().formatHex(code), spec.expiresAt());
        activations.put(id, new Stored(a, spec, null, false));
        createdAt.put(id, clock.instant());
        return a;
    }

    @Override
    public synchronized void delete(String activationId) {
        Stored s = activations.get(activationId);
        if (s != null && !s.deleted()) {
            activations.put(activationId, new Stored(s.activation(), s.spec(), s.managedInstanceId(), true));
        }
    }

    /** The next {@code n} lookups of an activation's managed instance fail as a 5xx from SSM would. */
    public synchronized void failNextLookups(int n) {
        lookupFaults = n;
    }

    @Override
    public synchronized Optional<ManagedInstance> findManagedInstance(String activationId) {
        if (lookupFaults > 0) {
            lookupFaults--;
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "SSM answered 503 (injected)");
        }
        Stored s = activations.get(activationId);
        if (s == null || s.managedInstanceId() == null) {
            return Optional.empty();
        }
        return managedInstances.describe(s.managedInstanceId());
    }

    @Override
    public synchronized List<String> findForRequest(String nodeId, String requestId) {
        return activations.values().stream().filter(s -> !s.deleted() && s.spec().nodeId().equals(nodeId)
                && s.spec().requestId().equals(requestId)).map(s -> s.activation().activationId()).toList();
    }

    /**
     * Registers a host with an activation id and code, as amazon-ssm-agent -register does: the new managed instance is
     * named after the activation's DefaultInstanceName.
     *
     * @throws PermanentException ACTIVATION_INVALID if the code is wrong, or the activation is deleted, expired or used
     */
    public synchronized ManagedInstance registerHost(String activationId, String code, String ipAddress) {
        Stored s = activations.get(activationId);
        if (s == null || !s.activation().code().equals(code) || s.deleted()
                || !clock.instant().isBefore(s.activation().expiresAt()) || s.managedInstanceId() != null) {
            throw new PermanentException(Reason.ACTIVATION_INVALID, "activation " + activationId + " cannot register");
        }
        String mi = "mi-" + HexFormat.of().formatHex(randomBytes(9)).substring(0, 17);
        ManagedInstance instance = new ManagedInstance(mi, activationId, s.spec().nodeId(), PingStatus.ONLINE,
                "3.3.0.0", ipAddress, "Ubuntu", "22.04");
        managedInstances.add(instance);
        activations.put(activationId, new Stored(s.activation(), s.spec(), mi, false));
        return instance;
    }

    /**
     * Every activation not deleted, as SSM lists it (expired ones included). In this fake every activation is the
     * stack's own, as the SSM adapter's tag filter makes it.
     */
    @Override
    public synchronized List<ActivationInfo> listActivations() {
        Instant now = clock.instant();
        return activations.values().stream().filter(s -> !s.deleted())
                .map(s -> new ActivationInfo(s.activation().activationId(), s.spec().nodeId(), s.spec().requestId(),
                        createdAt.get(s.activation().activationId()), s.activation().expiresAt(),
                        !now.isBefore(s.activation().expiresAt()), s.managedInstanceId() == null ? 0 : 1, 1))
                .toList();
    }

    /**
     * The managed instances registered with this fake's activations that SSM still knows (SSM copies the activation's
     * tags, the stack's among them, onto the instance). Instances added to {@link InMemoryManagedInstances} directly
     * carry no tag of the stack and are not listed.
     */
    @Override
    public synchronized List<ListedManagedInstance> listManagedInstances() {
        return activations.values().stream().filter(s -> s.managedInstanceId() != null)
                .map(s -> managedInstances.describe(s.managedInstanceId())
                        .map(i -> new ListedManagedInstance(i, managedInstances.lastPing(i.instanceId()))))
                .flatMap(java.util.Optional::stream).toList();
    }

    /** Every activation ever created, in creation order. */
    public synchronized List<Stored> all() {
        return List.copyOf(activations.values());
    }

    /** Activations neither deleted nor expired: the ones a registration must not leave behind. */
    public synchronized List<Stored> live() {
        return activations.values().stream()
                .filter(s -> !s.deleted() && clock.instant().isBefore(s.activation().expiresAt()))
                .toList();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
