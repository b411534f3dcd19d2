package dev.ecsa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each function's IAM grants: exactly the actions its code calls, each on a resource of the type AWS authorizes the
 * action on (the Service Authorization Reference, as data). The action lists are the calls the adapters make:
 * {@code SsmHybridActivations}, {@code SsmManagedInstances}, {@code EcsContainerInstances}, {@code DynamoDbNodeStore},
 * {@code SecretsManagerSecretSource}, {@code EventBridgeEventPublisher} and {@code SfnDrainWorkflow}, as each
 * function's use cases reach them; X-Ray's two come with active tracing.
 */
class StackIamTest {

    /** What each function's store calls reach: item reads and updates, creates, queries (DynamoDbNodeStore). */
    private static final Set<String> DRAIN_INVENTORY = Set.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    private static final Set<String> INTAKE_INVENTORY = Set.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem");
    private static final Set<String> RECONCILE_INVENTORY = Set.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:Query");
    private static final Set<String> TRACING = Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords");

    private static Synth synth;

    @BeforeAll
    static void synthesize() {
        synth = Synth.of(Map.of());
    }

    private static Set<String> with(Set<String> inventory, Set<String> own) {
        Set<String> all = new TreeSet<>(own);
        all.addAll(inventory);
        all.addAll(TRACING);
        all.add("events:PutEvents");
        return all;
    }

    @Test
    void theNodeRequestFunctionMayDoWhatARegistrationAndADeregistrationIntakeCall() {
        assertThat(synth.iam().permissionsOf("NodeRequest").keySet()).containsExactlyInAnyOrderElementsOf(with(INTAKE_INVENTORY, Set.of(
                "ssm:CreateActivation", "ssm:DescribeActivations", "ssm:DeleteActivation",
                "ssm:DescribeInstanceInformation", "iam:PassRole", "ecs:ListContainerInstances",
                "ecs:DescribeContainerInstances", "secretsmanager:GetSecretValue", "states:StartExecution",
                "states:DescribeExecution",
                // A resumed registration deregisters the managed instances its earlier deliveries left unused.
                "ssm:DeregisterManagedInstance",
                // A rollout selects nodes by state, and plans its first batch with its nodes' tasks.
                "dynamodb:Query", "ecs:ListTasks", "ecs:DescribeTasks",
                // The event source mapping polls the queue with the function's role (Lambda SQS docs).
                "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl")));
    }

    @Test
    void theRolloutFunctionMayReadTheClustersAndItsRecordAndSendToTheQueueOnly() {
        assertThat(synth.iam().permissionsOf("RolloutStep").keySet()).containsExactlyInAnyOrderElementsOf(Set.of(
                "dynamodb:GetItem", "dynamodb:PutItem", "ecs:ListContainerInstances", "ecs:DescribeContainerInstances",
                "ecs:ListTasks", "ecs:DescribeTasks", "sqs:SendMessage", "events:PutEvents",
                // A long rollout continues in a new execution of its own workflow.
                "states:StartExecution", "xray:PutTraceSegments", "xray:PutTelemetryRecords"));
    }

    @Test
    void theDrainFunctionMayDoWhatTheDrainStepsCallAndNoActivationAction() {
        assertThat(synth.iam().permissionsOf("DrainStep").keySet()).containsExactlyInAnyOrderElementsOf(with(DRAIN_INVENTORY, Set.of(
                "ecs:DescribeContainerInstances", "ecs:UpdateContainerInstancesState", "ecs:ListTasks",
                "ecs:DescribeTasks", "ecs:DeregisterContainerInstance", "ssm:DeregisterManagedInstance",
                // Deregister also removes the node's instances that its record does not name.
                "ssm:DescribeInstanceInformation", "ecs:ListContainerInstances",
                "secretsmanager:GetSecretValue")));
    }

    @Test
    void theReconcileFunctionMayDoWhatTheReconcilerCalls() {
        assertThat(synth.iam().permissionsOf("Reconcile").keySet()).containsExactlyInAnyOrderElementsOf(with(RECONCILE_INVENTORY, Set.of(
                "ssm:DescribeActivations", "ssm:DeleteActivation", "ssm:DescribeInstanceInformation",
                "ssm:DeregisterManagedInstance", "ecs:ListContainerInstances", "ecs:DescribeContainerInstances",
                "ecs:ListTasks", "ecs:DescribeTasks", "ecs:DeregisterContainerInstance",
                // A stuck drain's revert policy sets the container instance ACTIVE again.
                "ecs:UpdateContainerInstancesState",
                "states:DescribeExecution")));
    }

    /** Only Query reads an index; item reads and writes are granted on the table alone. */
    @Test
    void itemActionsAreGrantedOnTheTableAndOnlyQueryOnItsIndexes() {
        var permissions = synth.iam().permissionsOf("Reconcile");
        for (String action : List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")) {
            assertThat(permissions.get(action)).as(action).noneMatch(arn -> arn.contains("/index/"));
        }
        assertThat(permissions.get("dynamodb:Query")).anyMatch(arn -> arn.endsWith("/index/*"));
    }

    /** DeregisterContainerInstance is authorized on the cluster; a grant on container-instance/* is never used. */
    @Test
    void deregisterContainerInstanceIsGrantedOnTheClusterArn() {
        for (String fn : List.of("DrainStep", "Reconcile")) {
            assertThat(synth.iam().permissionsOf(fn).get("ecs:DeregisterContainerInstance")).as(fn)
                    .containsExactly("arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-anywhere");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NodeRequest", "DrainStep", "Reconcile"})
    void everyGrantIsOnAResourceTypeTheActionIsAuthorizedOn(String function) {
        assertThat(TemplateIam.mistypedGrants(synth.iam().grantsOf(function), Synth.IAM_DATA)).isEmpty();
    }

    /** The check itself: the grant this project once made is caught. */
    @Test
    void aDeregistrationGrantedOnContainerInstancesIsCaught() {
        var wrong = new TemplateIam.Grant("Wrong", List.of("ecs:DeregisterContainerInstance"),
                List.of("arn:aws:ecs:eu-west-1:123456789012:container-instance/ecs-anywhere/*"), null);
        assertThat(TemplateIam.mistypedGrants(List.of(wrong), Synth.IAM_DATA)).singleElement().asString()
                .contains("ecs:DeregisterContainerInstance").contains("cluster");
    }

    @Test
    void activationsAreCreatedOnlyWithThisStacksTagAndManagedInstancesDeregisteredOnlyWithIt() {
        for (TemplateIam.Grant g : synth.iam().grantsOf("NodeRequest")) {
            if (g.actions().contains("ssm:CreateActivation")) {
                assertThat(g.condition().toString()).contains("aws:RequestTag/ecsa:stack").contains("EcsaLifecycle");
            }
        }
        for (String fn : List.of("DrainStep", "Reconcile")) {
            for (TemplateIam.Grant g : synth.iam().grantsOf(fn)) {
                if (g.actions().contains("ssm:DeregisterManagedInstance")) {
                    assertThat(g.actions()).containsExactly("ssm:DeregisterManagedInstance");
                    assertThat(g.condition().toString()).contains("ssm:resourceTag/ecsa:stack");
                }
            }
        }
    }
}
