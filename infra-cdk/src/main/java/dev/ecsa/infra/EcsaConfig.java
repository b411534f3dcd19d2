package dev.ecsa.infra;

import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.reconcile.RepairSettings;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.validation.FieldRules;
import java.util.List;
import java.util.Objects;
import software.constructs.Node;

/**
 * Everything a platform team can set with {@code cdk deploy -c key=value} (or in cdk.json), with the defaults
 * the README documents. Read once in the app, passed to the stack; nothing else reads context.
 *
 * @param stackName                 CloudFormation stack name
 * @param clusterName               ECS cluster the nodes join when a request names none
 * @param additionalClusterNames    further clusters requests may name; IAM and the reconciler cover exactly these and
 *                                  {@code clusterName}
 * @param createCluster             create the cluster in this stack instead of using an existing one
 * @param ecsAnywhereRoleArn        existing IAM role for the hybrid activations (its ARN keeps its path); empty =
 *                                  create one
 * @param vpcId                     VPC the functions run in (they must reach the hosts); empty = no VPC
 * @param availabilityZones         AZs of the subnets (needed with vpcId, no lookup at synth time)
 * @param subnetIds                 private subnets with a route to the on-prem network
 * @param securityGroupId           security group allowing SSH out to the hosts; empty = create one
 * @param sshKeySecretArn           Secrets Manager secret holding the SSH private key; empty = create an empty one
 * @param installScriptUrl          where hosts fetch the ECS Anywhere install script
 * @param installScriptSha256       pin for the script (SHA-256); empty = verify its GPG signature instead
 * @param installScriptGpgFingerprint primary key fingerprint the script's signature must verify against
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
 * @param maxConcurrency            node requests handled at once at most (the event source mapping's maximum
 *                                  concurrency, 2-1000, and the node-request function's reserved concurrency); FIFO
 *                                  order keeps one request per node in flight whatever this is
 * @param alarmTopic                where alarms notify: empty = nowhere, {@code create} = a new SNS topic, or an SNS
 *                                  topic ARN
 * @param functionsZip              path of the Lambda deployment zip built by the functions module
 * @param targetEcsAgentVersion     the ECS agent version the fleet should run (the reconciler reports nodes behind it);
 *                                  empty = no target
 * @param targetSsmAgentVersion     the same for the SSM agent
 * @param repairUnhealthyAfterSeconds the repair's debounce: a node is unhealthy once every reconcile run for this long
 *                                  found an agent disconnected (60-86400)
 * @param repairQuarantine          let the repair quarantine unhealthy nodes (DRAINING, node DRAIN_KEPT); off = report
 * @param repairMaxUnhealthyPercent repair acts in a cluster only while at most this share of its nodes is unhealthy
 * @param repairRestart             let the repair send a restart request for an unhealthy node (once per streak)
 * @param repairStepAfterSeconds    how long after the quarantine the restart is due (0-86400)
 * @param agentPackageUrl           where upgrades fetch agent packages: empty = AWS's regional buckets, or a mirror
 *                                  with their layout
 * @param agentPackageSigningKey    a mirror's signing keys: base64 of an armored key block (empty = the keys shipped
 *                                  in the zip)
 * @param agentPackageKeyFingerprints the primary fingerprints of that block, space-separated
 * @param repairReregister          the repair's last resort: re-register a node whose agents stayed unhealthy after
 *                                  their restart (needs {@code repairRestart})
 * @param changeCalendars           the SSM Change Calendars (document names) rollouts may wait on; the functions may
 *                                  read exactly these (empty: none, and a rollout naming one is refused)
 */
public record EcsaConfig(
        String stackName,
        String clusterName,
        List<String> additionalClusterNames,
        boolean createCluster,
        String ecsAnywhereRoleArn,
        String vpcId,
        List<String> availabilityZones,
        List<String> subnetIds,
        String securityGroupId,
        String sshKeySecretArn,
        String installScriptUrl,
        String installScriptSha256,
        String installScriptGpgFingerprint,
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
        int maxConcurrency,
        String alarmTopic,
        String functionsZip,
        String targetEcsAgentVersion,
        String targetSsmAgentVersion,
        int repairUnhealthyAfterSeconds,
        boolean repairQuarantine,
        int repairMaxUnhealthyPercent,
        boolean repairRestart,
        int repairStepAfterSeconds,
        String agentPackageUrl,
        String agentPackageSigningKey,
        String agentPackageKeyFingerprints,
        boolean repairReregister,
        List<String> changeCalendars) {

    /** The pinned primary key fingerprint of "Amazon ECS <ecs-security@amazon.com>" (AWS ECS Anywhere docs). */
    public static final String AWS_ECS_SIGNING_KEY_FINGERPRINT = "F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F";

    private static final java.util.regex.Pattern ROLE_ARN =
            java.util.regex.Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\x21-\\x7e]+/)?[\\w+=,.@-]{1,64}$");

    public EcsaConfig {
        Objects.requireNonNull(stackName, "stackName");
        if (!List.of("revert", "force", "keep").contains(onDrainTimeout)) {
            throw new IllegalArgumentException("ecsa:onDrainTimeout must be revert, force or keep, not " + onDrainTimeout);
        }
        if (drainTimeoutSeconds < FieldRules.MIN_DRAIN_TIMEOUT_SECONDS
                || drainTimeoutSeconds > FieldRules.MAX_DRAIN_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("ecsa:drainTimeoutSeconds must be " + FieldRules.MIN_DRAIN_TIMEOUT_SECONDS
                    + "-" + FieldRules.MAX_DRAIN_TIMEOUT_SECONDS);
        }
        if (drainPollSeconds < FunctionBudgets.MIN_DRAIN_POLL_SECONDS
                || drainPollSeconds > FunctionBudgets.MAX_DRAIN_POLL_SECONDS) {
            throw new IllegalArgumentException("ecsa:drainPollSeconds must be " + FunctionBudgets.MIN_DRAIN_POLL_SECONDS
                    + "-" + FunctionBudgets.MAX_DRAIN_POLL_SECONDS);
        }
        if (reconcileFixBudget < 0 || reconcileFixBudget > 100) {
            throw new IllegalArgumentException("ecsa:reconcileFixBudget must be 0-100");
        }
        long minBudget = RegistrationSettings.MIN_BUDGET.toSeconds();
        if (registrationBudgetSeconds < minBudget || registrationBudgetSeconds > 840) {
            // Lambda's hard limit is 900 s; the function keeps 60 s to record the outcome and clean up. Below the
            // minimum, a registration never gets as far as the host (the bootstrap needs 2 min, verifying 90 s).
            throw new IllegalArgumentException("ecsa:registrationBudgetSeconds must be " + minBudget + "-840");
        }
        if (maxConcurrency < 2 || maxConcurrency > 1000) {
            // The event source mapping's ScalingConfig.MaximumConcurrency range.
            throw new IllegalArgumentException("ecsa:maxConcurrency must be 2-1000");
        }
        if (!vpcId.isEmpty() && (subnetIds.isEmpty() || availabilityZones.size() != subnetIds.size())) {
            throw new IllegalArgumentException(
                    "ecsa:vpcId needs ecsa:subnetIds and ecsa:availabilityZones (one AZ per subnet, same order)");
        }
        if (!ecsAnywhereRoleArn.isEmpty() && !ROLE_ARN.matcher(ecsAnywhereRoleArn).matches()) {
            throw new IllegalArgumentException("ecsa:ecsAnywhereRoleArn must be an IAM role ARN "
                    + "(arn:aws:iam::123456789012:role/[path/]name), not " + ecsAnywhereRoleArn);
        }
        if (!alarmTopic.isEmpty() && !alarmTopic.equals("create") && !alarmTopic.startsWith("arn:")) {
            throw new IllegalArgumentException("ecsa:alarmTopic must be empty, 'create' or an SNS topic ARN");
        }
        // The same rule the reconciler applies: a bad target fails the synth, not the first reconcile.
        new dev.ecsa.core.model.TargetVersions(emptyToNull(targetEcsAgentVersion), emptyToNull(targetSsmAgentVersion));
        if (!agentPackageUrl.isEmpty()
                && !agentPackageUrl.matches("https?://[A-Za-z0-9.:\\[\\]_-]+(/[A-Za-z0-9._~/-]*)?")) {
            throw new IllegalArgumentException("ecsa:agentPackageUrl must be an http(s) URL without query, not "
                    + agentPackageUrl);
        }
        if (repairReregister && !repairRestart) {
            throw new IllegalArgumentException("ecsa:repairReregister is the step after the restart: it needs "
                    + "ecsa:repairRestart=true");
        }
        if (agentPackageSigningKey.isEmpty() != agentPackageKeyFingerprints.isEmpty()) {
            throw new IllegalArgumentException("ecsa:agentPackageSigningKey and ecsa:agentPackageKeyFingerprints "
                    + "go together: a mirror's key block and the fingerprints of its primary keys");
        }
        if (repairUnhealthyAfterSeconds < 60 || repairUnhealthyAfterSeconds > 86_400) {
            throw new IllegalArgumentException("ecsa:repairUnhealthyAfterSeconds must be 60-86400 (a minute to a day)");
        }
        if (repairStepAfterSeconds < 0 || repairStepAfterSeconds > 86_400) {
            throw new IllegalArgumentException("ecsa:repairStepAfterSeconds must be 0-86400 (up to a day)");
        }
        if (repairMaxUnhealthyPercent < 0 || repairMaxUnhealthyPercent > 100) {
            throw new IllegalArgumentException("ecsa:repairMaxUnhealthyPercent must be 0-100");
        }
        if (additionalClusterNames.contains(clusterName)) {
            throw new IllegalArgumentException("ecsa:additionalClusterNames repeats ecsa:clusterName " + clusterName);
        }
        additionalClusterNames = List.copyOf(additionalClusterNames);
        changeCalendars = List.copyOf(changeCalendars);
        for (String calendar : changeCalendars) {
            if (!calendar.matches("[a-zA-Z0-9_.-]{3,128}")) {
                throw new IllegalArgumentException("ecsa:changeCalendars names SSM documents: 3 to 128 letters, "
                        + "digits, '_', '.' or '-'");
            }
        }
        availabilityZones = List.copyOf(availabilityZones);
        subnetIds = List.copyOf(subnetIds);
    }

    /** Reads the {@code ecsa:*} context keys of the app, falling back to the documented defaults. */
    public static EcsaConfig fromContext(Node node) {
        if (node.tryGetContext("ecsa:ecsAnywhereRoleName") != null) {
            throw new IllegalArgumentException("ecsa:ecsAnywhereRoleName was replaced by ecsa:ecsAnywhereRoleArn "
                    + "(the ARN keeps the role's path, which SSM and iam:PassRole need)");
        }
        return new EcsaConfig(
                text(node, "ecsa:stackName", "EcsaLifecycle"),
                text(node, "ecsa:clusterName", "ecs-anywhere"),
                list(node, "ecsa:additionalClusterNames"),
                Boolean.parseBoolean(text(node, "ecsa:createCluster", "false")),
                text(node, "ecsa:ecsAnywhereRoleArn", ""),
                text(node, "ecsa:vpcId", ""),
                list(node, "ecsa:availabilityZones"),
                list(node, "ecsa:subnetIds"),
                text(node, "ecsa:securityGroupId", ""),
                text(node, "ecsa:sshKeySecretArn", ""),
                text(node, "ecsa:installScriptUrl", "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh"),
                text(node, "ecsa:installScriptSha256", ""),
                text(node, "ecsa:installScriptGpgFingerprint", AWS_ECS_SIGNING_KEY_FINGERPRINT),
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
                Integer.parseInt(text(node, "ecsa:maxConcurrency", "20")),
                text(node, "ecsa:alarmTopic", ""),
                text(node, "ecsa:functionsZip", "functions/target/ecsa-functions-lambda.zip"),
                text(node, "ecsa:targetEcsAgentVersion", ""),
                text(node, "ecsa:targetSsmAgentVersion", ""),
                Integer.parseInt(text(node, "ecsa:repairUnhealthyAfterSeconds",
                        String.valueOf(RepairSettings.DEFAULT_UNHEALTHY_AFTER.toSeconds()))),
                Boolean.parseBoolean(text(node, "ecsa:repairQuarantine", "false")),
                Integer.parseInt(text(node, "ecsa:repairMaxUnhealthyPercent",
                        String.valueOf(RepairSettings.DEFAULT_MAX_UNHEALTHY_PERCENT))),
                Boolean.parseBoolean(text(node, "ecsa:repairRestart", "false")),
                Integer.parseInt(text(node, "ecsa:repairStepAfterSeconds",
                        String.valueOf(RepairSettings.DEFAULT_STEP_AFTER.toSeconds()))),
                text(node, "ecsa:agentPackageUrl", ""),
                text(node, "ecsa:agentPackageSigningKey", ""),
                text(node, "ecsa:agentPackageKeyFingerprints", ""),
                Boolean.parseBoolean(text(node, "ecsa:repairReregister", "false")),
                list(node, "ecsa:changeCalendars"));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Every cluster the stack manages, the default first. */
    public List<String> clusterNames() {
        List<String> all = new java.util.ArrayList<>();
        all.add(clusterName);
        all.addAll(additionalClusterNames);
        return List.copyOf(all);
    }

    /**
     * The ECS Anywhere role as SSM CreateActivation takes it: the role's path (without its leading slash) and name,
     * e.g. {@code service-role/ecsAnywhereRole}; empty when the stack creates the role.
     */
    public String ecsAnywhereRolePathAndName() {
        return ecsAnywhereRoleArn.isEmpty() ? "" : ecsAnywhereRoleArn.substring(ecsAnywhereRoleArn.indexOf(":role/") + 6);
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
