package dev.ecsa.local.mode;

import dev.ecsa.functions.FunctionsConfig;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.dynamo.DynamoDbNodeStore;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.Bench;
import java.time.Clock;
import java.time.Duration;

/**
 * The production adapter of every port, built once by {@link LocalMode} and pointed at the bench: what a composition
 * root needs to build the functions' dependencies (the node-request function's intake, the reconciler).
 *
 * @param config       the functions' configuration, as the stack would set it, with the local endpoints and pins
 * @param drainTimeout the default drain deadline (shorter than the stack's bounds allow, so demos take seconds)
 * @param maxReceives  the node-request queue's maxReceiveCount
 * @param bench        the bench itself (simulated hosts, the install-script pins); for wiring, not for the functions
 */
public record LocalAdapters(FunctionsConfig config, DynamoDbNodeStore store, SsmHybridActivations activations,
                            SsmManagedInstances managedInstances, EcsContainerInstances containerInstances,
                            SshjRemoteHost remoteHost, SecretsManagerSecretSource secrets,
                            EventBridgeEventPublisher events, SfnDrainWorkflow drainWorkflow, Clock clock,
                            Duration drainTimeout, int maxReceives, Bench bench) {
}
