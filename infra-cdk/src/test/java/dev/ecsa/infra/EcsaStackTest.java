package dev.ecsa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.contract.InventorySchema;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

class EcsaStackTest {

    private static Template template;
    private static Annotations annotations;

    @BeforeAll
    static void synthesize() {
        App app = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("ecsa:functionsZip", System.getProperty("ecsa.functions.zip",
                        "../functions/target/ecsa-functions-lambda.zip"),
                        "ecsa:targetEcsAgentVersion", "1.90.0"))
                .build());
        EcsaConfig config = EcsaConfig.fromContext(app.getNode());
        EcsaStack stack = new EcsaStack(app, "Test", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                .build(), config);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        app.synth();
        template = Template.fromStack(stack);
        annotations = Annotations.fromStack(stack);
    }

    @Test
    void aRegistrationBudgetTooSmallToReachTheHostIsRefusedAtSynth() {
        App small = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("ecsa:registrationBudgetSeconds", "239")).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EcsaConfig.fromContext(small.getNode()))
                .hasMessage("ecsa:registrationBudgetSeconds must be 240-840");
        App smallest = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("ecsa:registrationBudgetSeconds", "240")).build());
        assertThat(EcsaConfig.fromContext(smallest.getNode()).registrationBudgetSeconds()).isEqualTo(240);
    }

    @Test
    void cdkNagLeavesNoUnacknowledgedFinding() {
        List<String> errors = describe(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")));
        List<String> warnings = describe(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")));
        assertThat(errors).as("cdk-nag errors").isEmpty();
        assertThat(warnings).as("cdk-nag warnings").isEmpty();
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + String.valueOf(m.getEntry().getData())).toList();
    }

    @Test
    void requestQueueIsFifoEncryptedWithBoundedRedrive() {
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "FifoQueue", true,
                "ContentBasedDeduplication", false,
                "SqsManagedSseEnabled", true,
                // the registration budget (720 s) + 60 s to record = the function timeout, + 60 s margin
                "VisibilityTimeout", 840,
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 5)))));
    }

    @Test
    void consumerTakesOneMessageAtATimeAndReportsPartialFailures() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "BatchSize", 1,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 20))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", EcsaStack.NODE_REQUEST_HANDLER,
                "ReservedConcurrentExecutions", 20)));
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "ReservedConcurrentExecutions", Match.anyValue())), 1);
    }

    @Test
    void functionsAreJava21Arm64WithSnapStart() {
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "TracingConfig", Map.of("Mode", "Active"))), 4);
    }

    @Test
    void tableIsOnDemandRecoverableProtectedWithTtlAndStateIndex() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "DeletionProtectionEnabled", true,
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification", Map.of("AttributeName", InventorySchema.TTL_ATTRIBUTE, "Enabled", true),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", InventorySchema.BY_STATE_INDEX))))));
    }

    @Test
    void passRoleOnlyToSsm() {
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of(
                "PolicyDocument", Match.objectLike(Map.of(
                        "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                                "Action", "iam:PassRole",
                                "Condition", Map.of("StringEquals",
                                        Map.of("iam:PassedToService", "ssm.amazonaws.com")))))))))));
    }

    @Test
    void consumerTimeoutFollowsTheRegistrationBudget() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", EcsaStack.NODE_REQUEST_HANDLER,
                "Timeout", 780,
                "Environment", Match.objectLike(Map.of("Variables", Match.objectLike(Map.of(
                        "ECSA_REGISTRATION_BUDGET_SECONDS", "720",
                        "ECSA_MAX_RECEIVES", "5")))))));
    }

    @Test
    void everyTriggerInvokesTheLiveAliasOfAPublishedVersion() {
        template.resourceCountIs("AWS::Lambda::Version", 4);
        template.resourcePropertiesCountIs("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")), 4);
        // The mapping names the function as "<name>:live" (CDK joins the alias name onto the function name).
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "FunctionName", Match.objectLike(Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(":live"))))))));
    }

    @Test
    void membershipFixesAreOffUnlessConfigured() {
        reconcilerEnvironmentHas(Map.of("ECSA_RECONCILE_SAFE_FIXES", "true", "ECSA_RECONCILE_MEMBERSHIP_FIXES", "false",
                "ECSA_RECONCILE_FIX_BUDGET", "5"));
    }

    private static void reconcilerEnvironmentHas(Map<String, Object> variables) {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", EcsaStack.RECONCILE_HANDLER,
                "Environment", Match.objectLike(Map.of("Variables", Match.objectLike(variables))))));
    }

    @Test
    void theTargetVersionsReachTheReconcilerAndABadOneFailsTheSynth() {
        reconcilerEnvironmentHas(Map.of("ECSA_TARGET_ECS_AGENT_VERSION", "1.90.0",
                "ECSA_TARGET_SSM_AGENT_VERSION", Match.absent()));
        App bad = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("ecsa:targetSsmAgentVersion", "latest")).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EcsaConfig.fromContext(bad.getNode()))
                .hasMessageContaining("target SSM agent version must be two to four dot-separated numbers");
    }

    @Test
    void repairReportsOnlyUnlessConfiguredAndBadRepairSettingsFailTheSynth() {
        reconcilerEnvironmentHas(Map.of("ECSA_REPAIR_QUARANTINE", "false", "ECSA_REPAIR_UNHEALTHY_AFTER_SECONDS", "900",
                "ECSA_REPAIR_MAX_UNHEALTHY_PERCENT", "40"));
        App on = new App(software.amazon.awscdk.AppProps.builder().context(Map.of("ecsa:repairQuarantine", "true",
                "ecsa:repairUnhealthyAfterSeconds", "1800", "ecsa:repairMaxUnhealthyPercent", "25")).build());
        EcsaConfig config = EcsaConfig.fromContext(on.getNode());
        org.assertj.core.api.Assertions.assertThat(List.of(config.repairQuarantine(),
                config.repairUnhealthyAfterSeconds(), config.repairMaxUnhealthyPercent())).containsExactly(true, 1800, 25);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("ecsa:repairUnhealthyAfterSeconds", "10"),
                Map.of("ecsa:repairMaxUnhealthyPercent", "150"))) {
            App app = new App(software.amazon.awscdk.AppProps.builder().context(bad).build());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EcsaConfig.fromContext(app.getNode()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.keySet().iterator().next());
        }
    }

    @Test
    void theOperatorMayWriteTheRepairPauseAndNoOtherItem() {
        template.hasResourceProperties("AWS::IAM::ManagedPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "PauseRepair",
                        "Action", List.of("dynamodb:PutItem", "dynamodb:DeleteItem"),
                        "Condition", Map.of("ForAllValues:StringEquals",
                                Map.of("dynamodb:LeadingKeys", List.of("CONTROL#repairPause"))))))))))));
    }

    @Test
    void reconcileRunsOnTheConfiguredSchedule() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(15 minutes)",
                "State", "ENABLED")));
    }

    @Test
    void alarmsWatchTheDlqErrorsFailuresTimeoutsAndFindings() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 0)));
        for (String metric : List.of("RegistrationFailed", "DrainTimedOut", "DeregistrationFailed",
                "ReconcileFindings", "RolloutsHalted", "EventsUnpublished")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                    "Namespace", EcsaStack.METRIC_NAMESPACE, "MetricName", metric)));
        }
        template.resourcePropertiesCountIs("AWS::CloudWatch::Alarm",
                Match.objectLike(Map.of("MetricName", "Errors", "Namespace", "AWS/Lambda")), 4);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    /** Every service metric an alarm or the dashboard reads is one the functions emit (ServiceMetrics). */
    @Test
    void alarmsAndTheDashboardReadOnlyMetricsTheFunctionsEmit() {
        java.util.Set<String> emitted = new java.util.HashSet<>(dev.ecsa.core.contract.ServiceMetrics.OUTCOMES);
        emitted.add(dev.ecsa.core.contract.ServiceMetrics.RECONCILE_FINDINGS);
        emitted.addAll(dev.ecsa.core.contract.ServiceMetrics.ROLLOUTS);
        emitted.add(dev.ecsa.core.contract.ServiceMetrics.RECONCILE_FIXES);
        emitted.add(dev.ecsa.core.contract.ServiceMetrics.EVENTS_UNPUBLISHED); // EmfOutcomeMetrics.unpublished
        for (dev.ecsa.core.reconcile.FindingType type : dev.ecsa.core.reconcile.FindingType.values()) {
            emitted.add(type.metricName()); // the reconciler's EMF line carries every type's count
        }
        for (var alarm : template.findResources("AWS::CloudWatch::Alarm").values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) alarm.get("Properties");
            if (EcsaStack.METRIC_NAMESPACE.equals(props.get("Namespace"))) {
                assertThat(emitted).as("alarm metric").contains((String) props.get("MetricName"));
            }
        }
        String dashboard = template.findResources("AWS::CloudWatch::Dashboard").values().iterator().next()
                .get("Properties").toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\\\?\"" + EcsaStack.METRIC_NAMESPACE
                + "\\\\?\",\\\\?\"([A-Za-z]+)\\\\?\"").matcher(dashboard);
        int found = 0;
        while (m.find()) {
            assertThat(emitted).as("dashboard metric").contains(m.group(1));
            found++;
        }
        assertThat(found).as("service metrics on the dashboard").isGreaterThanOrEqualTo(5);
        assertThat(dashboard).contains("NodeUnhealthy", "RepairSuspended");
    }

    /** Each function's timeout holds its own budgets, so slow work ends as a recorded failure, not a sandbox kill. */
    @Test
    void theDrainFunctionsTimeoutHoldsTheCleanupsConnectAndCommandBudgets() {
        dev.ecsa.core.deregister.DrainSettings drain = dev.ecsa.core.deregister.DrainSettings.defaults("k");
        Synth synth = Synth.of(Map.of());
        int timeout = ((Number) synth.propertyOf("DrainStep", "Timeout")).intValue();
        assertThat(timeout).isGreaterThanOrEqualTo(Math.toIntExact(drain.connectTimeout().toSeconds()
                + drain.commandTimeout().toSeconds()
                + dev.ecsa.core.contract.FunctionBudgets.AWS_CALL_TIMEOUT.toSeconds()));
        assertThat(timeout).isLessThanOrEqualTo(dev.ecsa.core.contract.FunctionBudgets.LAMBDA_MAX_TIMEOUT_SECONDS);
        assertThat(((Number) synth.propertyOf("NodeRequest", "Timeout")).intValue())
                .isEqualTo(synth.config().registrationBudgetSeconds()
                        + dev.ecsa.core.contract.FunctionBudgets.RECORDING_MARGIN_SECONDS);
    }

    @Test
    void outputsTellOperatorsWhereEverythingIs() {
        for (String output : List.of("QueueUrl", "DlqUrl", "TableName", "StateMachineArn", "ReconcileFunction",
                "DashboardUrl")) {
            assertThat(template.findOutputs(output)).as(output).isNotEmpty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) template.toJSON().get("Outputs");
        assertThat(outputs.values()).as("every output says what it is for")
                .allSatisfy(o -> assertThat((String) o.get("Description")).isNotBlank());
    }

    @Test
    void logsAreKeptAndTheEcsAnywhereRoleTrustsOnlySsm() {
        template.resourcePropertiesCountIs("AWS::Logs::LogGroup",
                Match.objectLike(Map.of("RetentionInDays", 90)), 6);
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "ssm.amazonaws.com")))))))));
    }

    @Test
    void drainWorkflowIsStandardWithLoggingAndTracing() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "StateMachineType", "STANDARD",
                "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL")))));
    }
}
