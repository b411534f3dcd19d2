package dev.ecsa.it.lambda;

import dev.ecsa.core.state.Transition;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.local.sim.SeededNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.lambda.FunctionSpec;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.sfn.ExecutionResult;
import dev.ecsa.local.sfn.ExecutionStatus;
import dev.ecsa.local.sim.Fault;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The functions as Lambda runs them: from the deployment zip, under AWS's runtime interface client, with the
 * handler, timeout, memory, log format and environment of the synthesized template, and SnapStart's credentials
 * (the container endpoint only). What the in-process benches cannot see is checked here: the zip's classpath
 * (a logging provider, the shipped signing key), the template's variables, how errors reach Step Functions, and
 * what the functions write to their log streams.
 */
class LambdaRuntimeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "ecsa-lambda-it";

    @TempDir
    static Path work;

    static Bench bench;
    static StackOnBench stack;
    static JsonNode template;
    static BenchAuthorizer iam;
    static AwsClients dynamoClients;
    static String stateMachineArn;
    static DynamoDbNodeStore store;

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of(System.getProperty("ecsa.repo.root", "..")).toAbsolutePath().normalize();
        bench = Bench.start(HostConfig.builder("lr-host").build(), HostConfig.builder("lr-drained").build(),
                HostConfig.builder("lr-restart").build(), HostConfig.builder("lr-upgrade").build());
        String region = bench.simulator().config().region();
        dynamoClients = new AwsClients(AwsClients.Settings.aws(Region.of(region))
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .withEndpoint(bench.dynamo().endpoint()));
        InventoryTable.ensure(dynamoClients.dynamoDb(), TABLE, Duration.ofSeconds(30));
        store = new DynamoDbNodeStore(dynamoClients.dynamoDb(), TABLE, Duration.ofDays(90), Clock.systemUTC());
        // The stack as a deploy with -c ecsa:drainPollSeconds=5 has it (the lowest poll: a drain takes seconds).
        stack = StackOnBench.start(bench, StackOnBench.Options.of(root, work, TABLE).withContextValues(
                Map.of(FunctionEnvironment.DRAIN_POLL_SECONDS, "5")));
        template = stack.template();
        iam = stack.iam().authorizer();
        stateMachineArn = stack.stateMachineArn();
    }

    /** Denied calls, other than the ones a test provokes on purpose (a table outside the grants). */
    private static List<BenchAuthorizer.Decision> unexpectedDenials() {
        return iam.denials().stream().filter(d -> !d.resource().contains("no-such-table")
                && !(d.role().startsWith("DrainStep") && d.action().startsWith("sqs:"))).toList();
    }

    @AfterAll
    static void stop() {
        if (iam != null) {
            // The evidence, printed: each role and the actions its calls were authorized for.
            new java.util.TreeMap<>(iam.decisions().stream().collect(java.util.stream.Collectors.groupingBy(
                    BenchAuthorizer.Decision::role, java.util.stream.Collectors.mapping(
                            d -> d.action() + (d.allowed() ? "" : " DENIED"), java.util.stream.Collectors.toCollection(
                                    java.util.TreeSet::new))))).forEach((role, actions) ->
                    System.out.println("IAM on the bench: " + role + " " + actions));
        }
        if (stack != null) {
            System.out.print("IAM coverage of LambdaRuntimeIT:\n" + stack.iam().coverage());
            stack.close();
        }
        if (dynamoClients != null) {
            dynamoClients.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    private static List<JsonNode> jsonLines(LambdaFunction fn) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : fn.log()) {
            if (line.startsWith("{")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception notJson) {
                    // a line that only looks like JSON
                }
            }
        }
        return out;
    }

    /** A register request for a simulated host, whose node id is the host's name. */
    private static String registerBody(String requestId, SimulatedHost host) throws Exception {
        return JSON.writeValueAsString(Map.of("action", "register", "requestId", requestId,
                "nodeId", host.config().name(), "address", host.address(), "port", host.port(),
                "sshUser", Bench.SSH_USER, "requestedBy", "it"));
    }

    /** One message as the event source mapping delivers it (first receive, its own group). */
    private static String sqsEvent(String body) {
        return stack.sqsEvent(List.of(software.amazon.awssdk.services.sqs.model.Message.builder()
                .messageId("m-" + Math.abs(body.hashCode())).receiptHandle("rh").body(body)
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "1", "MessageGroupId", "g")).build()));
    }

    @Test
    void aRequestForAClusterTheStackDoesNotManageIsRejectedRecordedCountedAndLoggedAsJson() throws Exception {
        LambdaFunction fn = stack.nodeRequest();
        String body = JSON.writeValueAsString(Map.of("action", "register", "requestId", "lr-cluster-1",
                "nodeId", "lr-node-1", "address", "10.0.0.9", "sshUser", "ecsa", "cluster", "prod-eu",
                "requestedBy", "it"));

        LambdaFunction.Invocation result = fn.invoke(sqsEvent(body));

        assertThat(result.ok()).as(result.body() + "\n" + String.join("\n", fn.log())).isTrue();
        assertThat(JSON.readTree(result.body()).path("batchItemFailures")).isEmpty();
        RequestRecord record = store.getRequest("lr-cluster-1").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().message()).contains("cluster").contains("ecs-anywhere");
        // SnapStart: no access-key variables; the SDK took the container endpoint's credentials.
        assertThat(fn.environment()).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN");
        assertThat(stack.iam().credentials().served()).isPositive();
        assertThat(fn.restoredFromSnapshot()).as("init, snapshot, restore, as SnapStart runs it").isTrue();
        // SnapStart's beforeCheckpoint ran the service's org.crac hook, bridged to the runtime as Lambda does.
        assertThat(jsonLines(fn)).anySatisfy(line -> assertThat(line.path("message").asText())
                .startsWith("primed the AWS clients for the snapshot in"));
        // JSON logs with the request, the node and Lambda's request id on the line.
        assertThat(jsonLines(fn)).anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("requestId").asText()).isEqualTo("lr-cluster-1");
            assertThat(line.path("nodeId").asText()).isEqualTo("lr-node-1");
            assertThat(line.path("AWSRequestId").asText()).isNotBlank();
            assertThat(line.path("message").asText()).contains("REJECTED");
        });
        // The outcome counted in CloudWatch's Embedded Metric Format, as the stack's dashboard reads it.
        assertThat(jsonLines(fn)).anySatisfy(line -> {
            assertThat(line.path("_aws").path("CloudWatchMetrics").path(0).path("Namespace").asText())
                    .isEqualTo("EcsaLifecycle");
            assertThat(line.path("RequestRejected").asInt()).isEqualTo(1);
            assertThat(line.path("Service").asText()).isEqualTo("EcsaLifecycle");
        });
    }

    /**
     * A whole registration through the zip: the function reads its SSH key from Secrets Manager, creates a tagged
     * activation (passing the role), bootstraps the host over SSH with production's HTTPS-only fetch of the install
     * script (pinned by SHA-256, as {@code -c ecsa:installScriptSha256=...} deploys it), verifies the node in SSM
     * and ECS, and records it, every call authorized against the NodeRequest role's policy.
     */
    @Test
    void aRegistrationThroughTheZipJoinsTheHostWithEveryCallAuthorized() throws Exception {
        LambdaFunction fn = stack.nodeRequest();

        LambdaFunction.Invocation result = fn.invoke(sqsEvent(registerBody("lr-reg-1", bench.host("lr-host"))));

        assertThat(result.ok()).as(result.body()).isTrue();
        RequestRecord record = store.getRequest("lr-reg-1").orElseThrow();
        assertThat(record.outcome()).as(record.failure() + "\n" + String.join("\n", fn.log()))
                .isEqualTo(Outcome.REGISTERED);
        var node = store.getNode("lr-host").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(bench.simulator().managedInstance(node.managedInstanceId())).isPresent();
        assertThat(bench.simulator().containerInstance(node.containerInstanceArn())).isPresent();
        assertThat(iam.decisions()).extracting(BenchAuthorizer.Decision::action)
                .contains("ssm:CreateActivation", "iam:PassRole", "secretsmanager:GetSecretValue",
                        "ssm:DeleteActivation", "ecs:DescribeContainerInstances");
        assertThat(unexpectedDenials()).isEmpty();
        assertThat(jsonLines(fn)).anySatisfy(line -> assertThat(line.has("NodeRegistered")).isTrue());
    }

    /**
     * Register, then deregister through the zip: the NodeRequest function starts the synthesized drain workflow,
     * whose Tasks invoke the DrainStep function from the zip; the node is drained, deregistered from ECS (on the
     * cluster ARN) and SSM (only this stack's tagged instances) and its host cleaned, every call authorized.
     */
    @Test
    void aDeregistrationThroughTheZipRunsTheDrainWorkflowWithEveryCallAuthorized() throws Exception {
        LambdaFunction intake = stack.nodeRequest();
        LambdaFunction drain = stack.drainStep();
        var registered = registered("lr-dreg-reg", "lr-drained");

        LambdaFunction.Invocation accepted = intake.invoke(sqsEvent(JSON.writeValueAsString(Map.of(
                "action", "deregister", "requestId", "lr-dreg-1", "nodeId", "lr-drained", "requestedBy", "it"))));
        assertThat(accepted.ok()).as(accepted.body()).isTrue();
        ExecutionResult execution = stack.stepFunctions().awaitResult(stateMachineArn.replace(":stateMachine:",
                ":execution:") + ":lr-dreg-1", java.time.Duration.ofMinutes(3));

        assertThat(execution.status()).as(execution.error() + " " + execution.cause() + "\n"
                + String.join("\n", drain.log())).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(store.getNode("lr-drained").orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        assertThat(bench.simulator().managedInstance(registered.managedInstanceId()).orElseThrow().deregistered())
                .isTrue();
        assertThat(iam.decisions()).filteredOn(d -> d.role().startsWith("NodeRequest"))
                .extracting(BenchAuthorizer.Decision::action).contains("states:StartExecution");
        assertThat(iam.decisions()).filteredOn(d -> d.role().startsWith("DrainStep"))
                .extracting(BenchAuthorizer.Decision::action)
                .contains("ecs:UpdateContainerInstancesState", "ecs:DeregisterContainerInstance",
                        "ssm:DeregisterManagedInstance", "secretsmanager:GetSecretValue", "dynamodb:UpdateItem");
        assertThat(unexpectedDenials()).isEmpty();
    }

    /**
     * A restart through the zip: a registered host whose agents both dropped (ECS disconnected, SSM ConnectionLost)
     * gets restart-agents.sh over SSH; the units' restart reconnects them through the simulator, as the real agents
     * do, and the request ends AGENTS_RESTARTED with the same managed instance and container instance, every call
     * authorized.
     */
    @Test
    void aRestartThroughTheZipBringsBothAgentsBackUnderTheSameIds() throws Exception {
        LambdaFunction intake = stack.nodeRequest();
        var registered = registered("lr-rst-reg", "lr-restart");
        bench.simulator().setAgentConnected(registered.containerInstanceArn(), false);
        bench.simulator().setPingStatus(registered.managedInstanceId(), "ConnectionLost");

        LambdaFunction.Invocation result = intake.invoke(sqsEvent(JSON.writeValueAsString(Map.of(
                "action", "restart", "requestId", "lr-rst-1", "nodeId", "lr-restart", "requestedBy", "it",
                "reason", "agents dropped"))));

        assertThat(result.ok()).as(result.body()).isTrue();
        RequestRecord record = store.getRequest("lr-rst-1").orElseThrow();
        assertThat(record.outcome()).as(record.failure() + " " + record.steps() + "\n"
                + String.join("\n", intake.log())).isEqualTo(Outcome.AGENTS_RESTARTED);
        assertThat(record.steps().get(0).detail()).contains("unit:ecs", "unit:amazon-ssm-agent");
        var after = store.getNode("lr-restart").orElseThrow();
        assertThat(after.managedInstanceId()).isEqualTo(registered.managedInstanceId());
        assertThat(after.containerInstanceArn()).isEqualTo(registered.containerInstanceArn());
        assertThat(after.version()).isEqualTo(registered.version());
        assertThat(bench.simulator().containerInstance(after.containerInstanceArn()).orElseThrow().agentConnected())
                .isTrue();
        assertThat(bench.simulator().managedInstance(after.managedInstanceId()).orElseThrow().pingStatus())
                .isEqualTo("Online");
        assertThat(bench.simulator().allManagedInstances()).filteredOn(m -> "lr-restart".equals(m.name()))
                .as("no new registration").hasSize(1);
        assertThat(jsonLines(intake)).anySatisfy(line -> assertThat(line.has("AgentsRestarted")).isTrue());
        assertThat(unexpectedDenials()).isEmpty();
    }

    /**
     * An upgrade through the zip: the NodeRequest function starts the drain workflow with purpose UPGRADE, whose
     * UpgradeAgents Task (the DrainStep function from the zip, with the stack's package settings pointing at the bench's
     * repository and key) upgrades both agents in place; ECS and SSM report the new versions under the same ids.
     */
    @Test
    void anUpgradeThroughTheZipKeepsTheNodesIdentity() throws Exception {
        LambdaFunction intake = stack.nodeRequest();
        LambdaFunction drain = stack.drainStep();
        var registered = registered("lr-upg-reg", "lr-upgrade");

        LambdaFunction.Invocation accepted = intake.invoke(sqsEvent(JSON.writeValueAsString(Map.of(
                "action", "upgrade", "requestId", "lr-upg-1", "nodeId", "lr-upgrade", "requestedBy", "it",
                "ecsAgentVersion", AgentPackageRepository.NEWER_ECS_VERSION,
                "ssmAgentVersion", AgentPackageRepository.NEWER_SSM_VERSION))));
        assertThat(accepted.ok()).as(accepted.body()).isTrue();
        ExecutionResult execution = stack.stepFunctions().awaitResult(stateMachineArn.replace(":stateMachine:",
                ":execution:") + ":lr-upg-1", java.time.Duration.ofMinutes(3));

        assertThat(execution.status()).as(execution.error() + " " + execution.cause() + "\n"
                + String.join("\n", drain.log())).isEqualTo(ExecutionStatus.SUCCEEDED);
        RequestRecord record = store.getRequest("lr-upg-1").orElseThrow();
        assertThat(record.outcome()).as(record.failure() + " " + record.steps()).isEqualTo(Outcome.UPGRADED);
        var after = store.getNode("lr-upgrade").orElseThrow();
        assertThat(after.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(after.managedInstanceId()).isEqualTo(registered.managedInstanceId());
        assertThat(after.containerInstanceArn()).isEqualTo(registered.containerInstanceArn());
        assertThat(bench.simulator().containerInstance(after.containerInstanceArn()).orElseThrow().agentVersion())
                .isEqualTo(AgentPackageRepository.NEWER_ECS_VERSION);
        assertThat(bench.simulator().managedInstance(after.managedInstanceId()).orElseThrow().agentVersion())
                .isEqualTo(AgentPackageRepository.NEWER_SSM_VERSION);
        assertThat(jsonLines(drain)).anySatisfy(line -> assertThat(line.has("AgentsUpgraded")).isTrue());
        assertThat(unexpectedDenials()).isEmpty();
    }

    /** Registers the host through the zip's node-request function and returns its node item, REGISTERED. */
    private NodeRecord registered(String requestId, String host) throws Exception {
        LambdaFunction intake = stack.nodeRequest();
        intake.invoke(sqsEvent(registerBody(requestId, bench.host(host))));
        NodeRecord node = store.getNode(host).orElseThrow();
        assertThat(node.state()).as(String.join("\n", intake.log())).isEqualTo(NodeState.REGISTERED);
        return node;
    }

    /** A call outside the role's grants is denied as AWS denies it, and the zip logs the failure at ERROR. */
    @Test
    void aCallOutsideTheRolesGrantsIsDeniedAndLoggedAtError() throws Exception {
        LambdaFunction fn = stack.startVariant(FunctionSpec.named(template, "NodeRequest"),
                Map.of(FunctionEnvironment.TABLE_NAME, "no-such-table"));
        String body = JSON.writeValueAsString(Map.of("action", "deregister", "requestId", "lr-err-1",
                "nodeId", "lr-node-2", "requestedBy", "it"));

        LambdaFunction.Invocation result = fn.invoke(sqsEvent(body));

        assertThat(result.ok()).as(result.body()).isTrue();
        assertThat(jsonLines(fn)).as(String.join("\n", fn.log())).anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("ERROR");
            assertThat(line.path("requestId").asText()).isEqualTo("lr-err-1");
            assertThat(line.path("logger").asText()).contains("NodeRequestHandler");
            assertThat(line.path("message").asText()).contains("AWS_ACCESS_DENIED");
        });
        assertThat(iam.denials()).anySatisfy(d -> {
            assertThat(d.action()).startsWith("dynamodb:");
            assertThat(d.resource()).endsWith(":table/no-such-table");
        });
    }

    /** IAM enforced on every call these flows make: each allowed by the role's own grants, none denied. */
    @Test
    void everyCallTheFunctionsMakeIsAuthorizedByTheirRolesPolicies() throws Exception {
        aRequestForAClusterTheStackDoesNotManageIsRejectedRecordedCountedAndLoggedAsJson();
        theReconcilerRunsFromTheZipAndWritesItsMetrics();

        assertThat(iam.decisions()).extracting(BenchAuthorizer.Decision::action)
                .contains("dynamodb:GetItem", "dynamodb:PutItem", "events:PutEvents",
                        "ssm:DescribeInstanceInformation", "ssm:DescribeActivations", "ecs:ListContainerInstances");
        assertThat(unexpectedDenials()).isEmpty();
    }

    /** Step Functions matches a Lambda error by the type the runtime reports: the exception's class name. */
    @Test
    void theDrainFunctionReportsAPermanentErrorByItsClassName() {
        LambdaFunction fn = stack.drainStep();

        LambdaFunction.Invocation result = fn.invoke("{\"step\":\"CheckDrain\",\"state\":{\"nodeId\":\"n-1\"}}");

        assertThat(result.ok()).isFalse();
        assertThat(result.errorType()).as(result.body()).isEqualTo("dev.ecsa.core.error.PermanentException");
        assertThat(result.body()).contains("not a valid DrainState");
        assertThat(jsonLines(fn)).anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(line.path("nodeId").asText()).isEqualTo("n-1");
            assertThat(line.path("AWSRequestId").asText()).isNotBlank();
        });
    }

    @Test
    void theReconcilerRunsFromTheZipAndWritesItsMetrics() throws Exception {
        LambdaFunction fn = stack.reconcile();

        LambdaFunction.Invocation result = stack.reconcileNow();

        assertThat(result.ok()).as(result.body() + "\n" + String.join("\n", fn.log())).isTrue();
        assertThat(JSON.readTree(result.body()).has("findings")).isTrue();
        assertThat(jsonLines(fn)).anySatisfy(line -> assertThat(line.has("ReconcileFindings")).isTrue());
    }

    /**
     * The repair as a deploy with {@code -c ecsa:repairQuarantine=true} runs it, from the zip: a node whose SSM agent
     * has been silent for an hour (longer than the debounce) among four healthy ones is quarantined on the first run,
     * its container instance DRAINING, every call authorized by the reconciler's role.
     */
    @Test
    void theReconcilersRepairFromTheZipQuarantinesANodeSilentPastTheDebounce() throws Exception {
        FunctionSpec spec = FunctionSpec.named(template, "Reconcile")
                .withContextValues(Map.of(FunctionEnvironment.REPAIR_QUARANTINE, "true"));
        String cluster = spec.environment().get(FunctionEnvironment.CLUSTER).asText();
        LambdaFunction fn = stack.startVariant(spec, Map.of());
        List<SeededNode> nodes = bench.simulator().seedNodes(cluster, 5, "lr-repair",
                Map.of("ecsa:stack", stack.stackName()));
        java.time.Instant now = java.time.Instant.now();
        for (SeededNode n : nodes) {
            store.createNodeIfAbsent(new NodeRecord(n.nodeId(), NodeState.REGISTERING, 1, cluster, null, null, null,
                    "192.0.2.30", 22, "ecsa", null, "seed-" + n.nodeId(), null, now, now, now));
            store.transition(n.nodeId(), new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                    NodeUpdate.none().withManagedInstanceId(n.managedInstanceId())
                            .withContainerInstanceArn(n.containerInstanceArn()));
        }
        SeededNode silent = nodes.get(0);
        bench.simulator().agentSilentSince(silent.managedInstanceId(), now.minus(java.time.Duration.ofHours(1)));

        LambdaFunction.Invocation result = fn.invoke(stack.scheduledEvent());

        assertThat(result.ok()).as(result.body() + "\n" + String.join("\n", fn.log())).isTrue();
        NodeRecord quarantined = store.getNode(silent.nodeId()).orElseThrow();
        assertThat(quarantined.state()).as(String.join("\n", fn.log())).isEqualTo(NodeState.DRAIN_KEPT);
        assertThat(quarantined.health().quarantined()).isTrue();
        assertThat(bench.simulator().containerInstance(silent.containerInstanceArn()).orElseThrow().status())
                .isEqualTo("DRAINING");
        for (SeededNode n : nodes.subList(1, nodes.size())) {
            assertThat(store.getNode(n.nodeId()).orElseThrow().state()).isEqualTo(NodeState.REGISTERED);
        }
        assertThat(bench.simulator().events()).anyMatch(e -> e.detailType().equals("NodeQuarantined")
                && e.detail().contains(silent.nodeId()));
        assertThat(iam.decisions()).filteredOn(d -> d.role().startsWith("Reconcile"))
                .extracting(BenchAuthorizer.Decision::action)
                .contains("ecs:UpdateContainerInstancesState", "dynamodb:GetItem", "dynamodb:UpdateItem");
        assertThat(unexpectedDenials()).isEmpty();
    }

    /** An invocation past the function's timeout ends as Lambda ends it, and the next one gets a new environment. */
    @Test
    void anInvocationPastTheTimeoutIsEndedAsSandboxTimedoutAndTheEnvironmentReplaced() {
        LambdaFunction fn = stack.startVariant(FunctionSpec.named(template, "Reconcile").withTimeoutSeconds(3), Map.of());
        bench.simulator().faults().failNext("AmazonSSM.DescribeInstanceInformation",
                Fault.latency(Duration.ofSeconds(20)), 1);
        try {
            LambdaFunction.Invocation slow = fn.invoke("{\"id\":\"run-lambda-it-slow\"}");

            assertThat(slow.ok()).isFalse();
            assertThat(slow.errorType()).isEqualTo("Sandbox.Timedout");
            assertThat(fn.log()).anyMatch(l -> l.contains("Task timed out after 3.00 seconds"));
        } finally {
            bench.simulator().faults().clear();
        }
        LambdaFunction.Invocation next = fn.invoke("{\"id\":\"run-lambda-it-next\"}");
        assertThat(fn.starts()).isEqualTo(2);
        assertThat(next.errorType()).isNotEqualTo("Runtime.ExitError");
    }

    /**
     * SnapStart runs init when a version is published, where a function in a VPC may have no route anywhere: init
     * must reach nothing. With no bench endpoint given, no AWS name resolves in the function's JVM; init and
     * restore still succeed, and only the invocation's first AWS call fails, as unreachable.
     */
    @Test
    void initReachesNothingSoAFunctionWithNoRouteOutStillStarts() throws Exception {
        LambdaFunction fn = stack.startUnconnected(FunctionSpec.named(template, "NodeRequest"));
        String body = JSON.writeValueAsString(Map.of("action", "deregister", "requestId", "lr-noroute-1",
                "nodeId", "lr-node-3", "requestedBy", "it"));

        LambdaFunction.Invocation result = fn.invoke(sqsEvent(body));

        assertThat(fn.restoredFromSnapshot()).as(String.join("\n", fn.log())).isTrue();
        assertThat(fn.starts()).isEqualTo(1);
        // The function answered (no init error, no crash): the message is handed back for a retry.
        assertThat(result.ok()).as(result.errorType() + " " + result.body()).isTrue();
        assertThat(JSON.readTree(result.body()).path("batchItemFailures")).hasSize(1);
        assertThat(String.join("\n", fn.log())).contains("no answer from DynamoDB", "dynamodb."
                + bench.simulator().config().region() + ".amazonaws.com");
    }

    /**
     * The event source mapping polls the queue with the NodeRequest role, whose grants name the queue; the SQS front
     * checks them: the DrainStep role, which has none, is denied as AWS denies it.
     */
    @Test
    void theQueueIsPolledUnderTheNodeRequestRoleAndNoOtherRole() {
        String queue = bench.queues().queueUrl();
        try (var allowed = sqsAs("NodeRequest"); var other = sqsAs("DrainStep")) {
            allowed.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(0));

            assertThatThrownBy(() -> other.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(0)))
                    .isInstanceOf(software.amazon.awssdk.services.sqs.model.SqsException.class)
                    .hasMessageContaining("not authorized to perform: sqs:ReceiveMessage");
        }
        assertThat(iam.decisions()).anySatisfy(d -> {
            assertThat(d.role()).startsWith("NodeRequest");
            assertThat(d.action()).isEqualTo("sqs:ReceiveMessage");
            assertThat(d.allowed()).isTrue();
        });
        assertThat(iam.denials()).anySatisfy(d -> {
            assertThat(d.role()).startsWith("DrainStep");
            assertThat(d.resource()).endsWith(":" + bench.queues().queueName());
        });
    }

    private static software.amazon.awssdk.services.sqs.SqsClient sqsAs(String function) {
        return software.amazon.awssdk.services.sqs.SqsClient.builder()
                .endpointOverride(stack.iam().sqsEndpoint())
                .region(Region.of(bench.simulator().config().region()))
                .credentialsProvider(stack.iam().roleCredentials(function))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }
}
