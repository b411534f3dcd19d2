package dev.ecsa.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.error.Reason;
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
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.functions.DrainStepHandler;
import dev.ecsa.functions.Json;
import dev.ecsa.functions.drain.DrainSteps;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.sfn.ExecutionEvent;
import dev.ecsa.local.sfn.ExecutionOptions;
import dev.ecsa.local.sfn.ExecutionResult;
import dev.ecsa.local.sfn.ExecutionStatus;
import dev.ecsa.local.sfn.LocalStepFunctions;
import dev.ecsa.local.sfn.TaskHandler;
import dev.ecsa.local.lambda.StackOnBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployed drain workflow definition (infra-cdk/target/drain-workflow.asl.json) on the local interpreter, its Task
 * states bound to the real {@link DrainStepHandler} over the in-memory fakes: proves the contract between the
 * definition and the function (payload shape, {@code $.decision}, {@code $.pollSeconds}, the Retry's error name, the
 * Catch's error shape). Waits and retry intervals are shortened; the fake clock moves by {@code pollSeconds} at every
 * CheckDrain, as the Wait would. (The same flows against the bench's adapters are the integrator's.)
 */
class DrainStateMachineIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ExecutionOptions FAST = ExecutionOptions.fast(Duration.ofMillis(1), Duration.ofMillis(1));
    private static final String NODE = "edge-017";
    private static final String REQUEST = "dereg-0001";
    private static final String CLUSTER = "edge";
    private static final String MI = "mi-0123456789abcdef0";
    private static final String ADDRESS = "10.20.0.17";
    private static final String HOST_KEY = "SHA256:pinnedpinnedpinnedpinnedpinnedpinnedpinned0";
    private static final String KEY_SECRET = "ecsa/ssh-private-key";
    private static final String KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY-----\nit\n-----END OPENSSH PRIVATE KEY-----";
    private static final String CLEANUP_RESULT = "ECSA_RESULT {\"ok\":true,\"stopped\":[\"ecs\"],\"notRunning\":[],"
            + "\"removed\":[\"/var/lib/ecs\"],\"alreadyAbsent\":[],\"kept\":[],\"failed\":[]}";

    private static LocalStepFunctions sfn;
    private static JsonNode definition;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    private final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    private final InMemoryRemoteHost hosts = new InMemoryRemoteHost();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final String arn;

    @BeforeAll
    static void start() {
        Path file = DynaliteServer.locateRepoRoot().resolve(StackOnBench.DEFINITION);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build infra-cdk first "
                    + "(./mvnw -pl shared,functions,infra-cdk install -DskipTests)");
        }
        definition = LocalStepFunctions.readDefinition(file);
        sfn = LocalStepFunctions.launch();
    }

    @AfterAll
    static void stop() {
        if (sfn != null) {
            sfn.close();
        }
    }

    DrainStateMachineIT() {
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
        hosts.addHost(ADDRESS, 22, HOST_KEY, "ecsa", KEY_TEXT,
                run -> new InMemoryRemoteHost.Reply(0, CLEANUP_RESULT + "\n", ""));
    }

    private ExecutionResult run(TimeoutPolicy policy, Runnable onCheck) throws Exception {
        DrainStepHandler handler = new DrainStepHandler(new DrainSteps(store, containers, managed, hosts,
                new InMemorySecretSource().put(KEY_SECRET, KEY_TEXT), events, clock,
                DrainSettings.defaults(KEY_SECRET)));
        TaskHandler function = TaskHandler.stream((in, out) -> handler.handleRequest(in, out, null));
        TaskHandler waitingFunction = (state, input) -> {
            if (state.equals("CheckDrain")) {
                clock.advance(Duration.ofSeconds(input.path("state").path("pollSeconds").asLong()));
                onCheck.run();
            }
            return function.handle(state, input);
        };
        DrainStart start = new DrainStart(REQUEST, NODE, CLUSTER, arn, clock.instant().plus(Duration.ofMinutes(10)),
                policy, 2);
        JsonNode input = Json.mapper().valueToTree(start);
        return sfn.run(definition, input, waitingFunction, FAST, TIMEOUT);
    }

    @Test
    void aDrainThatCompletesEndsDeregisteredAndCleaned() throws Exception {
        containers.addTask(arn, new TaskInfo("arn:task/web-1", "service:web", "RUNNING", "RUNNING", true));

        ExecutionResult result = run(TimeoutPolicy.REVERT, containers::finishStopping);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).containsExactly("StartDrain", "DrainDecision", "WaitForDrain",
                "CheckDrain", "DrainDecision", "Deregister", "CleanHost", "NodeDeregistered");
        assertThat(store.getNode(NODE).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(store.getRequest(REQUEST).orElseThrow().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(managed.deregisteredIds()).containsExactly(MI);
    }

    @Test
    void aTenMinuteDrainThatTimesOutCosts125TransitionsAndIsReverted() throws Exception {
        containers.addTask(arn, new TaskInfo("arn:task/backup-7", "family:backup", "RUNNING", "RUNNING", false));

        ExecutionResult result = run(TimeoutPolicy.REVERT, () -> { });

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.enteredStates()).endsWith("ApplyTimeoutPolicy", "TimeoutDecision",
                "DrainEndedWithoutDeregistration");
        assertThat(result.timesEntered("CheckDrain")).isEqualTo(40);
        assertThat(result.transitions()).isEqualTo(125);
        assertThat(containers.describe(CLUSTER, arn).orElseThrow().status()).isEqualTo(ContainerInstanceStatus.ACTIVE);
        assertThat(store.getRequest(REQUEST).orElseThrow().failure().message()).contains("arn:task/backup-7");
    }

    @Test
    void anUnreachableHostIsRetriedThenRecordedAsNotCleaned() throws Exception {
        hosts.setReachable(ADDRESS, 22, false);

        ExecutionResult result = run(TimeoutPolicy.REVERT, () -> { });

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // Attempts 1-3 fail with HOST_UNREACHABLE and are retried by the definition; the 4th gives up cleanly.
        assertThat(result.count(ExecutionEvent.STATE_RETRIED, "CleanHost")).isEqualTo(3);
        assertThat(result.timesEntered("RecordFailure")).isZero();
        assertThat(store.getNode(NODE).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(store.getNode(NODE).orElseThrow().lastError().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
        assertThat(store.getRequest(REQUEST).orElseThrow().outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(store.getRequest(REQUEST).orElseThrow().steps()).extracting(s -> s.name())
                .contains("clean-host attempt 1", "clean-host attempt 4");
    }

    @Test
    void aPermanentErrorIsCaughtAndRecorded() throws Exception {
        containers.forceStatus(arn, ContainerInstanceStatus.REGISTERING);

        ExecutionResult result = run(TimeoutPolicy.REVERT, () -> { });

        assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.enteredStates()).containsExactly("StartDrain", "RecordFailure", "DrainFailed");
        assertThat(store.getNode(NODE).orElseThrow().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(store.getRequest(REQUEST).orElseThrow().failure().reason()).isEqualTo(Reason.CONFLICT);
    }
}
