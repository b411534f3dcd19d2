package dev.ecsa.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.contract.FunctionEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * Every documented context combination synthesizes, passes cdk-nag, grants only well-typed IAM, and does what the
 * README's Deploy section promises for it.
 */
class DeployRehearsalTest {

    private static final Map<String, Object> VPC = Map.of(
            "ecsa:vpcId", "vpc-0abc",
            "ecsa:subnetIds", "subnet-0aaa,subnet-0bbb",
            "ecsa:availabilityZones", "eu-west-1a,eu-west-1b");

    private static void commonChecks(Synth synth) {
        assertThat(synth.nagFindings()).as("cdk-nag").isEmpty();
        for (String fn : List.of("NodeRequest", "DrainStep", "Reconcile")) {
            assertThat(TemplateIam.mistypedGrants(synth.iam().grantsOf(fn), Synth.IAM_DATA)).as(fn).isEmpty();
        }
        // The operator's policy: exactly what the CLI calls, each on its resource type (docs/operator-iam.md).
        List<TemplateIam.Grant> operator = synth.iam().grantsOfManagedPolicy("OperatorPolicy");
        assertThat(TemplateIam.mistypedGrants(operator, Synth.IAM_DATA)).as("operator policy").isEmpty();
        assertThat(operator.stream().flatMap(g -> g.actions().stream()).sorted().toList()).containsExactly(
                "cloudformation:DescribeStacks", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
                "dynamodb:Query", "lambda:InvokeFunction",
                "sqs:GetQueueAttributes", "sqs:SendMessage");
        assertThat(operator).allSatisfy(g -> assertThat(g.resources()).doesNotContain("*"));
        // Every variable a function cannot start without is set (the reconciler once lacked the role).
        assertThat(synth.environmentOf("NodeRequest")).containsKeys(
                FunctionEnvironment.NODE_REQUEST_REQUIRED.toArray(String[]::new));
        assertThat(synth.environmentOf("DrainStep")).containsKeys(
                FunctionEnvironment.DRAIN_STEP_REQUIRED.toArray(String[]::new));
        assertThat(synth.environmentOf("Reconcile")).containsKeys(
                FunctionEnvironment.RECONCILE_REQUIRED.toArray(String[]::new));
    }

    @Test
    void defaultsWarnThatTheFunctionsRunOutsideAnyVpcAndThatAlarmsNotifyNobody() {
        Synth synth = Synth.of(Map.of());

        commonChecks(synth);
        assertThat(synth.propertyOf("NodeRequest", "VpcConfig")).isNull();
        assertThat(synth.warnings()).anyMatch(w -> w.contains("ecsa:vpcId is not set"))
                .anyMatch(w -> w.contains("ecsa:alarmTopic is not set"));
        assertThat(synth.environmentOf("NodeRequest")).containsEntry("ECSA_CLUSTERS", "ecs-anywhere")
                .doesNotContainKey("ECSA_INSTALL_SCRIPT_GPG_KEY_URL");
    }

    /** The repair's restarts: only then may the reconciler send, and only to the node-request queue. */
    @Test
    void withRepairRestartsTheReconcilerMaySendToTheRequestQueueAndNowhereElse() {
        Synth off = Synth.of(Map.of());
        assertThat(off.iam().grantsOf("Reconcile")).noneMatch(g -> g.actions().contains("sqs:SendMessage"));
        assertThat(off.environmentOf("Reconcile")).containsEntry("ECSA_REPAIR_RESTART", "false")
                .doesNotContainKey("ECSA_REQUEST_QUEUE_URL");

        Synth on = Synth.of(Map.of("ecsa:repairRestart", "true", "ecsa:repairQuarantine", "true",
                "ecsa:repairStepAfterSeconds", "600"));

        commonChecks(on);
        assertThat(on.environmentOf("Reconcile")).containsEntry("ECSA_REPAIR_RESTART", "true")
                .containsEntry("ECSA_REPAIR_STEP_AFTER_SECONDS", "600").containsKey("ECSA_REQUEST_QUEUE_URL");
        assertThat(on.iam().grantsOf("Reconcile")).filteredOn(g -> g.actions().contains("sqs:SendMessage"))
                .singleElement().satisfies(g -> {
                    assertThat(g.actions()).containsExactly("sqs:SendMessage");
                    assertThat(g.resources()).singleElement().asString().contains("sqs").doesNotContain("dlq");
                });
    }

    /** Private subnets without NAT: a SHA-256 pin, and nothing the functions fetch from the internet. */
    @Test
    void aVpcWithoutNatAndASha256PinPutsEveryFunctionInTheSubnets() {
        Map<String, Object> context = new java.util.HashMap<>(VPC);
        context.put("ecsa:installScriptSha256", "a".repeat(64));
        Synth synth = Synth.of(context);

        commonChecks(synth);
        for (String fn : List.of("NodeRequest", "DrainStep", "Reconcile")) {
            assertThat(String.valueOf(synth.propertyOf(fn, "VpcConfig"))).as(fn)
                    .contains("subnet-0aaa").contains("subnet-0bbb");
        }
        assertThat(synth.environmentOf("NodeRequest")).containsEntry("ECSA_INSTALL_SCRIPT_SHA256", "a".repeat(64));
        assertThat(synth.warnings()).noneMatch(w -> w.contains("ecsa:vpcId is not set"));
    }

    @Test
    void anExistingClusterIsUsedNotCreatedAndTheClusterIsCreatedOnlyWhenAsked() {
        Synth existing = Synth.of(Map.of("ecsa:clusterName", "edge-prod"));
        Synth created = Synth.of(Map.of("ecsa:clusterName", "edge-new", "ecsa:createCluster", "true"));

        commonChecks(existing);
        commonChecks(created);
        existing.template().resourceCountIs("AWS::ECS::Cluster", 0);
        created.template().hasResourceProperties("AWS::ECS::Cluster", Map.of("ClusterName", "edge-new",
                "ClusterSettings", Match.anyValue()));
        created.template().resourceCountIs("AWS::EC2::VPC", 0); // external instances need no VPC for the cluster
        assertThat(existing.iam().permissionsOf("DrainStep").get("ecs:DeregisterContainerInstance"))
                .containsExactly("arn:aws:ecs:eu-west-1:123456789012:cluster/edge-prod");
    }

    /** SSM takes a role with a path as "path/name"; iam:PassRole needs the ARN with its path. */
    @Test
    void anExistingRoleWithAPathIsPassedByItsArnAndNamedWithItsPath() {
        String arn = "arn:aws:iam::123456789012:role/service-role/ecsAnywhereRole";
        Synth synth = Synth.of(Map.of("ecsa:ecsAnywhereRoleArn", arn));

        commonChecks(synth);
        assertThat(synth.environmentOf("NodeRequest")).containsEntry("ECSA_ECS_ANYWHERE_ROLE",
                "service-role/ecsAnywhereRole");
        assertThat(synth.iam().permissionsOf("NodeRequest").get("iam:PassRole")).containsExactly(arn);
        synth.template().resourcePropertiesCountIs("AWS::IAM::Role", Match.objectLike(Map.of(
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "ssm.amazonaws.com")))))))), 0);
    }

    @Test
    void aFleetSiteRaisesTheConcurrencyOfTheMappingAndTheReservation() {
        Synth synth = Synth.of(Map.of("ecsa:maxConcurrency", "200"));

        commonChecks(synth);
        synth.template().hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "ScalingConfig", Map.of("MaximumConcurrency", 200))));
        synth.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", EcsaStack.NODE_REQUEST_HANDLER, "ReservedConcurrentExecutions", 200)));
        // The mapping's own range: below 2 or above 1,000, CloudFormation would refuse it at deploy time.
        assertThatThrownBy(() -> Synth.of(Map.of("ecsa:maxConcurrency", "1")))
                .hasMessageContaining("ecsa:maxConcurrency must be 2-1000");
        assertThatThrownBy(() -> Synth.of(Map.of("ecsa:maxConcurrency", "1001")))
                .hasMessageContaining("ecsa:maxConcurrency must be 2-1000");
    }

    @Test
    void theRetiredRoleNameKeyIsRefusedWithTheKeyThatReplacesIt() {
        assertThatThrownBy(() -> Synth.of(Map.of("ecsa:ecsAnywhereRoleName", "ecsAnywhereRole")))
                .hasMessageContaining("ecsa:ecsAnywhereRoleArn");
    }

    @Test
    void aCreatedAlarmTopicReceivesEveryAlarmAndIsAnOutput() {
        Synth synth = Synth.of(Map.of("ecsa:alarmTopic", "create"));

        commonChecks(synth);
        synth.template().resourceCountIs("AWS::SNS::Topic", 1);
        int alarms = synth.template().findResources("AWS::CloudWatch::Alarm").size();
        assertThat(alarms).isGreaterThanOrEqualTo(8);
        synth.template().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmActions", Match.arrayWith(List.of(Match.objectLike(Map.of("Ref", Match.stringLikeRegexp(
                        "AlarmTopic.*"))))))), alarms);
        assertThat(synth.template().findOutputs("AlarmTopicArn")).isNotEmpty();
        assertThat(synth.warnings()).noneMatch(w -> w.contains("ecsa:alarmTopic is not set"));
    }

    @Test
    void anExistingAlarmTopicIsTakenByArn() {
        String topic = "arn:aws:sns:eu-west-1:123456789012:platform-pager";
        Synth synth = Synth.of(Map.of("ecsa:alarmTopic", topic));

        commonChecks(synth);
        synth.template().resourceCountIs("AWS::SNS::Topic", 0);
        synth.template().hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmActions", List.of(topic))));
    }

    /** Requests may name only the managed clusters; IAM and the reconciler cover exactly those. */
    @Test
    void additionalClustersAreGrantedAndPassedToTheFunctions() {
        Synth synth = Synth.of(Map.of("ecsa:clusterName", "edge-a", "ecsa:additionalClusterNames", "edge-b"));

        commonChecks(synth);
        assertThat(synth.environmentOf("Reconcile")).containsEntry("ECSA_CLUSTERS", "edge-a,edge-b");
        assertThat(synth.environmentOf("NodeRequest")).containsEntry("ECSA_CLUSTER", "edge-a");
        assertThat(synth.iam().permissionsOf("NodeRequest").get("ecs:ListContainerInstances")).containsExactly(
                "arn:aws:ecs:eu-west-1:123456789012:cluster/edge-a",
                "arn:aws:ecs:eu-west-1:123456789012:cluster/edge-b");
    }
}
