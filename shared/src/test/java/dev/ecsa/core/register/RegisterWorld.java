package dev.ecsa.core.register;

import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.fakes.InMemorySecretSource;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The in-memory world a registration runs in: every port's fake, one host, and the use case built on them. */
final class RegisterWorld {

    static final String ADDRESS = "10.0.0.7";
    static final int PORT = 22;
    static final String USER = "ecsa";
    static final String HOST_KEY = "SHA256:" + "A".repeat(42) + "E";
    static final String OTHER_KEY = "SHA256:" + "B".repeat(42) + "E";
    static final String SECRET_ID = "ecsa/ssh-private-key";
    static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----";
    static final int MAX_RECEIVES = 5;

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, managed);
    final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    final InMemoryRemoteHost remote = new InMemoryRemoteHost();
    final InMemorySecretSource secrets = new InMemorySecretSource().put(SECRET_ID, KEY_TEXT);
    final InMemoryEventPublisher events = new InMemoryEventPublisher();
    final FakeBootstrapScripts scripts = new FakeBootstrapScripts();
    final BootstrapHost host = new BootstrapHost(activations, containers, clock);
    RegistrationSettings settings = RegistrationSettings.defaults("EcsaTest", "edge", SECRET_ID);

    RegisterWorld() {
        remote.addHost(ADDRESS, PORT, HOST_KEY, USER, KEY_TEXT, host);
    }

    RegisterNode registerNode() {
        return registerNode(CrashSwitch.never());
    }

    /** The use case with every port behind {@code crash}. */
    RegisterNode registerNode(CrashSwitch crash) {
        return new RegisterNode(crash.wrap(NodeStore.class, store), crash.wrap(HybridActivations.class, activations),
                crash.wrap(ManagedInstances.class, managed), crash.wrap(ContainerInstances.class, containers),
                crash.wrap(RemoteHost.class, remote), crash.wrap(SecretSource.class, secrets),
                crash.wrap(BootstrapScripts.class, scripts), crash.wrap(EventPublisher.class, events), clock,
                clock::advance, settings);
    }

    IntakeResult register(RegisterRequest request) {
        return registerNode().register(request, Attempt.first(MAX_RECEIVES));
    }

    IntakeResult register(RegisterRequest request, int receiveCount) {
        return registerNode().register(request, new Attempt(receiveCount, MAX_RECEIVES, null));
    }

    static RegisterRequest request(String requestId, String nodeId) {
        return request(requestId, nodeId, null, null);
    }

    static RegisterRequest request(String requestId, String nodeId, String fingerprint, String cluster) {
        return new RegisterRequest(requestId, nodeId, ADDRESS, PORT, USER, fingerprint, cluster,
                Map.of("rack", "r12"), Map.of("team", "edge"), "provisioner", "new rack");
    }

    /** Live activations, i.e. neither deleted nor expired. */
    long liveActivations() {
        return activations.live().size();
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
