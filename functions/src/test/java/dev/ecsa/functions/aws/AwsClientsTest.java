package dev.ecsa.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
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

    /**
     * Lambda with SnapStart sets no access-key variables; the only credentials are behind
     * AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN. (The SDK reads both from system
     * properties before the environment, which lets a test set them.)
     */
    @Test
    void lambdaCredentialsComeFromTheContainerEndpointWithItsToken() throws Exception {
        List<String> tokens = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/creds", exchange -> {
            tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = ("{\"AccessKeyId\":\"ASIAFROMENDPOINT\",\"SecretAccessKey\":\"secret\","
                    + "\"Token\":\"session\",\"Expiration\":\"2099-01-01T00:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.setProperty("aws.containerCredentialsFullUri",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/creds");
        System.setProperty("aws.containerAuthorizationToken", "token-of-this-environment");
        try {
            AwsClients.Settings lambda = AwsClients.Settings.lambda(Map.of("AWS_REGION", "eu-west-1"));

            AwsCredentials credentials = lambda.credentials().resolveCredentials();

            assertThat(lambda.region()).isEqualTo(Region.EU_WEST_1);
            assertThat(credentials.accessKeyId()).isEqualTo("ASIAFROMENDPOINT");
            assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
            assertThat(tokens).contains("token-of-this-environment");
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
            server.stop(0);
        }
    }

    @Test
    void lambdaSettingsNeedTheRegionVariable() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AwsClients.Settings.lambda(Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AWS_REGION");
    }

    @Test
    void theClientsRetryAdaptively() {
        try (AwsClients clients = new AwsClients(settings)) {
            assertThat(clients.ssm().serviceClientConfiguration().overrideConfiguration().retryStrategy())
                    .hasValueSatisfying(strategy -> assertThat(strategy)
                            .isInstanceOf(software.amazon.awssdk.retries.AdaptiveRetryStrategy.class));
        }
    }

    @Test
    void primingReachesNeitherTheEndpointNorTheCredentials() throws Exception {
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> reached = new CopyOnWriteArrayList<>();
        endpoint.createContext("/", exchange -> {
            reached.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        endpoint.start();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        AwsClients.Settings counting = settings.withEndpoint(URI.create("http://127.0.0.1:"
                        + endpoint.getAddress().getPort()))
                .withCredentials(() -> {
                    asked.incrementAndGet();
                    return AwsBasicCredentials.create("AKIDLOCAL", "local");
                });
        try (AwsClients clients = new AwsClients(counting)) {
            clients.ssm();
            clients.ecs();
            clients.dynamoDb();
            clients.secretsManager();
            clients.eventPublisher("default");
            clients.sfn();
            clients.primeBuiltClients();
        } finally {
            endpoint.stop(0);
        }
        assertThat(reached).isEmpty();
        assertThat(asked).hasValue(0);
    }

    @Test
    void eventsGoToTheConfiguredEndpointElseThePlatformsElseTheRegionalOne() {
        AwsClients.Settings base = AwsClients.Settings.aws(Region.EU_WEST_1)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")));
        try (AwsClients plain = new AwsClients(base);
             AwsClients bench = new AwsClients(base.withEndpoint(URI.create("http://127.0.0.1:9999")));
             AwsClients china = new AwsClients(AwsClients.Settings.aws(Region.CN_NORTH_1)
                     .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))))) {
            assertThat(plain.eventsEndpoint(Map.of())).hasToString("https://events.eu-west-1.amazonaws.com");
            assertThat(plain.eventsEndpoint(Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://sim:1")))
                    .hasToString("http://sim:1");
            assertThat(plain.eventsEndpoint(Map.of("AWS_ENDPOINT_URL", "http://all:2"))).hasToString("http://all:2");
            assertThat(bench.eventsEndpoint(Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://sim:1")))
                    .hasToString("http://127.0.0.1:9999");
            assertThat(china.eventsEndpoint(Map.of())).hasToString("https://events.cn-north-1.amazonaws.com.cn");
        }
    }
}
