package dev.ecsa.functions.drain;

import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.fakes.InMemorySecretSource;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A registered node on the in-memory fakes, for the drain function's tests; the host answers like cleanup.sh. */
public final class DrainBench {

    public static final String NODE = "edge-017";
    public static final String REQUEST = "dereg-0001";
    public static final String CLUSTER = "edge";
    public static final String MI = "mi-0123456789abcdef0";
    public static final String ADDRESS = "10.20.0.17";
    public static final String HOST_KEY = "SHA256:pinnedpinnedpinnedpinnedpinnedpinnedpinned0";
    public static final String KEY_SECRET = "ecsa/ssh-private-key";
    static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nbench\n-----END OPENSSH PRIVATE KEY-----";
    /** A result line as cleanup.sh prints it. */
    public static final String CLEANUP_RESULT = "ECSA_RESULT {\"ok\":true,\"reason\":null,\"stopped\":[\"ecs\","
            + "\"amazon-ssm-agent\"],\"notRunning\":[],\"removed\":[\"amazon-ecs-init\",\"/var/lib/ecs\"],"
            + "\"alreadyAbsent\":[\"/var/log/ecs\"],\"kept\":[],\"failed\":[]}";

    public final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    public final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    public final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    public final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    public final InMemoryRemoteHost hosts = new InMemoryRemoteHost();
    public final InMemorySecretSource secrets = new InMemorySecretSource().put(KEY_SECRET, KEY_TEXT);
    public final InMemoryEventPublisher events = new InMemoryEventPublisher();
    public final AtomicInteger cleanupRuns = new AtomicInteger();
    public final String arn;

    public DrainBench() {
        arn = containers.register(CLUSTER, MI, Map.of()).arn();
        managed.add(new ManagedInstance(MI, "act-1", NODE, PingStatus.ONLINE, "3.3.0", ADDRESS));
        RegisterRequest reg = new RegisterRequest("reg-0001", NODE, ADDRESS, 22, "ecsa", null, CLUSTER, Map.of(),
                Map.of(), "provisioner", "");
        store.createNodeIfAbsent(NodeRecord.newRegistration(reg, CLUSTER, clock.instant()));
        store.transition(NODE, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(MI).withContainerInstanceArn(arn).withHostKeyFingerprint(HOST_KEY))
                .orThrow();
        store.putRequestIfAbsent(RequestRecord.received(
                new DeregisterRequest(REQUEST, NODE, null, null, "operator", ""), clock.instant()));
        hosts.addHost(ADDRESS, 22, HOST_KEY, "ecsa", KEY_TEXT, run -> {
            cleanupRuns.incrementAndGet();
            return new InMemoryRemoteHost.Reply(0, "ecsa-cleanup: done\n" + CLEANUP_RESULT + "\n", "");
        });
    }

    public DrainPorts steps() {
        return new DrainPorts(store, containers, managed, hosts, secrets, events, clock,
                DrainSettings.defaults(KEY_SECRET), new HostScriptsUpgrade(HostScriptsUpgrade.Settings.of("eu-west-1",
                        "", "", "", HostScriptsUpgrade.AGENT_WAIT)),
                dev.ecsa.core.deregister.UpgradeAgents.UpgradeSettings.defaults());
    }
}
