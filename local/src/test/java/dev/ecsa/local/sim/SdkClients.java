package dev.ecsa.local.sim;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Unmodified SDK v2 clients pointed at the simulator, as the production adapters are built. */
final class SdkClients {

    /** Attempts per call (first try + retries), fixed so tests can count the retries. */
    static final int MAX_ATTEMPTS = 3;

    private SdkClients() {
    }

    static SsmClient ssm(ControlPlaneSimulator sim) {
        return configure(SsmClient.builder(), sim.endpoint()).build();
    }

    static EcsClient ecs(ControlPlaneSimulator sim) {
        return configure(EcsClient.builder(), sim.endpoint()).build();
    }

    static SecretsManagerClient secrets(ControlPlaneSimulator sim) {
        return configure(SecretsManagerClient.builder(), sim.endpoint()).build();
    }

    static EventBridgeClient events(ControlPlaneSimulator sim) {
        return configure(EventBridgeClient.builder(), sim.endpoint()).build();
    }

    private static <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSIMULATOR", "dummy-secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // The standard strategy, without waiting between attempts, so the retry tests stay fast.
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .backoffStrategy(BackoffStrategy.retryImmediately())
                                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                                .circuitBreakerEnabled(false)
                                .build())
                        .build());
    }
}
