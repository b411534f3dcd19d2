package dev.ecsa.functions;

import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.fleet.RolloutStepper;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' settings, read once at init from the environment the CDK stack sets (see EcsaStack). Every
 * variable has a default that suits the local mode, except the ones a deployment must set.
 *
 * @param stackName            stack name, also the value of the {@code ecsa:stack} tag on activations
 * @param tableName            DynamoDB inventory table
 * @param cluster              default ECS cluster for requests that name none
 * @param clusters             every cluster the stack manages, the default first (requests may name only these)
 * @param eventBus             EventBridge bus name
 * @param sshKeySecret         Secrets Manager secret id holding the SSH private key
 * @param ecsAnywhereRole      IAM role passed to SSM CreateActivation: its name, after its path if it has one
 * @param installScriptUrl     where hosts fetch the install script
 * @param installScriptSha256  pin by SHA-256 (empty = use the GPG fingerprint)
 * @param installScriptGpgFingerprint pin by signing key
 * @param ecsAgentVersion      --ecs-version, empty = latest
 * @param registrationBudget   time budget of one registration
 * @param drainTimeout         default drain deadline
 * @param drainPoll            wait between drain checks
 * @param onDrainTimeout       default timeout policy name
 * @param drainStateMachineArn the drain workflow
 * @param requestRetention     how long request records are kept
 * @param maxReceives          the queue's maxReceiveCount: the delivery with this count is the last one
 * @param targets              the agent versions an upgrade reaches when its request names none
 * @param agentPackageUrl      where upgrades fetch agent packages (empty = AWS's regional buckets)
 * @param agentPackageKey      base64 of the armored key block a mirror's packages are signed with (empty = the keys
 *                             shipped in the zip)
 * @param agentPackageKeyFingerprints the primary keys of that block, space-separated
 * @param rolloutStateMachineArn the rollout workflow (the node-request function starts it), or empty
 * @param requestQueueUrl      the node-request queue (the rollout steps send each node's request there), or empty
 * @param changeCalendars      the SSM Change Calendars rollouts may wait on (the stack grants reading exactly these)
 * @param rolloutStepsPerExecution steps one rollout execution takes before a new one continues it
 */
public record FunctionsConfig(
        String stackName,
        String tableName,
        String cluster,
        List<String> clusters,
        String eventBus,
        String sshKeySecret,
        String ecsAnywhereRole,
        String installScriptUrl,
        String installScriptSha256,
        String installScriptGpgFingerprint,
        String ecsAgentVersion,
        Duration registrationBudget,
        Duration drainTimeout,
        Duration drainPoll,
        String onDrainTimeout,
        String drainStateMachineArn,
        Duration requestRetention,
        int maxReceives,
        TargetVersions targets,
        String agentPackageUrl,
        String agentPackageKey,
        String agentPackageKeyFingerprints,
        String rolloutStateMachineArn,
        String requestQueueUrl,
        List<String> changeCalendars,
        int rolloutStepsPerExecution) {

    public FunctionsConfig {
        clusters = List.copyOf(clusters);
        changeCalendars = List.copyOf(changeCalendars);
        if (clusters.isEmpty() || !clusters.get(0).equals(cluster)) {
            throw new IllegalArgumentException("the managed clusters must start with the default cluster " + cluster);
        }
    }

    /** Reads the configuration from {@code env} (the process environment in Lambda). */
    public static FunctionsConfig from(Map<String, String> env) {
        String cluster = get(env, FunctionEnvironment.CLUSTER).orElse("ecs-anywhere");
        Set<String> clusters = new LinkedHashSet<>();
        clusters.add(cluster);
        get(env, FunctionEnvironment.CLUSTERS).ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(c -> !c.isEmpty()).forEach(clusters::add));
        return new FunctionsConfig(
                get(env, FunctionEnvironment.STACK_NAME).orElse("EcsaLifecycle"),
                get(env, FunctionEnvironment.TABLE_NAME).orElse("ecsa-inventory"),
                cluster,
                List.copyOf(clusters),
                get(env, FunctionEnvironment.EVENT_BUS).orElse("default"),
                get(env, FunctionEnvironment.SSH_KEY_SECRET).orElse("ecsa/ssh-private-key"),
                get(env, FunctionEnvironment.ECS_ANYWHERE_ROLE).orElse("ecsAnywhereRole"),
                get(env, FunctionEnvironment.INSTALL_SCRIPT_URL)
                        .orElse("https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh"),
                get(env, FunctionEnvironment.INSTALL_SCRIPT_SHA256).orElse(""),
                get(env, FunctionEnvironment.INSTALL_SCRIPT_GPG_FINGERPRINT)
                        .orElse("F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F"),
                get(env, FunctionEnvironment.ECS_AGENT_VERSION).orElse(""),
                Duration.ofSeconds(Long.parseLong(
                        get(env, FunctionEnvironment.REGISTRATION_BUDGET_SECONDS).orElse("720"))),
                Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.DRAIN_TIMEOUT_SECONDS).orElse("600"))),
                Duration.ofSeconds(Long.parseLong(get(env, FunctionEnvironment.DRAIN_POLL_SECONDS).orElse("15"))),
                get(env, FunctionEnvironment.ON_DRAIN_TIMEOUT).orElse("revert"),
                get(env, FunctionEnvironment.DRAIN_STATE_MACHINE_ARN).orElse(""),
                Duration.ofDays(Long.parseLong(get(env, FunctionEnvironment.REQUEST_RETENTION_DAYS).orElse("90"))),
                Integer.parseInt(get(env, FunctionEnvironment.MAX_RECEIVES).orElse("5")),
                new TargetVersions(get(env, FunctionEnvironment.TARGET_ECS_AGENT_VERSION).orElse(null),
                        get(env, FunctionEnvironment.TARGET_SSM_AGENT_VERSION).orElse(null)),
                get(env, FunctionEnvironment.AGENT_PACKAGE_URL).orElse(""),
                get(env, FunctionEnvironment.AGENT_PACKAGE_SIGNING_KEY).orElse(""),
                get(env, FunctionEnvironment.AGENT_PACKAGE_KEY_FINGERPRINTS).orElse(""),
                get(env, FunctionEnvironment.ROLLOUT_STATE_MACHINE_ARN).orElse(""),
                get(env, FunctionEnvironment.REQUEST_QUEUE_URL).orElse(""),
                get(env, FunctionEnvironment.CHANGE_CALENDARS).map(list -> Arrays.stream(list.split(","))
                        .map(String::trim).filter(c -> !c.isEmpty()).toList()).orElse(List.of()),
                Integer.parseInt(get(env, FunctionEnvironment.ROLLOUT_STEPS_PER_EXECUTION)
                        .orElse(Integer.toString(RolloutStepper.DEFAULT_STEPS_PER_EXECUTION))));
    }

    private static Optional<String> get(Map<String, String> env, String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
