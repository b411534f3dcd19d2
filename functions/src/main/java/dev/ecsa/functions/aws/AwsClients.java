package dev.ecsa.functions.aws;

import dev.ecsa.core.contract.FunctionBudgets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds each AWS SDK client once, on first use, and keeps it for the life of the process (a Lambda execution
 * environment): explicit region and credentials provider, the lightweight {@link UrlConnectionHttpClient} (shared by
 * all clients), an optional endpoint override for the offline bench, and the SDK's <b>adaptive</b> retry strategy.
 *
 * <p>Retry policy: the SDK's adaptive strategy ({@link AwsRetryStrategy#adaptiveRetryStrategy()}): the standard
 * strategy's retries of throttling, 5xx and I/O errors with jittered exponential backoff (a longer base delay for
 * throttling, capped at 20 s) behind a client-side retry token bucket, plus a client-side rate limiter: once a
 * service answers with throttling, the client measures the rate it gets through and holds its own sending rate
 * below it (growing it back as calls succeed), so every call of the environment through that client, on any thread,
 * slows down together instead of each retrying into the same limit (docs/bench.md, "AWS's rate limits").
 * {@link Settings#maxAttempts()} attempts in all (3 by default, the SDK's own default). What is still failing after that reaches {@link AwsErrors} and becomes a domain error that the
 * workflow or queue retries later. Every attempt is also bounded by {@link Settings#attemptTimeout()} and every call
 * by {@link Settings#callTimeout()}, so a hung connection cannot eat a Lambda's whole budget.
 */
public final class AwsClients implements AutoCloseable {

    /**
     * How the clients are built.
     *
     * @param region           the region every client talks to
     * @param credentials      where credentials come from (the default chain in Lambda; static ones for the bench)
     * @param endpointOverride one endpoint for every service (the bench's simulator), empty for AWS itself
     * @param serviceEndpoints endpoints of single services, winning over {@code endpointOverride} (the bench serves
     *                         DynamoDB from dynalite, the rest from the simulator); empty for AWS itself
     * @param maxAttempts      attempts per call including the first (adaptive retry strategy)
     * @param connectTimeout   TCP connect timeout
     * @param attemptTimeout   limit of one HTTP attempt
     * @param callTimeout      limit of one call including its retries
     */
    public record Settings(Region region, AwsCredentialsProvider credentials, Optional<URI> endpointOverride,
                           Map<Service, URI> serviceEndpoints, int maxAttempts, Duration connectTimeout,
                           Duration attemptTimeout, Duration callTimeout) {

        public Settings {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(credentials, "credentials");
            endpointOverride = endpointOverride == null ? Optional.empty() : endpointOverride;
            serviceEndpoints = serviceEndpoints == null || serviceEndpoints.isEmpty() ? Map.of()
                    : Map.copyOf(new EnumMap<>(serviceEndpoints));
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(attemptTimeout, "attemptTimeout");
            Objects.requireNonNull(callTimeout, "callTimeout");
        }

        /** AWS itself: the default credentials chain, 3 attempts, 2 s connect, 20 s per attempt, 60 s per call. */
        public static Settings aws(Region region) {
            return new Settings(region, DefaultCredentialsProvider.builder().build(), Optional.empty(), Map.of(), 3,
                    FunctionBudgets.AWS_CONNECT_TIMEOUT, FunctionBudgets.AWS_ATTEMPT_TIMEOUT,
                    FunctionBudgets.AWS_CALL_TIMEOUT);
        }

        /**
         * Inside Lambda, from the process environment: see {@link #lambda(Map)}.
         */
        public static Settings lambda() {
            return lambda(System.getenv());
        }

        /**
         * Inside Lambda: the function's region ({@code AWS_REGION}) and the credentials the runtime provides.
         *
         * <p>With SnapStart on, Lambda gives no access-key variables: credentials come only from the container
         * credentials endpoint named by {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, with the token in
         * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} (AWS Lambda docs, "Activating and managing Lambda SnapStart",
         * and aws-sdk-java-v2 issue 4312). Without SnapStart the runtime sets the access-key variables. The chain
         * asks the endpoint first and the variables second, at first use rather than at init, so a snapshot taken
         * at init holds no credentials and a restored environment resolves its own. The default chain's
         * probing of profile files and the EC2 metadata service is skipped: neither exists in Lambda.
         * Endpoints ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>}) are the SDK's own settings,
         * honoured by every client without code here.
         */
        public static Settings lambda(Map<String, String> env) {
            String region = env.get("AWS_REGION");
            if (region == null || region.isBlank()) {
                throw new IllegalStateException("AWS_REGION is not set: not running in Lambda?");
            }
            return new Settings(Region.of(region), lambdaCredentials(), Optional.empty(),
                    Map.of(), 3, FunctionBudgets.AWS_CONNECT_TIMEOUT, FunctionBudgets.AWS_ATTEMPT_TIMEOUT,
                    FunctionBudgets.AWS_CALL_TIMEOUT);
        }

        /** The container credentials endpoint (SnapStart, and any runtime that serves one), then the variables. */
        static AwsCredentialsProvider lambdaCredentials() {
            return AwsCredentialsProviderChain.builder()
                    .credentialsProviders(ContainerCredentialsProvider.builder().build(),
                            EnvironmentVariableCredentialsProvider.create())
                    .build();
        }

        /** The same settings against another endpoint (the offline bench). */
        public Settings withEndpoint(URI endpoint) {
            return new Settings(region, credentials, Optional.of(endpoint), serviceEndpoints, maxAttempts,
                    connectTimeout, attemptTimeout, callTimeout);
        }

        /** The same settings with {@code service} at its own endpoint (the bench's dynalite for DynamoDB). */
        public Settings withEndpoint(Service service, URI endpoint) {
            Map<Service, URI> endpoints = new EnumMap<>(Service.class);
            endpoints.putAll(serviceEndpoints);
            endpoints.put(Objects.requireNonNull(service, "service"), Objects.requireNonNull(endpoint, "endpoint"));
            return new Settings(region, credentials, endpointOverride, endpoints, maxAttempts, connectTimeout,
                    attemptTimeout, callTimeout);
        }

        /** The same settings with other credentials. */
        public Settings withCredentials(AwsCredentialsProvider provider) {
            return new Settings(region, provider, endpointOverride, serviceEndpoints, maxAttempts, connectTimeout,
                    attemptTimeout, callTimeout);
        }

        /** The same settings with another number of attempts per call. */
        public Settings withMaxAttempts(int attempts) {
            return new Settings(region, credentials, endpointOverride, serviceEndpoints, attempts, connectTimeout,
                    attemptTimeout, callTimeout);
        }
    }

    /** The services whose endpoint can be overridden one by one ({@link Settings#withEndpoint(Service, URI)}). */
    public enum Service { SSM, ECS, SECRETS_MANAGER, EVENT_BRIDGE, SFN, DYNAMODB }

    private final Settings settings;
    private final SdkHttpClient http;
    private final List<AutoCloseable> built = new ArrayList<>();
    private SsmClient ssm;
    private EcsClient ecs;
    private SecretsManagerClient secretsManager;
    private SfnClient sfn;
    private DynamoDbClient dynamoDb;

    public AwsClients(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.attemptTimeout())
                .build();
    }

    /** The settings the clients are built with. */
    public Settings settings() {
        return settings;
    }

    /** The SSM client (activations, managed instances). */
    public synchronized SsmClient ssm() {
        return ssm = once(ssm, () -> configure(SsmClient.builder(), Service.SSM).build());
    }

    /** The ECS client (container instances, tasks). */
    public synchronized EcsClient ecs() {
        return ecs = once(ecs, () -> configure(EcsClient.builder(), Service.ECS).build());
    }

    /** The Secrets Manager client (the SSH key). */
    public synchronized SecretsManagerClient secretsManager() {
        return secretsManager = once(secretsManager, 
                () -> configure(SecretsManagerClient.builder(), Service.SECRETS_MANAGER).build());
    }

    /**
     * The domain events' publisher on EventBridge ({@link EventBridgeEventPublisher}: PutEvents signed here, on the
     * shared HTTP client, without the EventBridge SDK module). Its endpoint: the settings' for EventBridge or for every
     * service, else the platform's ({@code AWS_ENDPOINT_URL_EVENTBRIDGE}, {@code AWS_ENDPOINT_URL}, as the SDK's clients
     * honour them), else {@code https://events.<region>.<partition's domain>}.
     */
    public EventBridgeEventPublisher eventPublisher(String eventBusName) {
        return new EventBridgeEventPublisher(new SignedJsonCall(http, settings.credentials(), settings.region().id(),
                "events", eventsEndpoint(System.getenv()), EventBridgeEventPublisher.CONTENT_TYPE), eventBusName);
    }

    URI eventsEndpoint(Map<String, String> env) {
        Optional<URI> configured = Optional.ofNullable(settings.serviceEndpoints().get(Service.EVENT_BRIDGE))
                .or(settings::endpointOverride);
        if (configured.isPresent()) {
            return configured.get();
        }
        for (String name : List.of("AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL")) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return URI.create(v.trim());
            }
        }
        var metadata = settings.region().metadata();
        String domain = metadata == null ? "amazonaws.com" : metadata.domain();
        return URI.create("https://events." + settings.region().id() + "." + domain);
    }

    /** The Step Functions client (the drain workflow). */
    public synchronized SfnClient sfn() {
        return sfn = once(sfn, () -> configure(SfnClient.builder(), Service.SFN).build());
    }

    /**
     * The repair's restart requests onto the node-request queue ({@link SqsRepairRequests}), on the same HTTP client
     * and credentials as the clients; {@code endpoint} when the platform names one, else the queue URL's own (the
     * settings' endpoint override is the other services', never SQS's).
     */
    public SqsRepairRequests repairRequests(String queueUrl, java.net.URI endpoint) {
        return new SqsRepairRequests(http, settings.credentials(), settings.region().id(), queueUrl, endpoint);
    }

    /** The DynamoDB client (the inventory table), built here too so every client shares one setup. */
    public synchronized DynamoDbClient dynamoDb() {
        return dynamoDb = once(dynamoDb, () -> configure(DynamoDbClient.builder(), Service.DYNAMODB).build());
    }

    private <C extends AutoCloseable> C once(C existing, Supplier<C> factory) {
        if (existing != null) {
            return existing;
        }
        C client = factory.get();
        built.add(client);
        return client;
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                           Service service) {
        builder.region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build())
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        .apiCallTimeout(settings.callTimeout())
                        .build());
        Optional.ofNullable(settings.serviceEndpoints().get(service)).or(settings::endpointOverride)
                .ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * Primes every client built so far with one call that reaches nothing ({@link ClientPriming}): for SnapStart's
     * {@code beforeCheckpoint}, so that the snapshot holds a client that has already made a call.
     */
    public synchronized void primeBuiltClients() {
        ClientPriming.prime(ssm, ecs, dynamoDb, secretsManager, sfn);
    }

    /** Closes every client built so far and the shared HTTP client. */
    @Override
    public synchronized void close() {
        for (AutoCloseable c : built) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing at shutdown: nothing useful to do with a failure.
            }
        }
        built.clear();
        http.close();
    }
}
