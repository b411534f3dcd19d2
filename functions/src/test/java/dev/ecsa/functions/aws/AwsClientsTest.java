package dev.ecsa.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

    private final AwsClients.Settings settings = AwsClients.Settings.aws(Region.EU_WEST_1)
            .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local")))
            .withEndpoint(URI.create("http://127.0.0.1:4566"))
            .withMaxAttempts(4);

    @Test
    void buildsEachClientOnceWithRegionEndpointAndRetryAttempts() {
        try (AwsClients clients = new AwsClients(settings)) {
            assertThat(clients.ecs()).isSameAs(clients.ecs());
            assertThat(clients.ssm()).isSameAs(clients.ssm());

            var config = clients.ecs().serviceClientConfiguration();
            assertThat(config.region()).isEqualTo(Region.EU_WEST_1);
            assertThat(config.endpointOverride()).contains(URI.create("http://127.0.0.1:4566"));
            assertThat(config.overrideConfiguration().retryStrategy()).hasValueSatisfying(
                    strategy -> assertThat(strategy.maxAttempts()).isEqualTo(4));
            assertThat(config.overrideConfiguration().apiCallTimeout()).contains(settings.callTimeout());
            assertThat(clients.sfn().serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:4566"));
        }
    }

    @Test
    void awsDefaultsUseTheStandardThreeAttemptsAndNoEndpointOverride() {
        AwsClients.Settings aws = AwsClients.Settings.aws(Region.US_EAST_1);

        assertThat(aws.maxAttempts()).isEqualTo(3);
        assertThat(aws.endpointOverride()).isEmpty();
    }

    @Test
    void aServiceEndpointWinsOverTheSharedOneForThatServiceOnly() {
        URI dynalite = URI.create("http://127.0.0.1:8000");
        try (AwsClients clients = new AwsClients(settings.withEndpoint(AwsClients.Service.DYNAMODB, dynalite))) {
            assertThat(clients.dynamoDb().serviceClientConfiguration().endpointOverride()).contains(dynalite);
            assertThat(clients.ssm().serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:4566"));
        }
    }
}
