package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a set of {@link SimulatedHost}s before the test class and stops them (and
 * deletes their directories) afterwards. Use with {@code @RegisterExtension static}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static SimulatedHostsExtension hosts = SimulatedHostsExtension.with(
 *         HostConfig.builder("node-1").build(),
 *         HostConfig.builder("old-centos").distro(Distro.CENTOS_7).build());
 * ... hosts.host("node-1").port(), hosts.clientKeyPair(), hosts.host("node-1").hostKeyFingerprint()
 * }</pre>
 */
public final class SimulatedHostsExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<HostConfig> configs;
    private final KeyPair clientKey = SshKeys.generate();
    private final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
    private Path baseDir;

    private SimulatedHostsExtension(List<HostConfig> configs) {
        this.configs = List.copyOf(configs);
    }

    /** Hosts to start, with distinct names. */
    public static SimulatedHostsExtension with(HostConfig... configs) {
        return new SimulatedHostsExtension(List.of(configs));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            baseDir = Files.createTempDirectory("ecsa-hosts-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (HostConfig c : configs) {
                if (hosts.containsKey(c.name())) {
                    throw new IllegalArgumentException("duplicate host name " + c.name());
                }
                hosts.put(c.name(), SimulatedHost.start(baseDir.resolve(c.name()), c, List.of(clientKey.getPublic())));
            }
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<RuntimeException> failures = new ArrayList<>();
        for (SimulatedHost h : hosts.values()) {
            try {
                h.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        hosts.clear();
        Dirs.deleteRecursively(baseDir);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** The running host of that name. */
    public SimulatedHost host(String name) {
        SimulatedHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host named " + name);
        }
        return h;
    }

    /** The key pair every host of this extension accepts. */
    public KeyPair clientKeyPair() {
        return clientKey;
    }
}
