package dev.ecsa.functions;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' settings, read once at init from the environment the CDK stack sets (see EcsaStack). Every
 * variable has a default that suits the local mode, except the ones a deployment must set.
 *
 * @param stackName            stack name, also the value of the {@code ecsa:stack} tag on activations
 * @param tableName            DynamoDB inventory table
 * @param cluster              default ECS cluster for requests that name none
 * @param eventBus             EventBridge bus name
 * @param sshKeySecret         Secrets Manager secret id holding the SSH private key
 * @param ecsAnywhereRole      IAM role name passed to SSM CreateActivation
 * @param installScriptUrl     where hosts fetch the install script
 * @param installScriptSha256  pin by SHA-256 (empty = use the GPG fingerprint)
 * @param installScriptGpgFingerprint pin by signing key
 * @param installScriptGpgKeyUrl      where the signing key's armored text is fetched at init (its fingerprint is
 *                                    checked against the pin on the host, so the download needs no trust)
 * @param ecsAgentVersion      --ecs-version, empty = latest
 * @param registrationBudget   time budget of one registration
 * @param drainTimeout         default drain deadline
 * @param drainPoll            wait between drain checks
 * @param onDrainTimeout       default timeout policy name
 * @param drainStateMachineArn the drain workflow
 * @param requestRetention     how long request records are kept
 * @param maxReceives          the queue's maxReceiveCount: the delivery with this count is the last one
 */
public record FunctionsConfig(
        String stackName,
        String tableName,
        String cluster,
        String eventBus,
        String sshKeySecret,
        String ecsAnywhereRole,
        String installScriptUrl,
        String installScriptSha256,
        String installScriptGpgFingerprint,
        String installScriptGpgKeyUrl,
        String ecsAgentVersion,
        Duration registrationBudget,
        Duration drainTimeout,
        Duration drainPoll,
        String onDrainTimeout,
        String drainStateMachineArn,
        Duration requestRetention,
        int maxReceives) {

    /** Reads the configuration from {@code env} (the process environment in Lambda). */
    public static FunctionsConfig from(Map<String, String> env) {
        return new FunctionsConfig(
                get(env, "ECSA_STACK_NAME").orElse("EcsaLifecycle"),
                get(env, "ECSA_TABLE_NAME").orElse("ecsa-inventory"),
                get(env, "ECSA_CLUSTER").orElse("ecs-anywhere"),
                get(env, "ECSA_EVENT_BUS").orElse("default"),
                get(env, "ECSA_SSH_KEY_SECRET").orElse("ecsa/ssh-private-key"),
                get(env, "ECSA_ECS_ANYWHERE_ROLE").orElse("ecsAnywhereRole"),
                get(env, "ECSA_INSTALL_SCRIPT_URL")
                        .orElse("https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh"),
                get(env, "ECSA_INSTALL_SCRIPT_SHA256").orElse(""),
                get(env, "ECSA_INSTALL_SCRIPT_GPG_FINGERPRINT").orElse("F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F"),
                // The key the install script itself uses for the packages (REFERENCE.md 2.5).
                get(env, "ECSA_INSTALL_SCRIPT_GPG_KEY_URL").orElse(
                        "https://raw.githubusercontent.com/aws/amazon-ecs-agent/master/scripts/amazon-ecs-agent.gpg"),
                get(env, "ECSA_ECS_AGENT_VERSION").orElse(""),
                Duration.ofSeconds(Long.parseLong(get(env, "ECSA_REGISTRATION_BUDGET_SECONDS").orElse("720"))),
                Duration.ofSeconds(Long.parseLong(get(env, "ECSA_DRAIN_TIMEOUT_SECONDS").orElse("600"))),
                Duration.ofSeconds(Long.parseLong(get(env, "ECSA_DRAIN_POLL_SECONDS").orElse("15"))),
                get(env, "ECSA_ON_DRAIN_TIMEOUT").orElse("revert"),
                get(env, "ECSA_DRAIN_STATE_MACHINE_ARN").orElse(""),
                Duration.ofDays(Long.parseLong(get(env, "ECSA_REQUEST_RETENTION_DAYS").orElse("90"))),
                Integer.parseInt(get(env, "ECSA_MAX_RECEIVES").orElse("5")));
    }

    private static Optional<String> get(Map<String, String> env, String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
