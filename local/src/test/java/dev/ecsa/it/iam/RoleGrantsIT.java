package dev.ecsa.it.iam;


import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.deregister.StartDrain;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.iam.BenchIam;
import dev.ecsa.local.lambda.FunctionSpec;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.store.DynamoDbNodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.ssm.model.Tag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function role is granted exactly what its calls need. The stack runs from the deployment zip with the
 * template's IAM enforced on every call (membership fixes on, as {@code -c ecsa:reconcileMembershipFixes=true}
 * deploys it), and the tests walk every path that reaches an AWS action: a registration retried by the event source
 * mapping, a delivery that died after CreateActivation and is resumed, a deregistration that drains a task and cleans
 * the host, a drain whose workflow was stopped and is reverted by the reconciler, and stray instances and a leftover
 * activation fixed by it, and a rollout planned from a selector and run through the node's own request. The last
 * test compares, per role, the actions granted with the actions called: none
 * denied, and every grant not called is in {@link #NOT_CALLED_ON_THE_BENCH} with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoleGrantsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Grants that no call on the bench reaches, and why each is still right. */
    static final Map<String, Map<String, String>> NOT_CALLED_ON_THE_BENCH = Map.of(
            "NodeRequest", Map.of(
                    "sqs:GetQueueAttributes", "Lambda's event source mapping reads the queue's attributes; the "
                            + "bench's poller is given the queue",
                    "sqs:GetQueueUrl", "part of CDK's SqsEventSource grant (consume messages); the mapping has "
                            + "the queue's ARN",
                    "xray:PutTraceSegments", "active tracing: Lambda's tracing daemon sends the segments",
                    "xray:PutTelemetryRecords", "active tracing: Lambda's tracing daemon sends the telemetry",
                    "ssm:DeregisterManagedInstance", "a resumed registration deregisters a managed instance that an "
                            + "earlier delivery's activation registered and the host does not use (its agent cut off "
                            + "between SSM's answer and writing it down): a race the soak meets (docs/soak.md), "
                            + "not a path a test can time; RegisterNodeTest covers the step"),
            "DrainStep", Map.of(
                    "xray:PutTraceSegments", "active tracing: Lambda's tracing daemon sends the segments",
                    "xray:PutTelemetryRecords", "active tracing: Lambda's tracing daemon sends the telemetry"),
            "Reconcile", Map.of(
                    "xray:PutTraceSegments", "active tracing: Lambda's tracing daemon sends the segments",
                    "xray:PutTelemetryRecords", "active tracing: Lambda's tracing daemon sends the telemetry"),
            "RolloutStep", Map.of(
                    "xray:PutTraceSegments", "active tracing: Lambda's tracing daemon sends the segments",
                    "xray:PutTelemetryRecords", "active tracing: Lambda's tracing daemon sends the telemetry"));

    static ServiceOnBench service;
    static Bench bench;
    static StackOnBench stack;
    static AwsClients inspector;
    static NodeStore store;
    static SfnClient sfn;

    @BeforeAll
    static void start() {
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(Map.of(
                FunctionEnvironment.DRAIN_POLL_SECONDS, "5",
                FunctionEnvironment.RECONCILE_MEMBERSHIP_FIXES, "true",
                // Every rollout execution hands over after two steps: the continuation is called too.
                FunctionEnvironment.ROLLOUT_STEPS_PER_EXECUTION, "2")), List.of(
                HostConfig.builder("rg-retry").build(), HostConfig.builder("rg-crash").build(),
                HostConfig.builder("rg-drain").build(), HostConfig.builder("rg-ended").build()), List.of());
        bench = service.bench();
        stack = service.stack();
        inspector = service.aws();
        store = service.store();
        // The test's own Step Functions client (keys the emulator does not check): an operator's console.
        sfn = SfnClient.builder().region(Region.of(bench.simulator().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .endpointOverride(stack.stepFunctions().endpoint())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        if (sfn != null) {
            sfn.close();
        }
        if (service != null) {
            System.out.print("IAM coverage of RoleGrantsIT:\n" + stack.iam().coverage());
            service.close();
        }
    }

    // ---- helpers ----

    private static String registerBody(String requestId, SimulatedHost host) {
        return ServiceOnBench.json(ServiceOnBench.registerRequest(requestId, service.target(host.config().name())));
    }

    private static Map<String, Object> deregisterRequest(String requestId, String nodeId) {
        return Map.of("action", "deregister", "requestId", requestId, "nodeId", nodeId, "requestedBy", "it");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant until = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError(what + " did not happen in " + WAIT + "; denials: "
                        + stack.iam().authorizer().denials());
            }
            Thread.sleep(100);
        }
    }

    private static RequestRecord outcome(String requestId) {
        return service.awaitOutcome(requestId, WAIT);
    }

    private static NodeRecord registered(String nodeId) throws Exception {
        String requestId = nodeId + "-register";
        service.send(ServiceOnBench.registerRequest(requestId, service.target(nodeId)));
        RequestRecord r = outcome(requestId);
        assertThat(r.outcome()).as(String.valueOf(r.failure())).isEqualTo(Outcome.REGISTERED);
        return store.getNode(nodeId).orElseThrow();
    }

    /** Makes the node's last write and its move into {@code state} look {@code ago} old, as the reconciler reads them. */
    private static void age(String nodeId, NodeState state, Duration ago) {
        new DynamoDbNodeStore(inspector.dynamoDb(), ServiceOnBench.TABLE, Duration.ofDays(1),
                Clock.offset(Clock.systemUTC(), ago.negated())).updateNode(nodeId, state, NodeUpdate.none());
        inspector.dynamoDb().updateItem(b -> b.tableName(ServiceOnBench.TABLE)
                .key(Map.of("pk", AttributeValue.fromS("NODE#" + nodeId), "sk", AttributeValue.fromS("NODE")))
                .updateExpression("SET stateChangedAt = :at")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(Instant.now().minus(ago).toString()))));
    }

    private static List<String> activationsNamed(String nodeId) {
        return inspector.ssm().describeActivations(b -> b.build()).activationList().stream()
                .filter(a -> nodeId.equals(a.defaultInstanceName())).map(a -> a.activationId()).toList();
    }

    private static String sqsEvent(String body, int receiveCount) {
        return stack.sqsEvent(List.of(Message.builder().messageId("m-crash-" + receiveCount).receiptHandle("rh")
                .body(body).attributesWithStrings(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount),
                        "MessageGroupId", "rg-crash")).build()));
    }

    // ---- the paths ----

    @Test
    @Order(1)
    void aTransientFailureIsRetriedByTheMappingAndTheHostRegisters() throws Exception {
        // Every attempt of the first delivery's CreateActivation answers 500: the function reports the message as
        // failed, the mapping makes it visible again, and the second delivery registers the host.
        bench.simulator().faults().failNext("AmazonSSM.CreateActivation", Fault.serverError(), 3);

        NodeRecord node = registered("rg-retry");

        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(bench.simulator().calls("AmazonSSM.CreateActivation")).isGreaterThanOrEqualTo(4);
        assertThat(stack.iam().called("NodeRequest")).contains("sqs:ChangeMessageVisibility");
    }

    @Test
    @Order(2)
    void aDeliveryThatDiedAfterCreateActivationIsResumedAndItsActivationFoundByItsTags() throws Exception {
        SimulatedHost host = bench.host("rg-crash");
        String body = registerBody("rg-crash-register", host);
        // The first delivery's environment dies (out of memory, say) while SSM is creating the activation: the id
        // is never recorded.
        LambdaFunction doomed = stack.startVariant(FunctionSpec.named(stack.template(), "NodeRequest"), Map.of());
        long creates = bench.simulator().calls("AmazonSSM.CreateActivation");
        bench.simulator().faults().failNext("AmazonSSM.CreateActivation", Fault.latency(Duration.ofSeconds(5)), 1);
        CompletableFuture<LambdaFunction.Invocation> first = CompletableFuture.supplyAsync(
                () -> doomed.invoke(sqsEvent(body, 1)));
        await("the first delivery's CreateActivation", () -> bench.simulator().calls("AmazonSSM.CreateActivation")
                > creates);
        doomed.crash();
        assertThat(first.get().errorType()).isEqualTo("Runtime.ExitError");
        await("the first delivery's activation", () -> !activationsNamed("rg-crash").isEmpty());
        List<String> orphaned = activationsNamed("rg-crash");
        // SQS redelivers after the visibility timeout (6 x the function's timeout), by which time the first
        // delivery's lease (the registration budget) has run out.
        age("rg-crash", NodeState.REGISTERING, Duration.ofHours(1));

        LambdaFunction.Invocation second = stack.nodeRequest().invoke(sqsEvent(body, 2));

        assertThat(second.ok()).as(second.body()).isTrue();
        RequestRecord r = outcome("rg-crash-register");
        assertThat(r.outcome()).as(String.valueOf(r.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(activationsNamed("rg-crash")).as("the orphaned activation " + orphaned + " was found and deleted")
                .isEmpty();
        assertThat(stack.iam().called("NodeRequest")).contains("ssm:DescribeActivations");
    }

    @Test
    @Order(3)
    void aDeregistrationDrainsATaskDeregistersEverywhereAndCleansTheHost() throws Exception {
        NodeRecord node = registered("rg-drain");
        String task = bench.simulator().runServiceTask(Bench.CLUSTER, node.containerInstanceArn(), "web");
        // A second registration of the node that its record does not name (a registration cut short, whose look for
        // what it left could not reach SSM): the deregistration finds it by the stack's tags and removes it too.
        var unrecorded = inspector.ssm().createActivation(b -> b.iamRole(BenchIam.ECS_ANYWHERE_ROLE)
                .defaultInstanceName("rg-drain").registrationLimit(1).expirationDate(Instant.now().plusSeconds(600))
                .tags(Tag.builder().key(SsmHybridActivations.STACK_TAG).value(stack.stackName()).build(),
                        Tag.builder().key(SsmHybridActivations.NODE_ID_TAG).value("rg-drain").build()));
        String strayMi = bench.simulator().registerManagedInstance(unrecorded.activationId(),
                unrecorded.activationCode(), "rg-drain", "192.0.2.31");
        String strayArn = bench.simulator().registerContainerInstance(Bench.CLUSTER, strayMi,
                Map.of("ecsa.nodeId", "rg-drain"), Map.of());
        inspector.ssm().deleteActivation(b -> b.activationId(unrecorded.activationId()));
        service.send(deregisterRequest("rg-drain-deregister", "rg-drain"));
        // ECS replaces a service's task elsewhere once its instance drains; here the bench stops it.
        await("the instance DRAINING", () -> "DRAINING".equals(bench.simulator()
                .containerInstance(node.containerInstanceArn()).orElseThrow().status()));
        await("the drain step seeing the task", () -> stack.iam().called("DrainStep").contains("ecs:DescribeTasks"));
        bench.simulator().stopTask(task, "replaced on another instance");

        RequestRecord r = outcome("rg-drain-deregister");

        assertThat(r.outcome()).as(String.valueOf(r.failure())).isEqualTo(Outcome.DEREGISTERED);
        assertThat(bench.simulator().managedInstance(node.managedInstanceId()).orElseThrow().deregistered()).isTrue();
        assertThat(bench.simulator().containerInstance(node.containerInstanceArn()).orElseThrow().status())
                .isEqualTo("INACTIVE");
        assertThat(bench.simulator().managedInstance(strayMi).orElseThrow().deregistered()).isTrue();
        assertThat(bench.simulator().containerInstance(strayArn).orElseThrow().status()).isEqualTo("INACTIVE");
    }

    @Test
    @Order(4)
    void aDrainWhoseWorkflowWasStoppedIsRevertedByTheReconciler() throws Exception {
        NodeRecord node = registered("rg-ended");
        // A standalone task: ECS does not move it, so the drain waits.
        bench.simulator().runStandaloneTask(Bench.CLUSTER, node.containerInstanceArn(), "batch", "ops");
        service.send(deregisterRequest("rg-ended-deregister", "rg-ended"));
        // Running, and past StartDrain: the workflow set the instance DRAINING (the revert policy undoes only a drain
        // the workflow made; stopped before StartDrain, the drain would count as someone else's and be kept).
        await("the drain workflow running, past StartDrain", () -> !sfn.listExecutions(b -> b.stateMachineArn(
                stack.stateMachineArn()).statusFilter(ExecutionStatus.RUNNING)).executions().isEmpty()
                && store.getNode("rg-ended").orElseThrow().state() == NodeState.DRAINING
                && store.getRequest("rg-ended-deregister").orElseThrow().steps().stream().anyMatch(s ->
                        s.name().equals(StartDrain.SET_DRAINING) && s.result() == StepResult.SUCCEEDED));
        // An operator stops the execution in the console: nothing finishes the node.
        sfn.listExecutions(b -> b.stateMachineArn(stack.stateMachineArn()).statusFilter(ExecutionStatus.RUNNING))
                .executions().forEach(e -> sfn.stopExecution(b -> b.executionArn(e.executionArn())));
        // Past the reconciler's grace for a node that moved recently.
        age("rg-ended", NodeState.DRAINING, Duration.ofMinutes(10));

        LambdaFunction.Invocation run = stack.reconcileNow();

        assertThat(run.ok()).as(run.body()).isTrue();
        assertThat(store.getNode("rg-ended").orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(bench.simulator().containerInstance(node.containerInstanceArn()).orElseThrow().status())
                .isEqualTo("ACTIVE");
        assertThat(store.getRequest("rg-ended-deregister").orElseThrow().outcome())
                .isEqualTo(Outcome.DRAIN_TIMED_OUT);
    }

    @Test
    @Order(5)
    void strayInstancesAndALeftoverActivationAreFixedByTheReconciler() throws Exception {
        // What a registration that died mid-way, outside any record, leaves: an activation of this stack, used by a
        // host that joined SSM and the stack's cluster.
        var created = inspector.ssm().createActivation(b -> b.iamRole(BenchIam.ECS_ANYWHERE_ROLE)
                .defaultInstanceName("rg-stray").registrationLimit(1)
                .expirationDate(Instant.now().plusSeconds(3))
                .tags(Tag.builder().key(SsmHybridActivations.STACK_TAG).value(stack.stackName()).build(),
                        Tag.builder().key(SsmHybridActivations.NODE_ID_TAG).value("rg-stray").build(),
                        Tag.builder().key(SsmHybridActivations.REQUEST_ID_TAG).value("rg-stray-register").build()));
        String mi = bench.simulator().registerManagedInstance(created.activationId(), created.activationCode(),
                "rg-stray", "192.0.2.30");
        String arn = bench.simulator().registerContainerInstance(Bench.CLUSTER, mi, Map.of("ecsa.nodeId", "rg-stray"),
                Map.of(SsmHybridActivations.STACK_TAG, stack.stackName()));
        await("the activation expiring", () -> inspector.ssm().describeActivations(b -> b.build()).activationList()
                .stream().filter(a -> a.activationId().equals(created.activationId())).anyMatch(a -> a.expired()));

        LambdaFunction.Invocation run = stack.reconcileNow();

        assertThat(run.ok()).as(run.body()).isTrue();
        assertThat(bench.simulator().managedInstance(mi).orElseThrow().deregistered()).isTrue();
        assertThat(bench.simulator().containerInstance(arn).orElseThrow().status()).isEqualTo("INACTIVE");
        assertThat(activationsNamed("rg-stray")).as(run.body()).isEmpty();
        assertThat(bench.simulator().events()).anySatisfy(e -> assertThat(e.detailType())
                .isEqualTo("NodeDriftFound"));
    }

    @Test
    @Order(6)
    void aRolloutPlansFromASelectorAndStepsThroughEachNodesOwnRequest() throws Exception {
        stack.shortenWaits(Duration.ofMillis(200));
        // A node of the stack (its managed instance carries the stack's tag) with a service task, and no host: its
        // drain ends "host not cleaned", as for a host already gone.
        var seeded = bench.simulator().seedNodes(Bench.CLUSTER, 1, "rg-roll", Map.of(SsmHybridActivations.STACK_TAG,
                stack.stackName())).get(0);
        bench.simulator().runServiceTask(Bench.CLUSTER, seeded.containerInstanceArn(), "api");
        Instant now = Instant.now();
        store.createNodeIfAbsent(new NodeRecord(seeded.nodeId(), NodeState.REGISTERING, 1, Bench.CLUSTER, null, null,
                null, null, 22, null, null, "seed", null, now, now, now, Map.of("rack", "r9"), null, null));
        store.transition(seeded.nodeId(), new dev.ecsa.core.state.Transition(NodeState.REGISTERING,
                NodeState.REGISTERED, 1), NodeUpdate.none().withManagedInstanceId(seeded.managedInstanceId())
                .withContainerInstanceArn(seeded.containerInstanceArn()).withAttributes(Map.of("rack", "r9")))
                .orThrow();
        var rollouts = new dev.ecsa.store.DynamoDbRolloutStore(inspector.dynamoDb(), ServiceOnBench.TABLE);

        // A plan over a selector: the inventory read by state, the first batch's tasks read.
        service.send(ServiceOnBench.json(Map.of("action", "rollout", "requestId", "rg-plan", "requestedBy", "it",
                "nodeAction", "deregister", "dryRun", true, "selector", Map.of("states", List.of("REGISTERED"),
                        "attributes", Map.of("rack", "r9")))), "rg-plan", "rg-plan");
        await("the plan", () -> rollouts.get("rg-plan").isPresent());
        assertThat(rollouts.get("rg-plan").orElseThrow().targets()).extracting(t -> t.nodeId())
                .containsExactly(seeded.nodeId());

        // The rollout itself: its function reads the cluster and the tasks, sends the node's request, writes its
        // record and publishes its events.
        service.send(ServiceOnBench.json(Map.of("action", "rollout", "requestId", "rg-roll", "requestedBy", "it",
                "nodeAction", "deregister", "soakSeconds", 0, "nodes", List.of(seeded.nodeId()))), "rg-roll",
                "rg-roll");
        await("the rollout's end", () -> rollouts.get("rg-roll").map(r -> r.status().finished()).orElse(false));
        assertThat(rollouts.get("rg-roll").orElseThrow().status().name()).isEqualTo("COMPLETED");
        assertThat(store.getNode(seeded.nodeId()).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
    }

    @Test
    @Order(7)
    void eachRoleIsGrantedExactlyWhatItsCallsNeed() {
        assertThat(stack.iam().authorizer().denials()).extracting(BenchAuthorizer.Decision::toString).isEmpty();
        for (String function : List.of("NodeRequest", "DrainStep", "Reconcile", "RolloutStep")) {
            assertThat(stack.iam().grantedNotCalled(function)).as("%s's grants that no call reached", function)
                    .containsExactlyInAnyOrderElementsOf(NOT_CALLED_ON_THE_BENCH.get(function).keySet());
        }
    }
}
