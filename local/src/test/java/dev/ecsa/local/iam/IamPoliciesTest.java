package dev.ecsa.local.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench's IAM evaluation on the synthesized template's policies. */
class IamPoliciesTest {

    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";
    private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/ecs-anywhere";
    private static JsonNode template;

    @BeforeAll
    static void load() throws Exception {
        Path root = Path.of(System.getProperty("ecsa.repo.root", "..")).toAbsolutePath().normalize();
        template = new ObjectMapper().readTree(Files.readString(root.resolve("infra-cdk/target/stack.template.json")));
    }

    private static IamPolicies policies(JsonNode t) {
        return new IamPolicies(t, REGION, ACCOUNT, ref -> ref.endsWith(".Arn")
                ? "arn:aws:iam::" + ACCOUNT + ":role/" + ref.substring(0, ref.indexOf('.')) : ref);
    }

    private static String roleOf(String functionPrefix) {
        for (var e : template.path("Resources").properties()) {
            if (e.getKey().startsWith(functionPrefix) && e.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                return e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            }
        }
        throw new AssertionError(functionPrefix);
    }

    @Test
    void theDrainRoleMayDeregisterContainerInstancesOnTheClusterAndNothingElse() {
        IamPolicies iam = policies(template);
        String drain = roleOf("DrainStep");

        assertThat(iam.allows(drain, "ecs:DeregisterContainerInstance", CLUSTER, Map.of())).isTrue();
        assertThat(iam.allows(drain, "ecs:DeregisterContainerInstance",
                "arn:aws:ecs:us-east-1:123456789012:cluster/someone-elses", Map.of())).isFalse();
        assertThat(iam.allows(drain, "ssm:CreateActivation", "*", Map.of())).isFalse();
    }

    /** The grant this project once made (on container-instance/*) denies every deregistration on the bench. */
    @Test
    void aDeregistrationGrantedOnContainerInstancesIsDeniedOnTheCluster() {
        String text = template.toString().replace(
                ":cluster/ecs-anywhere\"]]}", ":container-instance/ecs-anywhere/*\"]]}");
        JsonNode mutated;
        try {
            mutated = new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(policies(mutated).allows(roleOf("DrainStep"), "ecs:DeregisterContainerInstance", CLUSTER,
                Map.of())).isFalse();
    }

    @Test
    void activationsNeedThisStacksTagAndTheRoleMayBePassedOnlyToSsm() {
        IamPolicies iam = policies(template);
        String intake = roleOf("NodeRequest");
        String role = "arn:aws:iam::" + ACCOUNT + ":role/" + template.path("Resources").properties().stream()
                .filter(e -> e.getKey().startsWith("EcsAnywhereRole")).findFirst().orElseThrow().getKey();

        assertThat(iam.allows(intake, "ssm:CreateActivation", "*",
                Map.of("aws:requesttag/ecsa:stack", "EcsaLifecycle"))).isTrue();
        assertThat(iam.allows(intake, "ssm:CreateActivation", "*", Map.of())).isFalse();
        assertThat(iam.allows(intake, "ssm:CreateActivation", "*",
                Map.of("aws:requesttag/ecsa:stack", "OtherStack"))).isFalse();
        assertThat(iam.allows(intake, "iam:PassRole", role, Map.of("iam:passedtoservice", "ssm.amazonaws.com")))
                .isTrue();
        assertThat(iam.allows(intake, "iam:PassRole", role, Map.of("iam:passedtoservice", "ec2.amazonaws.com")))
                .isFalse();
    }
}
