package dev.ecsa.infra;

import dev.ecsa.core.deregister.UpgradeAgents;
import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.contract.InventorySchema;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.contract.ServiceMetrics;
import dev.ecsa.core.deregister.DrainSettings;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.ecs.CfnCluster;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.FromRoleArnOptions;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The whole service in one stack: the FIFO request queue and its DLQ, the three functions, the drain workflow,
 * the inventory table, the reconcile schedule, alarms and a dashboard. Every IAM grant is written out here so a
 * reviewer reads the permissions in one place.
 */
public final class EcsaStack extends Stack {

    /** Metric namespace of the functions' EMF metrics. */
    public static final String METRIC_NAMESPACE = FunctionEnvironment.METRIC_NAMESPACE;
    /** Handlers in the functions module (class::method). */
    public static final String NODE_REQUEST_HANDLER = "dev.ecsa.functions.NodeRequestHandler::handleRequest";
    public static final String DRAIN_STEP_HANDLER = "dev.ecsa.functions.DrainStepHandler::handleRequest";
    public static final String ROLLOUT_STEP_HANDLER = "dev.ecsa.functions.RolloutStepHandler::handleRequest";
    public static final String RECONCILE_HANDLER = "dev.ecsa.functions.ReconcileHandler::handleRequest";

    /** Deliveries of one request before it goes to the DLQ; the intake's last-delivery logic uses the same number. */
    public static final int MAX_RECEIVES = 5;

    public EcsaStack(Construct scope, String id, StackProps props, EcsaConfig config) {
        super(scope, id, props);
        String stackTagValue = config.stackName();
        // Every timeout from the budgets it must hold (FunctionBudgets): the consumer's follows the registration
        // budget, the queue's visibility covers one whole invocation, the drain function's holds CleanHost's SSH work.
        int nodeRequestTimeout = FunctionBudgets.nodeRequestTimeoutSeconds(config.registrationBudgetSeconds());
        int drainStepTimeout = FunctionBudgets.drainStepTimeoutSeconds(DrainSettings.defaults(""),
                UpgradeAgents.UpgradeSettings.defaults());

        // ---- Inventory: one table, node items and request items ----
        Table table = Table.Builder.create(this, "Inventory")
                .partitionKey(stringAttribute(InventorySchema.PARTITION_KEY))
                .sortKey(stringAttribute(InventorySchema.SORT_KEY))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(
                        PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .encryption(TableEncryption.AWS_MANAGED)
                .timeToLiveAttribute(InventorySchema.TTL_ATTRIBUTE)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(InventorySchema.BY_STATE_INDEX)
                .partitionKey(stringAttribute(InventorySchema.STATE))
                .sortKey(stringAttribute(InventorySchema.UPDATED_AT))
                .build());

        // ---- Requests: FIFO, one message group per node ----
        Queue dlq = Queue.Builder.create(this, "NodeRequestsDlq")
                .fifo(true)
                .queueName(config.stackName() + "-node-requests-dlq.fifo")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Queue queue = Queue.Builder.create(this, "NodeRequests")
                .fifo(true)
                .queueName(config.stackName() + "-node-requests.fifo")
                .contentBasedDeduplication(false)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // Visibility must cover one whole invocation of the consumer (AWS Lambda SQS docs recommend 6x
                // the timeout for batch retries; with batch size 1 and a 13-minute function, 6x would delay a retry
                // by over an hour, so one timeout plus a margin is the better trade here).
                .visibilityTimeout(Duration.seconds(FunctionBudgets.queueVisibilitySeconds(nodeRequestTimeout)))
                .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(MAX_RECEIVES).build())
                .build();

        // ---- The things the service acts on ----
        String clusterName = config.clusterName();
        if (config.createCluster()) {
            // The L1 resource: the L2 Cluster creates a VPC with NAT gateways when given none, which external
            // instances never use.
            CfnCluster.Builder.create(this, "Cluster")
                    .clusterName(clusterName)
                    .clusterSettings(List.of(CfnCluster.ClusterSettingsProperty.builder()
                            .name("containerInsights").value("enabled").build()))
                    .build();
        }
        IRole ecsAnywhereRole = config.ecsAnywhereRoleArn().isEmpty()
                ? Role.Builder.create(this, "EcsAnywhereRole")
                        .assumedBy(new ServicePrincipal("ssm.amazonaws.com"))
                        .description("Role of ECS Anywhere hosts (SSM hybrid activation)")
                        .managedPolicies(List.of(
                                ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"),
                                ManagedPolicy.fromAwsManagedPolicyName(
                                        "service-role/AmazonEC2ContainerServiceforEC2Role")))
                        .build()
                // From the ARN, not the name: a role with a path has an ARN that the name alone does not give, and
                // iam:PassRole is granted on that ARN.
                : Role.fromRoleArn(this, "EcsAnywhereRole", config.ecsAnywhereRoleArn(),
                        FromRoleArnOptions.builder().mutable(false).build());
        // SSM CreateActivation takes the role's path and name ("service-role/name") for a role with a path.
        String activationRole = config.ecsAnywhereRoleArn().isEmpty() ? ecsAnywhereRole.getRoleName()
                : config.ecsAnywhereRolePathAndName();
        ISecret sshKey = config.sshKeySecretArn().isEmpty()
                ? Secret.Builder.create(this, "SshPrivateKey")
                        .description("SSH private key (OpenSSH PEM) the service uses to reach the hosts. Fill it "
                                + "after the first deploy: aws secretsmanager put-secret-value.")
                        .build()
                : Secret.fromSecretCompleteArn(this, "SshPrivateKey", config.sshKeySecretArn());
        IEventBus bus = "default".equals(config.eventBusName())
                ? EventBus.fromEventBusName(this, "Bus", "default")
                : EventBus.Builder.create(this, "Bus").eventBusName(config.eventBusName()).build();

        // ---- Network: the functions reach the hosts over SSH (VPN or Direct Connect from the VPC) ----
        IVpc vpc = null;
        ISecurityGroup securityGroup = null;
        SubnetSelection subnets = null;
        if (!config.vpcId().isEmpty()) {
            vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                    .vpcId(config.vpcId())
                    .availabilityZones(config.availabilityZones())
                    .privateSubnetIds(config.subnetIds())
                    .build());
            List<software.amazon.awscdk.services.ec2.ISubnet> subnetList = new ArrayList<>();
            for (int i = 0; i < config.subnetIds().size(); i++) {
                subnetList.add(Subnet.fromSubnetId(this, "Subnet" + i, config.subnetIds().get(i)));
            }
            subnets = SubnetSelection.builder().subnets(subnetList).build();
            securityGroup = config.securityGroupId().isEmpty()
                    ? SecurityGroup.Builder.create(this, "FunctionsSg").vpc(vpc)
                            .description("ecsa functions: SSH to the hosts, HTTPS to AWS APIs")
                            .allowAllOutbound(true).build()
                    : SecurityGroup.fromSecurityGroupId(this, "FunctionsSg", config.securityGroupId());
        }

        if (vpc == null) {
            Annotations.of(this).addWarningV2("ecsa:noVpc", "ecsa:vpcId is not set: the functions run outside any "
                    + "VPC and reach only hosts with a public SSH address. Set ecsa:vpcId, ecsa:subnetIds and "
                    + "ecsa:availabilityZones for hosts behind a VPN or Direct Connect (README, Deploy).");
        }

        Map<String, String> env = new HashMap<>();
        env.put(FunctionEnvironment.STACK_NAME, config.stackName());
        env.put(FunctionEnvironment.TABLE_NAME, table.getTableName());
        env.put(FunctionEnvironment.CLUSTER, clusterName);
        env.put(FunctionEnvironment.CLUSTERS, String.join(",", config.clusterNames()));
        env.put(FunctionEnvironment.EVENT_BUS, bus.getEventBusName());
        env.put(FunctionEnvironment.SSH_KEY_SECRET, sshKey.getSecretArn());
        env.put(FunctionEnvironment.DRAIN_TIMEOUT_SECONDS, Integer.toString(config.drainTimeoutSeconds()));
        env.put(FunctionEnvironment.DRAIN_POLL_SECONDS, Integer.toString(config.drainPollSeconds()));
        env.put(FunctionEnvironment.ON_DRAIN_TIMEOUT, config.onDrainTimeout());
        env.put(FunctionEnvironment.REQUEST_RETENTION_DAYS, Integer.toString(config.requestRetentionDays()));
        env.put(FunctionEnvironment.CHANGE_CALENDARS, String.join(",", config.changeCalendars()));
        // Tiered compilation stopped at C1 is AWS's recommendation for short Java invocations.
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        RetentionDays logRetention = RetentionDays.THREE_MONTHS;
        Code code = Code.fromAsset(config.functionsZip());

        // ---- Functions ----
        Map<String, String> registerEnv = new HashMap<>(env);
        registerEnv.put(FunctionEnvironment.ECS_ANYWHERE_ROLE, activationRole);
        registerEnv.put(FunctionEnvironment.INSTALL_SCRIPT_URL, config.installScriptUrl());
        registerEnv.put(FunctionEnvironment.INSTALL_SCRIPT_SHA256, config.installScriptSha256());
        registerEnv.put(FunctionEnvironment.INSTALL_SCRIPT_GPG_FINGERPRINT, config.installScriptGpgFingerprint());
        registerEnv.put(FunctionEnvironment.ECS_AGENT_VERSION, config.ecsAgentVersion());
        registerEnv.put(FunctionEnvironment.REGISTRATION_BUDGET_SECONDS,
                Integer.toString(config.registrationBudgetSeconds()));
        registerEnv.put(FunctionEnvironment.MAX_RECEIVES, Integer.toString(MAX_RECEIVES));
        // An upgrade that names no version goes to the stack's targets.
        registerEnv.put(FunctionEnvironment.TARGET_ECS_AGENT_VERSION, config.targetEcsAgentVersion());
        registerEnv.put(FunctionEnvironment.TARGET_SSM_AGENT_VERSION, config.targetSsmAgentVersion());
        Function nodeRequest = function("NodeRequest", NODE_REQUEST_HANDLER, code, registerEnv,
                nodeRequestTimeout, 1024, logRetention, vpc, subnets, securityGroup);
        Map<String, String> drainEnv = new HashMap<>(env);
        // Where upgrades fetch agent packages and the keys they are verified against (empty: AWS's buckets and the
        // keys shipped in the zip). Always present, so a deploy with other context changes values, not the shape.
        drainEnv.put(FunctionEnvironment.AGENT_PACKAGE_URL, config.agentPackageUrl());
        drainEnv.put(FunctionEnvironment.AGENT_PACKAGE_SIGNING_KEY, config.agentPackageSigningKey());
        drainEnv.put(FunctionEnvironment.AGENT_PACKAGE_KEY_FINGERPRINTS, config.agentPackageKeyFingerprints());
        Function drain = function("DrainStep", DRAIN_STEP_HANDLER, code, drainEnv, drainStepTimeout, 1024,
                logRetention, vpc, subnets, securityGroup);
        Map<String, String> reconcileEnv = new HashMap<>(env);
        // DescribeActivations finds the stack's activations by the role they pass.
        reconcileEnv.put(FunctionEnvironment.ECS_ANYWHERE_ROLE, activationRole);
        reconcileEnv.put(FunctionEnvironment.RECONCILE_SAFE_FIXES, Boolean.toString(config.reconcileSafeFixes()));
        reconcileEnv.put(FunctionEnvironment.RECONCILE_MEMBERSHIP_FIXES,
                Boolean.toString(config.reconcileMembershipFixes()));
        reconcileEnv.put(FunctionEnvironment.RECONCILE_FIX_BUDGET, Integer.toString(config.reconcileFixBudget()));
        if (!config.targetEcsAgentVersion().isEmpty()) {
            reconcileEnv.put(FunctionEnvironment.TARGET_ECS_AGENT_VERSION, config.targetEcsAgentVersion());
        }
        if (!config.targetSsmAgentVersion().isEmpty()) {
            reconcileEnv.put(FunctionEnvironment.TARGET_SSM_AGENT_VERSION, config.targetSsmAgentVersion());
        }
        reconcileEnv.put(FunctionEnvironment.REPAIR_UNHEALTHY_AFTER_SECONDS,
                Integer.toString(config.repairUnhealthyAfterSeconds()));
        reconcileEnv.put(FunctionEnvironment.REPAIR_QUARANTINE, Boolean.toString(config.repairQuarantine()));
        reconcileEnv.put(FunctionEnvironment.REPAIR_MAX_UNHEALTHY_PERCENT,
                Integer.toString(config.repairMaxUnhealthyPercent()));
        reconcileEnv.put(FunctionEnvironment.REPAIR_RESTART, Boolean.toString(config.repairRestart()));
        reconcileEnv.put(FunctionEnvironment.REPAIR_REREGISTER, Boolean.toString(config.repairReregister()));
        reconcileEnv.put(FunctionEnvironment.REPAIR_STEP_AFTER_SECONDS,
                Integer.toString(config.repairStepAfterSeconds()));
        if (config.repairRestart()) {
            // The repair's restart requests go through the queue like any producer's.
            reconcileEnv.put(FunctionEnvironment.REQUEST_QUEUE_URL, queue.getQueueUrl());
        }
        Function reconcile = function("Reconcile", RECONCILE_HANDLER, code, reconcileEnv,
                FunctionBudgets.RECONCILE_TIMEOUT_SECONDS, 2048, logRetention,
                vpc, subnets, securityGroup);
        Map<String, String> rolloutEnv = new HashMap<>(env);
        // Each node's request goes through the queue like any producer's.
        rolloutEnv.put(FunctionEnvironment.REQUEST_QUEUE_URL, queue.getQueueUrl());
        Function rolloutStep = function("RolloutStep", ROLLOUT_STEP_HANDLER, code, rolloutEnv,
                RolloutStateMachine.STEP_TIMEOUT_SECONDS, 1024, logRetention, vpc, subnets, securityGroup);
        Alias nodeRequestLive = live(nodeRequest);
        Alias drainLive = live(drain);
        Alias reconcileLive = live(reconcile);
        Alias rolloutLive = live(rolloutStep);

        String stateMachineName = config.stackName() + "-drain";
        DrainStateMachine workflow = new DrainStateMachine(this, "DrainStateMachine", stateMachineName, drainLive,
                drainStepTimeout, logRetention);
        String drainExecutions = "arn:" + getPartition() + ":states:" + getRegion() + ":" + getAccount()
                + ":execution:" + stateMachineName + ":*";
        nodeRequest.addEnvironment(FunctionEnvironment.DRAIN_STATE_MACHINE_ARN,
                workflow.stateMachine().getStateMachineArn());
        RolloutStateMachine rollouts = new RolloutStateMachine(this, "RolloutStateMachine",
                config.stackName() + "-rollout", rolloutLive, logRetention);
        nodeRequest.addEnvironment(FunctionEnvironment.ROLLOUT_STATE_MACHINE_ARN,
                rollouts.stateMachine().getStateMachineArn());
        // The rollout function continues a long rollout in a new execution of its own workflow: the ARN is built from
        // the name (the workflow already depends on the function, so a reference would be a cycle).
        String rolloutWorkflowArn = "arn:" + getPartition() + ":states:" + getRegion() + ":" + getAccount()
                + ":stateMachine:" + config.stackName() + "-rollout";
        rolloutStep.addEnvironment(FunctionEnvironment.ROLLOUT_STATE_MACHINE_ARN, rolloutWorkflowArn);
        rolloutStep.addEnvironment(FunctionEnvironment.ROLLOUT_STEPS_PER_EXECUTION,
                Integer.toString(dev.ecsa.core.fleet.RolloutStepper.DEFAULT_STEPS_PER_EXECUTION));
        rolloutStep.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("ContinueTheRolloutWorkflow")
                .actions(List.of("states:StartExecution"))
                .resources(List.of(rolloutWorkflowArn))
                .build());
        reconcile.addEnvironment(FunctionEnvironment.DRAIN_STATE_MACHINE_ARN,
                workflow.stateMachine().getStateMachineArn());

        // Node requests at once: the mapping scales up to maxConcurrency (FIFO keeps one in flight per node), and the
        // function reserves as much, so other functions in the account cannot starve registrations, nor they them.
        nodeRequestLive.addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(1)
                .reportBatchItemFailures(true)
                .maxConcurrency(config.maxConcurrency())
                .build());
        ((CfnFunction) nodeRequest.getNode().getDefaultChild()).setReservedConcurrentExecutions(
                config.maxConcurrency());

        Rule schedule = Rule.Builder.create(this, "ReconcileSchedule")
                .schedule(Schedule.expression(config.reconcileSchedule()))
                .description("Runs the ecsa reconciler")
                .targets(List.of(LambdaFunction.Builder.create(reconcileLive).retryAttempts(2).build()))
                .build();

        // ---- IAM: exactly what each function calls, on the resource types the Service Authorization Reference
        // gives for each action (ECS, SSM, Secrets Manager, Step Functions, EventBridge, DynamoDB). ----
        List<String> clusterArns = new ArrayList<>();
        List<String> containerInstances = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        for (String cluster : config.clusterNames()) {
            clusterArns.add(arn("ecs", "cluster/" + cluster));
            containerInstances.add(arn("ecs", "container-instance/" + cluster + "/*"));
            tasks.add(arn("ecs", "task/" + cluster + "/*"));
        }
        String managedInstances = arn("ssm", "managed-instance/*");
        // CreateActivation, DeleteActivation, DescribeActivations and DescribeInstanceInformation have no resource
        // type ("Actions, resources, and condition keys for AWS Systems Manager"): their resource can only be "*".
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("CreateTaggedActivations")
                // Tags given to CreateActivation are authorized by CreateActivation itself (its condition keys
                // aws:RequestTag and aws:TagKeys; no dependent action, and AddTagsToResource has no activation
                // resource type: Service Authorization Reference, Systems Manager).
                .actions(List.of("ssm:CreateActivation"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:RequestTag/ecsa:stack", stackTagValue)))
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("UseAndDeleteActivations")
                .actions(List.of("ssm:DescribeActivations", "ssm:DeleteActivation", "ssm:DescribeInstanceInformation"))
                .resources(List.of("*"))
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("PassTheEcsAnywhereRoleToSsm")
                .actions(List.of("iam:PassRole"))
                .resources(List.of(ecsAnywhereRole.getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ssm.amazonaws.com")))
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                // ListContainerInstances is authorized on the cluster.
                .sid("FindTheContainerInstance")
                .actions(List.of("ecs:ListContainerInstances"))
                .resources(clusterArns)
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("DescribeContainerInstances")
                .actions(List.of("ecs:DescribeContainerInstances"))
                .resources(containerInstances)
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("StartDrainWorkflow")
                .actions(List.of("states:StartExecution"))
                .resources(List.of(workflow.stateMachine().getStateMachineArn()))
                .build());
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                // A replayed request describes its execution to tell "already started" from "conflicting input".
                .sid("DescribeDrainExecutions")
                .actions(List.of("states:DescribeExecution"))
                .resources(List.of(drainExecutions))
                .build());

        // Rollouts: the intake plans against each cluster's load and the change calendar, and starts the workflow.
        // GetCalendarState is authorized on the calendar's document (Service Authorization Reference, SSM): exactly
        // the calendars the stack names; none named, no grant (and a rollout naming one is refused).
        PolicyStatement readCalendars = config.changeCalendars().isEmpty() ? null : PolicyStatement.Builder.create()
                .sid("ReadChangeCalendars")
                .actions(List.of("ssm:GetCalendarState"))
                .resources(config.changeCalendars().stream().map(c -> arn("ssm", "document/" + c)).toList())
                .build();
        PolicyStatement readTasksOfInstances = PolicyStatement.Builder.create()
                .sid("ReadTheTasksOfNodesToDrain")
                // ListTasks with a containerInstance is authorized on the container instance; DescribeTasks on
                // the task.
                .actions(List.of("ecs:ListTasks"))
                .resources(containerInstances)
                .build();
        PolicyStatement describeTasksOfInstances = PolicyStatement.Builder.create()
                .sid("DescribeTheTasksOfNodesToDrain")
                .actions(List.of("ecs:DescribeTasks"))
                .resources(tasks)
                .build();
        nodeRequest.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("StartRolloutWorkflow")
                .actions(List.of("states:StartExecution"))
                .resources(List.of(rollouts.stateMachine().getStateMachineArn()))
                .build());
        if (readCalendars != null) {
            nodeRequest.addToRolePolicy(readCalendars);
            rolloutStep.addToRolePolicy(readCalendars);
        }
        nodeRequest.addToRolePolicy(readTasksOfInstances);
        nodeRequest.addToRolePolicy(describeTasksOfInstances);
        rolloutStep.addToRolePolicy(readTasksOfInstances);
        rolloutStep.addToRolePolicy(describeTasksOfInstances);
        rolloutStep.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("ListTheClusters")
                .actions(List.of("ecs:ListContainerInstances"))
                .resources(clusterArns)
                .build());
        rolloutStep.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("DescribeContainerInstances")
                .actions(List.of("ecs:DescribeContainerInstances"))
                .resources(containerInstances)
                .build());
        rolloutStep.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("SendEachNodesRequest")
                .actions(List.of("sqs:SendMessage"))
                .resources(List.of(queue.getQueueArn()))
                .build());

        PolicyStatement deregisterManaged = PolicyStatement.Builder.create()
                .sid("DeregisterOnlyThisStacksNodes")
                .actions(List.of("ssm:DeregisterManagedInstance"))
                .resources(List.of(managedInstances))
                .conditions(Map.of("StringEquals", Map.of("ssm:resourceTag/ecsa:stack", stackTagValue)))
                .build();
        // DeregisterContainerInstance is authorized on the cluster, not on the container instance.
        PolicyStatement deregisterContainerInstances = PolicyStatement.Builder.create()
                .sid("DeregisterContainerInstances")
                .actions(List.of("ecs:DeregisterContainerInstance"))
                .resources(clusterArns)
                .build();

        drain.addToRolePolicy(deregisterManaged);
        drain.addToRolePolicy(deregisterContainerInstances);
        // A resumed registration deregisters what an earlier delivery's activation registered and the host does not
        // use (an agent that registered with SSM and was cut off before it wrote its registration down).
        nodeRequest.addToRolePolicy(deregisterManaged);
        drain.addToRolePolicy(PolicyStatement.Builder.create()
                // ListTasks with a containerInstance is authorized on the container instance.
                .sid("DrainTheContainerInstance")
                .actions(List.of("ecs:DescribeContainerInstances", "ecs:UpdateContainerInstancesState",
                        "ecs:ListTasks"))
                .resources(containerInstances)
                .build());
        drain.addToRolePolicy(PolicyStatement.Builder.create()
                // Deregister looks for managed instances of the node that its record does not name (by this stack's
                // tags), and for their container instances.
                .sid("FindUnrecordedInstancesOfTheNode")
                .actions(List.of("ssm:DescribeInstanceInformation"))
                .resources(List.of("*"))
                .build());
        drain.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("FindContainerInstancesOfTheNode")
                .actions(List.of("ecs:ListContainerInstances"))
                .resources(clusterArns)
                .build());
        drain.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("DescribeTasksOnTheInstance")
                .actions(List.of("ecs:DescribeTasks"))
                .resources(tasks)
                .build());

        reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("ListActivationsAndManagedInstances")
                .actions(List.of("ssm:DescribeActivations", "ssm:DeleteActivation", "ssm:DescribeInstanceInformation"))
                .resources(List.of("*"))
                .build());
        reconcile.addToRolePolicy(deregisterManaged);
        reconcile.addToRolePolicy(deregisterContainerInstances);
        reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("ListTheClusters")
                .actions(List.of("ecs:ListContainerInstances"))
                .resources(clusterArns)
                .build());
        reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                // A stuck drain's timeout policy: revert sets the container instance ACTIVE again.
                .sid("InspectAndRevertContainerInstances")
                .actions(List.of("ecs:DescribeContainerInstances", "ecs:ListTasks",
                        "ecs:UpdateContainerInstancesState"))
                .resources(containerInstances)
                .build());
        reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("DescribeTasksOfStuckDrains")
                .actions(List.of("ecs:DescribeTasks"))
                .resources(tasks)
                .build());
        reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                // A node DRAINING is stuck only if the execution its request started is no longer running.
                .sid("SeeDrainExecutions")
                .actions(List.of("states:DescribeExecution"))
                .resources(List.of(drainExecutions))
                .build());

        // The inventory, as each function's store calls reach it (DynamoDbNodeStore): the intake reads items and
        // creates and updates them; the drain steps only read and update; the reconciler also queries the table and
        // its byState index and writes its run. Item actions on the table alone, Query on the table and indexes.
        PolicyStatement intakeItems = PolicyStatement.Builder.create()
                .sid("InventoryItems")
                .actions(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"))
                .resources(List.of(table.getTableArn()))
                .build();
        PolicyStatement drainItems = PolicyStatement.Builder.create()
                .sid("InventoryItems")
                .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
                .resources(List.of(table.getTableArn()))
                .build();
        PolicyStatement inventoryQueries = PolicyStatement.Builder.create()
                .sid("InventoryQueries")
                .actions(List.of("dynamodb:Query"))
                .resources(List.of(table.getTableArn(), table.getTableArn() + "/index/*"))
                .build();
        PolicyStatement events = PolicyStatement.Builder.create()
                .sid("PublishEvents")
                .actions(List.of("events:PutEvents"))
                .resources(List.of(bus.getEventBusArn()))
                .build();
        PolicyStatement readSshKey = PolicyStatement.Builder.create()
                .sid("ReadTheSshKey")
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(sshKey.getSecretArn()))
                .build();
        nodeRequest.addToRolePolicy(intakeItems);
        // A rollout that selects nodes reads the inventory by state.
        nodeRequest.addToRolePolicy(inventoryQueries);
        drain.addToRolePolicy(drainItems);
        rolloutStep.addToRolePolicy(PolicyStatement.Builder.create()
                .sid("InventoryItems")
                // The rollout's item (read, then replaced conditionally) and its nodes' request records.
                .actions(List.of("dynamodb:GetItem", "dynamodb:PutItem"))
                .resources(List.of(table.getTableArn()))
                .build());
        if (config.repairRestart()) {
            reconcile.addToRolePolicy(PolicyStatement.Builder.create()
                    .sid("SendRepairRestarts")
                    .actions(List.of("sqs:SendMessage"))
                    .resources(List.of(queue.getQueueArn()))
                    .build());
        }
        reconcile.addToRolePolicy(intakeItems);
        reconcile.addToRolePolicy(inventoryQueries);
        for (Function fn : List.of(nodeRequest, drain, reconcile, rolloutStep)) {
            fn.addToRolePolicy(events);
        }
        nodeRequest.addToRolePolicy(readSshKey);
        drain.addToRolePolicy(readSshKey);

        // ---- Alarms and dashboard ----
        Alarm dlqAlarm = Alarm.Builder.create(this, "DlqNotEmpty")
                .alarmDescription("Node requests reached the DLQ: read them and redrive (README, Operate)")
                .metric(dlq.metricApproximateNumberOfMessagesVisible(
                        software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                                .period(Duration.minutes(1)).statistic("Maximum").build()))
                .threshold(0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        List<Alarm> alarms = new ArrayList<>(List.of(dlqAlarm));
        for (Function fn : List.of(nodeRequest, drain, reconcile, rolloutStep)) {
            alarms.add(Alarm.Builder.create(this, fn.getNode().getId() + "Errors")
                    .alarmDescription("Errors in the " + fn.getNode().getId() + " function")
                    .metric(fn.metricErrors(software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                            .period(Duration.minutes(5)).statistic("Sum").build()))
                    .threshold(0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
        }
        for (String name : List.of(ServiceMetrics.REGISTRATION_FAILED, ServiceMetrics.DRAIN_TIMED_OUT,
                ServiceMetrics.DEREGISTRATION_FAILED, ServiceMetrics.RECONCILE_FINDINGS, ServiceMetrics.ROLLOUTS_HALTED,
                ServiceMetrics.EVENTS_UNPUBLISHED)) {
            alarms.add(Alarm.Builder.create(this, name + "Alarm")
                    .alarmDescription(name + " reported by the service (EMF metric " + METRIC_NAMESPACE + "/" + name + ")")
                    .metric(serviceMetric(config, name))
                    .threshold(0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
        }
        ITopic alarmTopic = switch (config.alarmTopic()) {
            case "" -> null;
            case "create" -> Topic.Builder.create(this, "AlarmTopic")
                    .displayName(config.stackName() + " alarms")
                    .enforceSsl(true)
                    .build();
            default -> Topic.fromTopicArn(this, "AlarmTopic", config.alarmTopic());
        };
        if (alarmTopic instanceof Topic created) {
            NagSuppressions.addResourceSuppressions(created, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-SNS2")
                    .reason("CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key aws/sns, "
                            + "and alarm notifications carry no secret (names, states and thresholds only).")
                    .build()));
        }
        if (alarmTopic != null) {
            for (Alarm alarm : alarms) {
                alarm.addAlarmAction(new SnsAction(alarmTopic));
                alarm.addOkAction(new SnsAction(alarmTopic));
            }
        } else {
            Annotations.of(this).addWarningV2("ecsa:noAlarmTopic", "ecsa:alarmTopic is not set: the alarms notify "
                    + "nobody. Set it to 'create' (then subscribe to the AlarmTopicArn output) or to an SNS topic ARN.");
        }
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(config.stackName() + "-fleet")
                .build();
        dashboard.addWidgets(
                SingleValueWidget.Builder.create().title("Nodes by outcome (last hour)").width(24)
                        .metrics(List.<IMetric>of(serviceMetric(config, ServiceMetrics.NODE_REGISTERED),
                                serviceMetric(config, ServiceMetrics.REGISTRATION_FAILED),
                                serviceMetric(config, ServiceMetrics.REQUEST_REJECTED),
                                serviceMetric(config, ServiceMetrics.NODE_DEREGISTERED),
                                serviceMetric(config, ServiceMetrics.DRAIN_TIMED_OUT),
                                serviceMetric(config, ServiceMetrics.DEREGISTRATION_FAILED),
                                serviceMetric(config, ServiceMetrics.RECONCILE_FINDINGS)))
                        .build());
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Request queue").width(12)
                        .left(List.<IMetric>of(queue.metricApproximateNumberOfMessagesVisible(),
                                queue.metricApproximateAgeOfOldestMessage(),
                                dlq.metricApproximateNumberOfMessagesVisible()))
                        .build(),
                GraphWidget.Builder.create().title("Functions: errors and duration").width(12)
                        .left(List.<IMetric>of(nodeRequest.metricErrors(), drain.metricErrors(), reconcile.metricErrors()))
                        .right(List.<IMetric>of(nodeRequest.metricDuration(), drain.metricDuration()))
                        .build());
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Drain workflow").width(12)
                        .left(List.<IMetric>of(workflow.stateMachine().metricStarted(),
                                workflow.stateMachine().metricSucceeded(), workflow.stateMachine().metricFailed()))
                        .build(),
                // What each reconcile run counted (its EMF line): agents seen disconnected now, nodes unhealthy past
                // the repair's debounce, clusters where repair waits because too many are unhealthy at once.
                GraphWidget.Builder.create().title("Rollouts: ended, and waits begun").width(12)
                        .left(ServiceMetrics.ROLLOUTS.stream().map(m -> (IMetric) serviceMetric(config, m)).toList())
                        .build(),
                GraphWidget.Builder.create().title("Node health (reconciler)").width(12)
                        .left(List.<IMetric>of(findingMetric(config, FindingType.AGENT_DISCONNECTED),
                                findingMetric(config, FindingType.NODE_UNHEALTHY),
                                findingMetric(config, FindingType.REPAIR_SUSPENDED),
                                findingMetric(config, FindingType.AGENT_OUTDATED)))
                        .build());

        // What an operator's CLI needs (docs/operator-iam.md): read the stack's outputs and the inventory, send requests,
        // run the reconciler now. Nothing that changes AWS resources directly: every change goes through a request.
        ManagedPolicy operator = ManagedPolicy.Builder.create(this, "OperatorPolicy")
                .description("ecsa CLI against stack " + config.stackName() + ": read the inventory and the "
                        + "stack's outputs, send node requests, run the reconciler now, pause repair")
                .statements(List.of(
                        PolicyStatement.Builder.create().sid("ReadStackOutputs")
                                .actions(List.of("cloudformation:DescribeStacks"))
                                .resources(List.of("arn:" + getPartition() + ":cloudformation:" + getRegion() + ":"
                                        + getAccount() + ":stack/" + config.stackName() + "/*")).build(),
                        PolicyStatement.Builder.create().sid("SendNodeRequests")
                                .actions(List.of("sqs:SendMessage", "sqs:GetQueueAttributes"))
                                .resources(List.of(queue.getQueueArn())).build(),
                        PolicyStatement.Builder.create().sid("ReadInventoryItems")
                                .actions(List.of("dynamodb:GetItem"))
                                .resources(List.of(table.getTableArn())).build(),
                        PolicyStatement.Builder.create().sid("QueryInventory")
                                .actions(List.of("dynamodb:Query"))
                                .resources(List.of(table.getTableArn(), table.getTableArn() + "/index/*")).build(),
                        // ecsa repair pause|resume: the one item of the pause and nothing else of the table.
                        PolicyStatement.Builder.create().sid("PauseRepair")
                                .actions(List.of("dynamodb:PutItem", "dynamodb:DeleteItem"))
                                .resources(List.of(table.getTableArn()))
                                .conditions(Map.of("ForAllValues:StringEquals", Map.of("dynamodb:LeadingKeys",
                                        List.of(InventorySchema.REPAIR_PAUSE_PK)))).build(),
                        PolicyStatement.Builder.create().sid("ReconcileNow")
                                .actions(List.of("lambda:InvokeFunction"))
                                .resources(List.of(reconcileLive.getFunctionArn())).build()))
                .build();
        NagSuppressions.addResourceSuppressions(operator, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("A stack's ARN ends in an id CloudFormation assigns at creation, so DescribeStacks is granted on "
                        + "this stack's name followed by a wildcard; the inventory's indexes are read by Query "
                        + "(status lists nodes by state on the byState index).")
                .appliesTo(List.of(
                        RegexAppliesTo.builder().regex("/^Resource::arn:.*:cloudformation:.*:stack\\/.*\\/\\*$/g").build(),
                        RegexAppliesTo.builder().regex("/^Resource::.*Inventory.*\\/index\\/\\*$/g").build()))
                .build()));

        output("QueueUrl", queue.getQueueUrl(), "Send node requests here (FIFO: group = nodeId, dedup = requestId)");
        output("DlqUrl", dlq.getQueueUrl(), "Requests whose outcome could not be recorded after 5 deliveries");
        output("TableName", table.getTableName(), "The inventory: node items and request records");
        output("StateMachineArn", workflow.stateMachine().getStateMachineArn(), "The drain workflow");
        output("ReconcileFunction", reconcileLive.getFunctionArn(),
                "The reconciler's live alias: ecsa reconcile --now invokes it (Lambda Invoke)");
        output("SshKeySecretArn", sshKey.getSecretArn(),
                "Put the SSH private key the hosts authorize here (aws secretsmanager put-secret-value)");
        output("OperatorPolicyArn", operator.getManagedPolicyArn(),
                "Attach to the people and roles that run the ecsa CLI against this stack");
        output("DashboardUrl", "https://console.aws.amazon.com/cloudwatch/home?region=" + getRegion()
                + "#dashboards:name=" + config.stackName() + "-fleet", "The fleet dashboard");
        if (alarmTopic != null) {
            output("AlarmTopicArn", alarmTopic.getTopicArn(), "Where the alarms notify: subscribe to it");
        }

        acknowledgeFindings(sshKey, config, schedule);
    }

    private Function function(String id, String handler, Code code, Map<String, String> env, int timeoutSeconds,
            int memoryMb, RetentionDays retention, IVpc vpc, SubnetSelection subnets, ISecurityGroup sg) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .retention(retention)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Function.Builder builder = Function.Builder.create(this, id)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(code)
                .memorySize(memoryMb)
                .timeout(Duration.seconds(timeoutSeconds))
                .environment(env)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .loggingFormat(LoggingFormat.JSON)
                .logGroup(logs);
        if (vpc != null) {
            builder.vpc(vpc).vpcSubnets(subnets).securityGroups(List.of(sg));
        }
        return builder.build();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    private static Alias live(Function fn) {
        // SnapStart applies to published versions only; the alias is what every trigger points at.
        software.amazon.awscdk.Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every trigger invokes the 'live' alias of a published version");
        return Alias.Builder.create(fn, "Live").aliasName("live").version(fn.getCurrentVersion()).build();
    }

    /** A finding type's count per reconcile run, as the reconciler's EMF line carries it: the largest in the period. */
    private static Metric findingMetric(EcsaConfig config, FindingType type) {
        return Metric.Builder.create()
                .namespace(METRIC_NAMESPACE)
                .metricName(type.metricName())
                .dimensionsMap(Map.of("Service", config.stackName()))
                .statistic("Maximum")
                .period(Duration.minutes(15))
                .build();
    }

    private Metric serviceMetric(EcsaConfig config, String name) {
        return Metric.Builder.create()
                .namespace(METRIC_NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of("Service", config.stackName()))
                .statistic("Sum")
                .period(Duration.hours(1))
                .build();
    }

    private String arn(String service, String resource) {
        return "arn:" + getPartition() + ":" + service + ":" + getRegion() + ":" + getAccount() + ":" + resource;
    }

    private void acknowledgeFindings(ISecret sshKey, EcsaConfig config, Rule schedule) {
        NagSuppressions.addStackSuppressions(this, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("Lambda's AWSLambdaBasicExecutionRole / AWSLambdaVPCAccessExecutionRole only allow "
                                + "writing the function's logs and managing its ENIs; the ECS Anywhere role needs "
                                + "AmazonSSMManagedInstanceCore and AmazonEC2ContainerServiceforEC2Role as AWS documents "
                                + "for ECS Anywhere hosts.")
                        .appliesTo(List.of(
                                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                                "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore",
                                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("SSM CreateActivation, DeleteActivation, DescribeActivations and "
                                + "DescribeInstanceInformation, X-Ray's PutTraceSegments and CloudWatch Logs' delivery "
                                + "actions have no IAM resource type, so their resource is '*' (CreateActivation is "
                                + "narrowed by aws:RequestTag/ecsa:stack).")
                        .appliesTo(List.of("Resource::*"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Container instances, tasks, managed instances and drain executions are created at "
                                + "run time, so their ARNs end in a wildcard, scoped to this stack's cluster, to this "
                                + "stack's state machine, and for managed instances to this stack's ecsa:stack tag.")
                        .appliesTo(List.of(
                                RegexAppliesTo.builder().regex("/^Resource::arn:.*:ecs:.*:(container-instance|task)\\/.*\\/\\*$/g").build(),
                                RegexAppliesTo.builder().regex("/^Resource::arn:.*:ssm:.*:managed-instance\\/\\*$/g").build(),
                                RegexAppliesTo.builder().regex("/^Resource::arn:.*:states:.*:execution:.*-drain:\\*$/g").build()))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("The CDK grant on the inventory table includes its indexes, so the functions can "
                                + "Query the byState index; the index ARNs end in '/index/*'.")
                        .appliesTo(List.of(
                                RegexAppliesTo.builder().regex("/^Resource::<Inventory.*\\.Arn>\\/index\\/\\*$/g").build()))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-L1")
                        .reason("Java 21 is the newest Java runtime with SnapStart support that this project builds and "
                                + "tests for (the code targets release 17 bytecode).")
                        .build()));
        if (config.sshKeySecretArn().isEmpty()) {
            NagSuppressions.addResourceSuppressions(sshKey, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-SMG4")
                    .reason("An SSH private key cannot be rotated by a Secrets Manager rotation Lambda without "
                            + "also changing authorized_keys on every host; operators rotate it with their host "
                            + "provisioning (README, Operate).")
                    .build()), true);
        }
    }

    private static Attribute stringAttribute(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }
}
