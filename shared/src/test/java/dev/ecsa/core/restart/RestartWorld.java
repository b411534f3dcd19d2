package dev.ecsa.core.restart;

import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.fakes.InMemorySecretSource;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The fakes a restart reads and a host whose "agents" reconnect when the script runs, as a real restart makes them:
 * the restart flips the SSM ping to Online and the ECS agent to connected (what the bench's host does through the
 * simulator), unless a test says otherwise.
 */
public final class RestartWorld {

    public static final String ADDRESS = "10.0.0.9";
    public static final int PORT = 22;
    public static final String USER = "ecsa";
    public static final String HOST_KEY = "SHA256:" + "C".repeat(42) + "E";
    public static final String SECRET_ID = "ecsa/ssh-private-key";
    public static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----";
    public static final String CLUSTER = "edge";
    public static final String MI = "mi-0123456789abcdef0";

    public final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T08:00:00Z"));
    public final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    public final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    public final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    public final InMemoryRemoteHost remote = new InMemoryRemoteHost();
    public final InMemorySecretSource secrets = new InMemorySecretSource().put(SECRET_ID, KEY_TEXT);
    public final InMemoryEventPublisher events = new InMemoryEventPublisher();
    public final List<String> scriptRuns = new ArrayList<>();
    /** What the host's restart does to the agents; by default both come back. */
    public Consumer<RestartWorld> onRestart = w -> w.agents(true);
    /** The result line the script prints: ok, or a failure naming what could not be restarted. */
    public String scriptOutcome = "ok";
    public String containerInstanceArn;

    /** A script text and reader in the shape of restart-agents.sh's contract, for the use case's tests. */
    public final RestartScript script = new RestartScript() {
        @Override
        public String text() {
            return "restart-agents";
        }

        @Override
        public Report interpret(ScriptResult result) {
            return result.stdoutTail().equals("ok") ? new Report(true, List.of("unit:ecs", "unit:amazon-ssm-agent"),
                    List.of()) : new Report(false, List.of(), List.of(result.stdoutTail()));
        }
    };

    public RestartWorld() {
        remote.addHost(ADDRESS, PORT, HOST_KEY, USER, KEY_TEXT, run -> {
            scriptRuns.add(run.script());
            if (scriptOutcome.equals("ok")) {
                onRestart.accept(this);
            }
            return new dev.ecsa.core.fakes.InMemoryRemoteHost.Reply(scriptOutcome.equals("ok") ? 0 : 3,
                    scriptOutcome, "");
        });
    }

    /** node-1 REGISTERED with both ids, its host key pinned, its agents as given. */
    public NodeRecord registered(boolean agentsConnected) {
        managed.add(new ManagedInstance(MI, "act-1", "node-1", PingStatus.ONLINE, "3.3.0.0", ADDRESS));
        ContainerInstance ci = containers.register(CLUSTER, MI, Map.of("ecsa.nodeId", "node-1"));
        containerInstanceArn = ci.arn();
        Instant now = clock.instant();
        store.createNodeIfAbsent(new NodeRecord("node-1", NodeState.REGISTERING, 1, CLUSTER, null, null, HOST_KEY,
                ADDRESS, PORT, USER, null, "req-reg", null, now, now, now));
        NodeRecord node = store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(MI).withContainerInstanceArn(ci.arn())).orThrow();
        agents(agentsConnected);
        return node;
    }

    /** Both agents connected (SSM Online, ECS connected) or both lost. */
    public void agents(boolean connected) {
        managed.setPing(MI, connected ? PingStatus.ONLINE : PingStatus.CONNECTION_LOST, clock.instant());
        containers.setAgentConnected(containerInstanceArn, connected);
    }

    public RestartAgents restartAgents() {
        return new RestartAgents(store, managed, containers, remote, secrets, script, events, clock, clock::advance,
                RestartSettings.defaults(SECRET_ID));
    }

    public static RestartRequest request(String requestId) {
        return new RestartRequest(requestId, "node-1", "operator", "agents stuck", null);
    }
}
