package dev.ecsa.it.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.fleet.Admission;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutStatus;
import dev.ecsa.core.fleet.TargetRun;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.mode.DeployedOnBench;
import dev.ecsa.local.sim.ContainerInstanceView;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.SeededNode;
import dev.ecsa.local.sim.TaskSpec;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Rollouts as deployed: messages on the bench's queue, the node-request function from the zip planning and recording
 * each rollout and starting the synthesized rollout workflow on the local interpreter, whose AdvanceRollout Task is
 * the rollout function from the zip sending each node's own request onto the queue, which the node-request function
 * takes and the drain workflow runs; IAM from the template enforced on every call. Nodes are seeded in the simulator
 * and the inventory (no host: their drains end "host not cleaned", as a host already gone would). Waits are shortened
 * to 200 ms; everything else runs on real time. The stack is the one synthesized with a change calendar
 * ({@value #CALENDAR}), so that its grant is the template's.
 */
class RolloutBenchIT {

    private static final String CLUSTER = "ecs-anywhere";
    private static final String CALENDAR = "ecsa-bench-freeze";
    private static final Duration ROLLOUT_WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DeployedOnBench deployed;
    private static SqsClient sqs;
    private static final AtomicInteger MESSAGES = new AtomicInteger();

    @BeforeAll
    static void start() {
        deployed = DeployedOnBench.start(new DeployedOnBench.Options(Path.of("..").toAbsolutePath().normalize(),
                List.of(), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(1),
                // Each execution hands the rollout to a new one after three steps: every test crosses executions.
                Map.of(FunctionEnvironment.DRAIN_POLL_SECONDS, "5",
                        FunctionEnvironment.ROLLOUT_STEPS_PER_EXECUTION, "3"),
                // The stack deployed with a change calendar its rollouts may wait on (-c ecsa:changeCalendars).
                "infra-cdk/target/stack.template.drain-bench.json"));
        deployed.stack().shortenWaits(Duration.ofMillis(200));
        deployed.bench().simulator().createCluster(CLUSTER);
        sqs = SqsClient.builder().endpointOverride(deployed.bench().sqs().endpoint())
                .region(Region.of(deployed.bench().simulator().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (deployed != null) {
            deployed.close();
        }
    }

    /** Denials a test provokes on purpose (the stack may not deregister another stack's managed instance). */
    private static final java.util.Set<String> EXPECTED_DENIALS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @AfterEach
    void noCallWasDenied() {
        assertThat(deployed.stack().iam().authorizer().denials()).filteredOn(d -> !EXPECTED_DENIALS.contains(
                d.resource())).extracting(BenchAuthorizer.Decision::toString).isEmpty();
    }

    /** {@code n} nodes ACTIVE in the simulator, tagged as the stack's, and REGISTERED in the inventory. */
    private static List<SeededNode> seed(String prefix, int n) {
        return seed(prefix, n, 0);
    }

    /** As {@link #seed(String, int)}, with {@code racks > 0} each node's registration set {@code rack=r<i / ...>}. */
    private static List<SeededNode> seed(String prefix, int n, int racks) {
        ControlPlaneSimulator sim = deployed.bench().simulator();
        List<SeededNode> nodes = sim.seedNodes(CLUSTER, n, prefix, Map.of("ecsa:stack",
                deployed.stack().iam().stackName()));
        for (int i = 0; i < nodes.size(); i++) {
            SeededNode s = nodes.get(i);
            registered(s.nodeId(), s.managedInstanceId(), s.containerInstanceArn(), racks == 0 ? Map.of()
                    : Map.of("rack", "r" + (i * racks / n)));
        }
        return nodes;
    }

    /** A node item as a registration leaves it: REGISTERED with its ids (no host address: nothing to clean). */
    private static void registered(String nodeId, String mi, String arn) {
        registered(nodeId, mi, arn, Map.of());
    }

    /** As {@link #registered(String, String, String)}, its registration having set these ECS attributes. */
    private static void registered(String nodeId, String mi, String arn, Map<String, String> attributes) {
        Instant now = Instant.now();
        deployed.store().createNodeIfAbsent(new NodeRecord(nodeId, NodeState.REGISTERING, 1, CLUSTER, null, null,
                null, null, 22, null, null, "seed", null, now, now, now, attributes, null, null));
        deployed.store().transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(mi).withContainerInstanceArn(arn)).orThrow();
    }

    private static void send(Map<String, Object> body, String group) throws Exception {
        String text = JSON.writeValueAsString(body);
        sqs.sendMessage(b -> b.queueUrl(deployed.bench().queues().queueUrl()).messageBody(text)
                .messageGroupId(group).messageDeduplicationId("it-" + MESSAGES.incrementAndGet()));
    }

    private static Map<String, Object> rollout(String id, List<SeededNode> nodes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "rollout");
        body.put("requestId", id);
        body.put("requestedBy", "it-rollout");
        body.put("nodeAction", "deregister");
        body.put("nodes", nodes.stream().map(SeededNode::nodeId).toList());
        body.put("soakSeconds", 0);
        return body;
    }

    private static void control(String id, String control) throws Exception {
        send(Map.of("action", "rollout-control", "rolloutId", id, "control", control, "requestedBy", "it-operator"),
                id);
    }

    private static Rollout await(String id, Predicate<Rollout> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(ROLLOUT_WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<Rollout> r = deployed.rollouts().get(id);
            if (r.isPresent() && until.test(r.get())) {
                return r.get();
            }
            Thread.sleep(100);
        }
        String execution;
        try {
            var result = deployed.stack().stepFunctions().awaitResult(deployed.stack().rolloutStateMachineArn()
                    .replace(":stateMachine:", ":execution:") + ":" + id, Duration.ofMillis(10));
            execution = result.status() + " " + result.error() + " " + result.cause();
        } catch (RuntimeException e) {
            execution = e.toString();
        }
        List<String> rolloutLog = deployed.stack().rolloutStep().log();
        List<String> intakeLog = deployed.stack().nodeRequest().log();
        throw new AssertionError("rollout " + id + " is " + deployed.rollouts().get(id).map(r -> r.status() + " "
                + r.waits() + " " + r.targets().stream().map(t -> t.nodeId() + ":" + t.state() + ":" + t.outcome())
                .toList()).orElse("not recorded") + "\nexecution: " + execution + "\nrollout function:\n" + String.join("\n",
                rolloutLog.subList(Math.max(0, rolloutLog.size() - 15), rolloutLog.size())) + "\nnode-request function:\n"
                + String.join("\n", intakeLog.subList(Math.max(0, intakeLog.size() - 15), intakeLog.size())));
    }

    /** The container instances of {@code prefix} not ACTIVE with a connected agent, right now. */
    private static long unavailable(String prefix) {
        return deployed.bench().simulator().allContainerInstances().stream()
                .filter(ci -> CLUSTER.equals(ci.cluster()) && nodeOf(ci).startsWith(prefix))
                .filter(ci -> !ci.status().equals("INACTIVE"))
                .filter(ci -> !ci.status().equals("ACTIVE") || !ci.agentConnected()).count();
    }

    private static String nodeOf(ContainerInstanceView ci) {
        return deployed.bench().simulator().managedInstance(ci.ec2InstanceId()).map(m -> m.name()).orElse("");
    }

    @Test
    void thirtyNodesWithABudgetOfTwoNeverHaveMoreThanTwoUnavailableAndDoWhatThePlanSaid() throws Exception {
        // Three racks of ten, given in rack order: the plan alternates between them.
        List<SeededNode> nodes = seed("b30-", 30, 3);
        Map<String, Object> body = rollout("retire-b30", nodes);
        body.put("batchSize", 10);
        body.put("maxUnavailable", 2);
        body.put("canary", 1);
        body.put("spreadBy", "rack");
        Map<String, Object> dryRun = new LinkedHashMap<>(body);
        dryRun.put("requestId", "plan-b30");
        dryRun.put("dryRun", true);
        send(dryRun, "plan-b30");
        Rollout plan = await("plan-b30", r -> r.status() == RolloutStatus.PLANNED);
        assertThat(plan.targets().subList(0, 4)).extracting(TargetRun::nodeId).containsExactly(
                nodes.get(0).nodeId(), nodes.get(10).nodeId(), nodes.get(20).nodeId(), nodes.get(1).nodeId());
        assertThat(plan.plannedDisruption()).singleElement().satisfies(d -> {
            assertThat(d.cluster()).isEqualTo(CLUSTER);
            assertThat(d.targets()).isEqualTo(30);
            assertThat(d.peak()).isEqualTo(2);
        });

        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet((int) unavailable("b30-"), Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        send(body, "retire-b30");

        Rollout done;
        try {
            done = await("retire-b30", r -> r.status().finished());
        } finally {
            sampling.set(false);
            sampler.join();
        }

        assertThat(done.status()).as(String.valueOf(done.haltReason())).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(done.count(TargetRun.State.SUCCEEDED)).isEqualTo(30);
        assertThat(peak.get()).as("most unavailable at once, over %d samples", samples.get()).isLessThanOrEqualTo(2);
        assertThat(peak.get()).as("the budget was used").isEqualTo(2);
        assertThat(done.targets().stream().map(TargetRun::batch).distinct().toList()).containsExactly(1, 2, 3, 4);
        // What the dry run planned is what ran: the same nodes in the same batches and order, and the most
        // unavailable at once it predicted is the most sampled. The plan's order is the order the nodes started in
        // (nodes started by one step share its instant), and each node's own request arrived after its step sent it.
        assertThat(done.targets()).extracting(TargetRun::nodeId, TargetRun::batch)
                .containsExactlyElementsOf(plan.targets().stream().map(t -> org.assertj.core.groups.Tuple.tuple(
                        t.nodeId(), t.batch())).toList());
        assertThat(peak.get()).isEqualTo(plan.plannedDisruption().get(0).peak());
        assertThat(done.targets()).extracting(TargetRun::startedAt).isSorted();
        for (TargetRun t : done.targets()) {
            RequestRecord own = deployed.store().getRequest(t.requestId()).orElseThrow();
            assertThat(own.nodeId()).isEqualTo(t.nodeId());
            assertThat(own.receivedAt()).isAfterOrEqualTo(t.startedAt());
        }
        for (SeededNode n : nodes) {
            assertThat(deployed.store().getNode(n.nodeId()).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        }
        assertThat(deployed.bench().simulator().events()).extracting(e -> e.detailType())
                .contains("RolloutStarted", "RolloutBatchStarted", "RolloutCompleted");
        // It ran across executions, each continuing where the last stopped.
        var continued = deployed.stack().stepFunctions().awaitResult(deployed.stack().rolloutStateMachineArn()
                .replace(":stateMachine:", ":execution:") + ":retire-b30-g2", Duration.ofSeconds(5));
        assertThat(continued.status().name()).isEqualTo("SUCCEEDED");
    }

    @Test
    void theCapacityCheckHoldsADrainThatWouldStrandTasksUntilThereIsRoom() throws Exception {
        ControlPlaneSimulator sim = deployed.bench().simulator();
        // The cluster's other instances (other tests') have no room: only the one given below may receive.
        sim.allContainerInstances().stream().filter(ci -> CLUSTER.equals(ci.cluster())
                && ci.status().equals("ACTIVE")).forEach(ci -> sim.setRegisteredResources(
                        ci.containerInstanceArn(), 0, 0));
        List<SeededNode> nodes = seed("cap-", 2);
        String big = nodes.get(0).containerInstanceArn();
        String other = nodes.get(1).containerInstanceArn();
        sim.setRegisteredResources(other, 1024, 1024);
        sim.placeTask(CLUSTER, big, TaskSpec.service("api").reserving(512, 2048));
        send(rollout("retire-cap", nodes.subList(0, 1)), "retire-cap");

        Rollout held = await("retire-cap", r -> r.waits().stream()
                .anyMatch(w -> w.reason() == Admission.WaitReason.CAPACITY));
        assertThat(held.count(TargetRun.State.IN_FLIGHT)).isZero();
        assertThat(unavailable("cap-")).as("nothing drained").isZero();

        sim.setRegisteredResources(other, 4096, 7680);
        Rollout done = await("retire-cap", r -> r.status().finished());
        assertThat(done.status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(sim.tasksOn(other)).extracting(t -> t.group()).contains("service:api");
    }

    @Test
    void aClosedWindowWaitsAndACancelLeavesEveryNodeAsItWas() throws Exception {
        List<SeededNode> nodes = seed("win-", 3);
        Map<String, Object> body = rollout("retire-win", nodes);
        // A window on another day of the week only: closed now.
        DayOfWeek other = Instant.now().atZone(ZoneOffset.UTC).getDayOfWeek().plus(3);
        body.put("windows", List.of(Map.of("days", List.of(other.name().substring(0, 3).toLowerCase(Locale.ROOT)),
                "start", "00:00", "end", "00:00", "timeZone", "UTC")));
        send(body, "retire-win");

        Rollout waiting = await("retire-win", r -> r.waits().stream()
                .anyMatch(w -> w.reason() == Admission.WaitReason.WINDOW_CLOSED));
        assertThat(waiting.status()).isEqualTo(RolloutStatus.RUNNING);
        control("retire-win", "cancel");

        Rollout cancelled = await("retire-win", r -> r.status().finished());
        assertThat(cancelled.status()).isEqualTo(RolloutStatus.CANCELLED);
        assertThat(cancelled.count(TargetRun.State.NOT_STARTED)).isEqualTo(3);
        for (SeededNode n : nodes) {
            assertThat(deployed.store().getNode(n.nodeId()).orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        }
        assertThat(unavailable("win-")).isZero();
    }

    @Test
    void aClosedChangeCalendarHoldsEveryNodeUntilItOpensAndAnotherCalendarIsRefused() throws Exception {
        ControlPlaneSimulator sim = deployed.bench().simulator();
        sim.setCalendarState(CALENDAR, "CLOSED");
        List<SeededNode> nodes = seed("cal-", 2);
        Map<String, Object> body = rollout("retire-cal", nodes);
        body.put("changeCalendar", CALENDAR);
        send(body, "retire-cal");

        Rollout held = await("retire-cal", r -> r.waits().stream()
                .anyMatch(w -> w.reason() == Admission.WaitReason.CALENDAR_CLOSED));
        assertThat(held.count(TargetRun.State.WAITING)).isEqualTo(2);
        assertThat(unavailable("cal-")).as("nothing drained while the calendar is closed").isZero();

        sim.setCalendarState(CALENDAR, "OPEN");
        Rollout done = await("retire-cal", r -> r.status().finished());
        assertThat(done.status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(done.count(TargetRun.State.SUCCEEDED)).isEqualTo(2);

        // A calendar the stack was not deployed with: its role may not read it, so the rollout is refused whole.
        List<SeededNode> others = seed("calx-", 1);
        Map<String, Object> elsewhere = rollout("retire-calx", others);
        elsewhere.put("changeCalendar", "someone-elses-calendar");
        send(elsewhere, "retire-calx");
        Rollout refused = await("retire-calx", r -> r.status().finished());
        assertThat(refused.status()).isEqualTo(RolloutStatus.REJECTED);
        assertThat(refused.haltReason()).contains("changeCalendar");
        assertThat(deployed.store().getNode(others.get(0).nodeId()).orElseThrow().state())
                .isEqualTo(NodeState.REGISTERED);
    }

    @Test
    void theErrorBudgetHaltsTheRolloutAndNodesNotStartedAreLeftAlone() throws Exception {
        List<SeededNode> nodes = new ArrayList<>(seed("err-", 3));
        // A node whose managed instance belongs to another stack (its ecsa:stack tag): IAM refuses to deregister it,
        // so its deregistration fails, as the stack's policy means it to.
        SeededNode foreign = deployed.bench().simulator().seedNodes(CLUSTER, 1, "err-foreign",
                Map.of("ecsa:stack", "AnotherStack")).get(0);
        registered(foreign.nodeId(), foreign.managedInstanceId(), foreign.containerInstanceArn());
        EXPECTED_DENIALS.add("arn:aws:ssm:us-east-1:123456789012:managed-instance/" + foreign.managedInstanceId());
        nodes.add(0, foreign);
        Map<String, Object> body = rollout("retire-err", nodes);
        body.put("canary", 1);
        body.put("maxFailures", 0);
        send(body, "retire-err");

        Rollout halted = await("retire-err", r -> r.status().finished());

        assertThat(halted.status()).isEqualTo(RolloutStatus.HALTED);
        assertThat(halted.haltReason()).startsWith("1 of 4 node(s) failed");
        assertThat(halted.targets().get(0).state()).isEqualTo(TargetRun.State.FAILED);
        assertThat(halted.count(TargetRun.State.NOT_STARTED)).isEqualTo(3);
        for (SeededNode n : nodes.subList(1, 4)) {
            assertThat(deployed.store().getNode(n.nodeId()).orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        }
    }

    @Test
    void aCancelWithNodesInFlightLetsThemFinishAndStartsNoOther() throws Exception {
        List<SeededNode> nodes = seed("mid-", 6);
        Map<String, Object> body = rollout("retire-mid", nodes);
        body.put("canary", 0);
        body.put("batchSize", 6);
        body.put("maxUnavailable", 2);
        send(body, "retire-mid");
        await("retire-mid", r -> r.count(TargetRun.State.IN_FLIGHT) > 0);
        control("retire-mid", "cancel");

        Rollout cancelled = await("retire-mid", r -> r.status().finished());

        assertThat(cancelled.status()).isEqualTo(RolloutStatus.CANCELLED);
        long finished = cancelled.count(TargetRun.State.SUCCEEDED);
        assertThat(finished).as("the nodes in flight finished their own requests").isBetween(1L, 5L);
        assertThat(cancelled.count(TargetRun.State.NOT_STARTED)).isEqualTo(6 - finished);
        for (TargetRun t : cancelled.targets()) {
            NodeState state = deployed.store().getNode(t.nodeId()).orElseThrow().state();
            assertThat(state).as(t.nodeId()).isEqualTo(t.state() == TargetRun.State.SUCCEEDED
                    ? NodeState.DEREGISTERED : NodeState.REGISTERED);
        }
        assertThat(deployed.bench().simulator().allContainerInstances()).filteredOn(ci -> nodeOf(ci).startsWith("mid-"))
                .as("nothing left DRAINING").noneMatch(ci -> ci.status().equals("DRAINING"));
    }

    @Test
    void pauseHoldsTheRestAndResumeFinishesIt() throws Exception {
        List<SeededNode> nodes = seed("pause-", 4);
        Map<String, Object> body = rollout("retire-pause", nodes);
        body.put("approval", true);
        send(body, "retire-pause");
        await("retire-pause", r -> r.status() == RolloutStatus.AWAITING_APPROVAL);
        control("retire-pause", "pause");
        control("retire-pause", "approve");

        Rollout paused = await("retire-pause", r -> r.status() == RolloutStatus.PAUSED);
        assertThat(paused.approvedBy()).isEqualTo("it-operator");
        Thread.sleep(1500);
        assertThat(deployed.rollouts().get("retire-pause").orElseThrow().count(TargetRun.State.WAITING))
                .as("nothing starts while paused").isEqualTo(4);

        control("retire-pause", "resume");
        Rollout done = await("retire-pause", r -> r.status().finished());
        assertThat(done.status()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(done.count(TargetRun.State.SUCCEEDED)).isEqualTo(4);
    }
}
