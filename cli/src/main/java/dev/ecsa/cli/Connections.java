package dev.ecsa.cli;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.store.DynamoDbNodeStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients one command uses, built on first use from a {@link Backend} and closed with the command: the production
 * {@link DynamoDbNodeStore} for reads, an SQS client for sends. Calls fail fast (2 attempts, short timeouts): an
 * operator waiting at a terminal is better told the backend does not answer than kept waiting.
 */
final class Connections implements AutoCloseable {

    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration ATTEMPT = Duration.ofSeconds(10);
    private static final Duration CALL = Duration.ofSeconds(20);
    /** Reads a command makes at once (DynamoDB's per-partition limits are far above a CLI's). */
    private static final int PARALLEL_READS = 8;

    private final Backend backend;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private SqsClient sqs;
    private LambdaClient lambda;
    private DynamoDbNodeStore store;
    private dev.ecsa.store.DynamoDbRolloutStore rollouts;
    private DynamoDbClient dynamoDb;

    Connections(Backend backend) {
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    /** The inventory, through the service's own adapter. */
    synchronized DynamoDbNodeStore store() {
        if (store == null) {
            // The retention only matters for writes, which the CLI never makes.
            store = new DynamoDbNodeStore(dynamo(), backend.table(), Duration.ofDays(90), Clock.systemUTC());
        }
        return store;
    }

    /** The rollouts' records, through the service's own adapter (read only). */
    synchronized dev.ecsa.store.DynamoDbRolloutStore rollouts() {
        if (rollouts == null) {
            rollouts = new dev.ecsa.store.DynamoDbRolloutStore(dynamo(), backend.table());
        }
        return rollouts;
    }

    private synchronized DynamoDbClient dynamo() {
        if (dynamoDb == null) {
            dynamoDb = track(configure(DynamoDbClient.builder(), "dynamodb").build());
        }
        return dynamoDb;
    }

    synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = track(configure(SqsClient.builder(), "sqs").build());
        }
        return sqs;
    }

    /** Lambda, for {@code ecsa reconcile --now}: one attempt (an invocation is not retried by the CLI). */
    synchronized LambdaClient lambda() {
        if (lambda == null) {
            // An invocation runs as long as the function may (15 minutes): the socket waits that long, and only once.
            Duration invocation = Duration.ofMinutes(16);
            lambda = track(configure(LambdaClient.builder(), "lambda", invocation)
                    .overrideConfiguration(c -> c.apiCallTimeout(invocation).apiCallAttemptTimeout(invocation)
                            .retryStrategy(r -> r.maxAttempts(1)))
                    .build());
        }
        return lambda;
    }

    /** The CLI's limits for one service's client: short timeouts, one retry, the backend's region and endpoint. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String service) {
        return configure(builder, service, ATTEMPT);
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String service,
                                                                                       Duration socketTimeout) {
        builder.region(Region.of(backend.region())).credentialsProvider(credentials())
                .httpClient(track(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT)
                        .socketTimeout(socketTimeout).build()))
                .overrideConfiguration(c -> c.apiCallTimeout(CALL).apiCallAttemptTimeout(ATTEMPT)
                        .retryStrategy(r -> r.maxAttempts(2)));
        backend.endpoint(service).ifPresent(builder::endpointOverride);
        return builder;
    }

    /** A CloudFormation client for the stack's outputs. */
    static CloudFormationClient cloudFormation(Backend backend) {
        var builder = CloudFormationClient.builder().region(Region.of(backend.region()))
                .credentialsProvider(credentials(backend))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT).socketTimeout(ATTEMPT).build());
        backend.endpoint("cloudformation").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        return credentials(backend);
    }

    private static AwsCredentialsProvider credentials(Backend backend) {
        boolean emulated = backend.local() || backend.endpoint("*").isPresent();
        if (emulated && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            // The local mode does not check signatures; static credentials keep the SDK from probing for real ones.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return backend.profile() == null ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.builder().profileName(backend.profile()).build();
    }

    /** Whether the SDK failed because no credentials could be found (the chain's long message is not for people). */
    static boolean noCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (t instanceof SdkClientException && m != null && (m.startsWith("Unable to load credentials")
                    || m.contains("Profile file contained no credentials"))) {
                return true;
            }
        }
        return false;
    }

    /** What to say when {@link #noCredentials} holds. */
    static CliException noCredentialsError(Backend backend) {
        return new CliException(ExitCodes.UNREACHABLE, "no AWS credentials"
                + (backend.profile() == null ? "" : " for profile " + backend.profile()) + " to reach "
                + backend.description() + ": set AWS_PROFILE (or --profile NAME) to a configured profile, or log in "
                + "(aws sso login, aws configure); see docs/cli.md#credentials");
    }

    private <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * Runs a backend call, turning failures into what the operator should read: unreachable (exit 4) or an error
     * from the service (exit 5). Adapter errors are already typed by the service's own translation.
     */
    <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (NodeOperationException e) {
            if (noCredentials(e)) {
                throw noCredentialsError(backend);
            }
            boolean noAnswer = e.getCause() instanceof SdkClientException;
            throw new CliException(noAnswer ? ExitCodes.UNREACHABLE : ExitCodes.BACKEND_ERROR,
                    what + " failed on " + backend.description() + ": " + e.getMessage(), e);
        } catch (SdkClientException e) {
            if (noCredentials(e)) {
                throw noCredentialsError(backend);
            }
            throw new CliException(ExitCodes.UNREACHABLE, what + " failed: " + backend.description()
                    + " does not answer (" + rootMessage(e) + ")", e);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
            throw new CliException(ExitCodes.BACKEND_ERROR, what + " failed on " + backend.description() + ": "
                    + code + ": " + e.awsErrorDetails().errorMessage(), e);
        } catch (SdkException e) {
            throw new CliException(ExitCodes.BACKEND_ERROR, what + " failed: " + rootMessage(e), e);
        }
    }

    /**
     * Runs independent reads at once (a command's latency is its slowest read, not their sum) and returns their
     * results in order; the first failure is rethrown as it was.
     */
    <T> List<T> parallel(List<Supplier<T>> reads) {
        if (reads.size() <= 1) {
            return reads.stream().map(Supplier::get).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(reads.size(), PARALLEL_READS), r -> {
            Thread t = new Thread(r, "ecsa-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = reads.stream().map(r -> pool.submit(r::get)).toList();
            List<T> results = new ArrayList<>(futures.size());
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.BACKEND_ERROR, "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception ignored) {
                // Closing clients at exit: nothing to do about a failure.
            }
        }
        opened.clear();
    }
}
