package dev.ecsa.cli;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One deployment of the service as the CLI sees it: the region, the queue, the table and the state machine, and the
 * endpoint of each AWS service when it is not AWS itself (the local mode). Fields a command does not need may be
 * absent; {@link #queueUrl()} and friends fail with a usage message when the command needs them.
 *
 * @param description  where the values came from, for messages ("local mode (pid 4242)", "stack ecsa-prod")
 * @param local        whether this is the local mode (dummy credentials; simulated hosts known by name)
 * @param endpoints    per service ({@code sqs}, {@code dynamodb}, {@code stepfunctions}, {@code cloudformation}),
 *                     or {@code *} for all; empty for AWS
 * @param profile      the AWS named profile for credentials, or {@code null} for the default chain
 * @param hosts        the local mode's simulated hosts by nodeId, so {@code register node-1} needs no address
 */
public record Backend(String description, boolean local, String region, String profile, Map<String, URI> endpoints,
                      String queueUrlOrNull, String dlqUrlOrNull, String tableOrNull, String stateMachineArnOrNull,
                      String reconcileFunctionOrNull, Map<String, LocalHost> hosts) {

    /** A simulated host of the local mode: what a registration needs to reach it. */
    public record LocalHost(String nodeId, String address, int port, String sshUser, String hostKeyFingerprint) {
    }

    public Backend {
        endpoints = Map.copyOf(endpoints);
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts)); // in the state file's order
    }

    /** The endpoint override for {@code service}, if any. */
    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.getOrDefault(service, endpoints.get("*")));
    }

    public String queueUrl() {
        return require(queueUrlOrNull, "the node-request queue's URL", "--queue-url");
    }

    public String table() {
        return require(tableOrNull, "the inventory table's name", "--table");
    }

    public String stateMachineArn() {
        return require(stateMachineArnOrNull, "the drain workflow's ARN", "--state-machine-arn");
    }

    /** The reconcile function's name (stack output ReconcileFunction), for {@code ecsa reconcile --now}. */
    public String reconcileFunction() {
        if (reconcileFunctionOrNull == null || reconcileFunctionOrNull.isBlank()) {
            throw CliException.usage(description + " does not say its reconcile function: give --stack (a stack "
                    + "deployed from this version has the output ReconcileFunction) or run the local mode");
        }
        return reconcileFunctionOrNull;
    }

    private String require(String value, String what, String option) {
        if (value == null || value.isBlank()) {
            throw CliException.usage(description + " does not say " + what + ": give " + option + " or --stack");
        }
        return value;
    }
}
