package dev.ecsa.infra;

import java.util.List;
import java.util.Objects;
import software.constructs.Node;

/**
 * Everything a platform team can set with {@code cdk deploy -c key=value} (or in cdk.json), with the defaults
 * the README documents. Read once in the app, passed to the stack; nothing else reads context.
 *
 * @param stackName                 CloudFormation stack name
 * @param clusterName               ECS cluster the nodes join
 * @param createCluster             create the cluster in this stack instead of using an existing one
 * @param ecsAnywhereRoleName       existing IAM role for the hybrid activations; empty = create one
 * @param vpcId                     VPC the functions run in (they must reach the hosts); empty = no VPC
 * @param availabilityZones         AZs of the subnets (needed with vpcId, no lookup at synth time)
 * @param subnetIds                 private subnets with a route to the on-prem network
 * @param securityGroupId           security group allowing SSH out to the hosts; empty = create one
 * @param sshKeySecretArn           Secrets Manager secret holding the SSH private key; empty = create an empty one
 * @param installScriptUrl          where hosts fetch the ECS Anywhere install script
 * @param installScriptSha256       pin for the script (SHA-256); empty = verify its GPG signature instead
 * @param installScriptGpgFingerprint primary key fingerprint the script's signature must verify against
 * @param installScriptGpgKeyUrl      where the functions fetch that key at init (the host checks its fingerprint)
 * @param ecsAgentVersion           ecs-init version passed to --ecs-version; empty = the script's latest
 * @param drainTimeoutSeconds       default drain deadline (per request overridable within bounds)
 * @param drainPollSeconds          wait between drain checks
 * @param onDrainTimeout            default policy at the deadline: revert, force or keep
 * @param reconcileSchedule         EventBridge schedule expression of the reconciler
 * @param reconcileSafeFixes        let the reconciler delete leftover activations and close stuck operations
 * @param reconcileMembershipFixes  let the reconciler deregister orphans (changes fleet membership)
 * @param reconcileFixBudget        at most this many membership fixes per run
 * @param requestRetentionDays      how long request records are kept (DynamoDB TTL)
 * @param eventBusName              bus the service's events go to; "default" = the account's default bus
 * @param registrationBudgetSeconds the time one registration may take, below the function timeout
 * @param functionsZip              path of the Lambda deployment zip built by the functions module
 */
public record EcsaConfig(
        String stackName,
        String clusterName,
        boolean createCluster,
        String ecsAnywhereRoleName,
        String vpcId,
        List<String> availabilityZones,
        List<String> subnetIds,
        String securityGroupId,
        String sshKeySecretArn,
        String installScriptUrl,
        String installScriptSha256,
        String installScriptGpgFingerprint,
        String installScriptGpgKeyUrl,
        String ecsAgentVersion,
        int drainTimeoutSeconds,
        int drainPollSeconds,
        String onDrainTimeout,
        String reconcileSchedule,
        boolean reconcileSafeFixes,
        boolean reconcileMembershipFixes,
        int reconcileFixBudget,
        int requestRetentionDays,
        String eventBusName,
        int registrationBudgetSeconds,
        String functionsZip) {

    /** The pinned primary key fingerprint of "Amazon ECS <ecs-security@amazon.com>" (AWS ECS Anywhere docs). */
    public static final String AWS_ECS_SIGNING_KEY_FINGERPRINT = "F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F";

    public EcsaConfig {
        Objects.requireNonNull(stackName, "stackName");
        if (!List.of("revert", "force", "keep").contains(onDrainTimeout)) {
            throw new IllegalArgumentException("ecsa:onDrainTimeout must be revert, force or keep, not " + onDrainTimeout);
        }
        if (drainTimeoutSeconds < 60 || drainTimeoutSeconds > 3600) {
            throw new IllegalArgumentException("ecsa:drainTimeoutSeconds must be 60-3600");
        }
        if (drainPollSeconds < 5 || drainPollSeconds > 300) {
            throw new IllegalArgumentException("ecsa:drainPollSeconds must be 5-300");
        }
        if (reconcileFixBudget < 0 || reconcileFixBudget > 100) {
            throw new IllegalArgumentException("ecsa:reconcileFixBudget must be 0-100");
        }
        if (registrationBudgetSeconds < 120 || registrationBudgetSeconds > 840) {
            // Lambda's hard limit is 900 s; the function keeps 60 s to record the outcome and clean up.
            throw new IllegalArgumentException("ecsa:registrationBudgetSeconds must be 120-840");
        }
        if (!vpcId.isEmpty() && (subnetIds.isEmpty() || availabilityZones.size() != subnetIds.size())) {
            throw new IllegalArgumentException(
                    "ecsa:vpcId needs ecsa:subnetIds and ecsa:availabilityZones (one AZ per subnet, same order)");
        }
        availabilityZones = List.copyOf(availabilityZones);
        subnetIds = List.copyOf(subnetIds);
    }

    /** Reads the {@code ecsa:*} context keys of the app, falling back to the documented defaults. */
    public static EcsaConfig fromContext(Node node) {
        return new EcsaConfig(
                text(node, "ecsa:stackName", "EcsaLifecycle"),
                text(node, "ecsa:clusterName", "ecs-anywhere"),
                Boolean.parseBoolean(text(node, "ecsa:createCluster", "false")),
                text(node, "ecsa:ecsAnywhereRoleName", ""),
                text(node, "ecsa:vpcId", ""),
                list(node, "ecsa:availabilityZones"),
                list(node, "ecsa:subnetIds"),
                text(node, "ecsa:securityGroupId", ""),
                text(node, "ecsa:sshKeySecretArn", ""),
                text(node, "ecsa:installScriptUrl", "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh"),
                text(node, "ecsa:installScriptSha256", ""),
                text(node, "ecsa:installScriptGpgFingerprint", AWS_ECS_SIGNING_KEY_FINGERPRINT),
                text(node, "ecsa:installScriptGpgKeyUrl",
                        "https://raw.githubusercontent.com/aws/amazon-ecs-agent/master/scripts/amazon-ecs-agent.gpg"),
                text(node, "ecsa:ecsAgentVersion", ""),
                Integer.parseInt(text(node, "ecsa:drainTimeoutSeconds", "600")),
                Integer.parseInt(text(node, "ecsa:drainPollSeconds", "15")),
                text(node, "ecsa:onDrainTimeout", "revert"),
                text(node, "ecsa:reconcileSchedule", "rate(15 minutes)"),
                Boolean.parseBoolean(text(node, "ecsa:reconcileSafeFixes", "true")),
                Boolean.parseBoolean(text(node, "ecsa:reconcileMembershipFixes", "false")),
                Integer.parseInt(text(node, "ecsa:reconcileFixBudget", "5")),
                Integer.parseInt(text(node, "ecsa:requestRetentionDays", "90")),
                text(node, "ecsa:eventBusName", "default"),
                Integer.parseInt(text(node, "ecsa:registrationBudgetSeconds", "720")),
                text(node, "ecsa:functionsZip", "functions/target/ecsa-functions-lambda.zip"));
    }

    private static String text(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null ? fallback : value.toString().trim();
    }

    private static List<String> list(Node node, String key) {
        Object value = node.tryGetContext(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(Object::toString).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return List.of(value.toString().split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
