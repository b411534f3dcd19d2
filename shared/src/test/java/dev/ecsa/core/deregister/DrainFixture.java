package dev.ecsa.core.deregister;

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
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registered node on the in-memory fakes, ready to be deregistered: node item REGISTERED at version 2 with its ids
 * and pinned host key, an ACTIVE connected container instance, a managed instance, an SSH host that runs the cleanup,
 * and a received deregistration request.
 */
final class DrainFixture {

    static final String NODE = "edge-017";
    static final String REQUEST = "dereg-0001";
    static final String CLUSTER = "edge";
    static final String MI = "mi-0123456789abcdef0";
    static final String ADDRESS = "10.20.0.17";
    static final String HOST_KEY = "SHA256:pinnedpinnedpinnedpinnedpinnedpinnedpinned0";
    static final String USER = "ecsa";
    static final String KEY_SECRET = "ecsa/ssh-private-key";
    static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    final InMemoryRemoteHost hosts = new InMemoryRemoteHost();
    final InMemorySecretSource secrets = new InMemorySecretSource().put(KEY_SECRET, KEY_TEXT);
    final InMemoryEventPublisher events = new InMemoryEventPublisher();
    final TestCleanupScript cleanup = new TestCleanupScript();
    final TestUpgradeScript upgrade = new TestUpgradeScript();
    final DrainSettings settings = DrainSettings.defaults(KEY_SECRET);
    /** How many times the host ran the cleanup script. */
    final AtomicInteger cleanupRuns = new AtomicInteger();
    final String arn;

    DrainFixture() {
        ContainerInstance ci = containers.register(CLUSTER, MI, Map.of("ecsa.nodeId", NODE));
        arn = ci.arn();
        managed.add(new ManagedInstance(MI, "act-1", NODE, PingStatus.ONLINE, "3.3.0", ADDRESS));
        RegisterRequest reg = new RegisterRequest("reg-0001", NODE, ADDRESS, 22, USER, null, CLUSTER, Map.of(),
                Map.of(), "provisioner", "");
        NodeRecord created = store.createNodeIfAbsent(NodeRecord.newRegistration(reg, CLUSTER, clock.instant())).node();
        store.transition(NODE, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, created.version()),
                NodeUpdate.none().withManagedInstanceId(MI).withContainerInstanceArn(arn).withHostKeyFingerprint(HOST_KEY))
                .orThrow();
        store.putRequestIfAbsent(RequestRecord.received(
                new DeregisterRequest(REQUEST, NODE, null, null, "operator", "retiring rack 3"), clock.instant()));
        hosts.addHost(ADDRESS, 22, HOST_KEY, USER, KEY_TEXT, run -> {
            cleanupRuns.incrementAndGet();
            return new dev.ecsa.core.fakes.InMemoryRemoteHost.Reply(0,
                    "noise\nRESULT ok removed=/var/lib/ecs,/etc/ecs stopped=ecs,amazon-ssm-agent\n", "");
        });
    }

    DrainTasks tasks() {
        return tasks(containers);
    }

    DrainTasks tasks(ContainerInstances ecs) {
        return tasks(ecs, hosts);
    }

    DrainTasks tasks(ContainerInstances ecs, dev.ecsa.core.port.RemoteHost remote) {
        return new DrainTasks(store, ecs, managed, remote, secrets, events, cleanup, upgrade, clock::advance, clock,
                settings, new dev.ecsa.core.deregister.UpgradeAgents.UpgradeSettings(Duration.ofSeconds(60),
                        Duration.ofSeconds(5)));
    }

    /** A revert drain of a node with a service task, started and checked after its 10-minute deadline. */
    DrainState deadlinePassed(DrainTasks tasks) {
        addServiceTask("web-1");
        DrainState started = tasks.startDrain(start(TimeoutPolicy.REVERT));
        clock.advance(Duration.ofMinutes(10));
        return tasks.checkDrain(started);
    }

    DrainStart start(TimeoutPolicy policy) {
        return new DrainStart(REQUEST, NODE, CLUSTER, arn, clock.instant().plus(Duration.ofMinutes(10)), policy,
                node().version());
    }

    NodeRecord node() {
        return store.getNode(NODE).orElseThrow();
    }

    RequestRecord request() {
        return store.getRequest(REQUEST).orElseThrow();
    }

    Step step(String name) {
        return request().steps().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + request().steps()));
    }

    ContainerInstance instance() {
        return containers.describe(CLUSTER, arn).orElseThrow();
    }

    void addServiceTask(String id) {
        containers.addTask(arn, new TaskInfo(taskArn(id), "service:web", "RUNNING", "RUNNING", true));
    }

    void addStandaloneTask(String id) {
        containers.addTask(arn, new TaskInfo(taskArn(id), "family:backup", "RUNNING", "RUNNING", false));
    }

    static String taskArn(String id) {
        return "arn:aws:ecs:eu-west-1:123456789012:task/" + CLUSTER + "/" + id;
    }

    /**
     * A cleanup script for tests: the "script" is a marker line; the host's reply line {@code RESULT ok|failed k=v,…}
     * stands in for the real ECSA_RESULT JSON (which the functions module's implementation parses).
     */
    /**
     * The upgrade script's port on the fakes: the host's reply is ignored and {@link #next} is what the script
     * "reported"; {@link #inputs} what it was rendered for.
     */
    static final class TestUpgradeScript implements dev.ecsa.core.upgrade.UpgradeScript {
        final java.util.List<Input> inputs = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Report next = new Report(true, "done", null, "upgraded", false, true,
                java.util.List.of("amazon-ecs-init 1.82.0-1 -> 1.90.0-1"), java.util.List.of(), "1.90.0-1", null);

        @Override
        public String text(Input input) {
            inputs.add(input);
            return "upgrade\n";
        }

        @Override
        public Report interpret(dev.ecsa.core.port.ScriptResult result) {
            return next;
        }
    }

    static final class TestCleanupScript implements CleanupScript {
        static final String TEXT = "#!/bin/bash\n# cleanup stand-in\n";

        @Override
        public String text() {
            return TEXT;
        }

        @Override
        public CleanupReport interpret(ScriptResult result) {
            String line = result.stdoutTail().lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new dev.ecsa.core.error.PermanentException(
                            dev.ecsa.core.error.Reason.SCRIPT_OUTPUT_INVALID, "no result line"));
            String[] words = line.split(" ");
            Map<String, List<String>> fields = new java.util.HashMap<>();
            for (String w : Arrays.copyOfRange(words, 2, words.length)) {
                String[] kv = w.split("=", 2);
                fields.put(kv[0], List.of(kv[1].split(",")));
            }
            boolean ok = words[1].equals("ok");
            return new CleanupReport(ok, ok ? null : "REMOVE_FAILED", fields.getOrDefault("stopped", List.of()),
                    fields.getOrDefault("removed", List.of()), fields.getOrDefault("absent", List.of()), List.of(),
                    fields.getOrDefault("failed", List.of()));
        }
    }
}
