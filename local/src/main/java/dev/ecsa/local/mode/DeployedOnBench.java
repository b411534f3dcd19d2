package dev.ecsa.local.mode;

import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.local.Bench;
import dev.ecsa.local.Resources;
import dev.ecsa.local.hosts.Dirs;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.lambda.StackOnBench;
import dev.ecsa.local.sim.RateLimits;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sqs.FifoQueueSpec;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The service as it deploys, on a bench: the bench (simulator enforcing AWS's API rate limits, queue with its DLQ,
 * dynalite, hosts), the inventory
 * table, the three functions from the zip with the template's environment and IAM, and the stack's event source
 * mapping polling the queue. What the local mode and the scale benchmark both run.
 */
public final class DeployedOnBench implements AutoCloseable {

    /** The inventory table's name on the bench. */
    public static final String TABLE = "ecsa-local-inventory";

    /**
     * How to start it.
     *
     * @param hosts             the simulated hosts
     * @param installDownload   time the install-script stand-in spends "downloading" (0 for quick runs)
     * @param visibilityTimeout the queue's visibility timeout
     * @param retryDelay        how soon a message the function failed comes back
     * @param contextValues     stack context values, by the function variable they set
     * @param template          the synthesized template under the repository root, or {@code null} for the default
     *                          one ({@code infra-cdk/target/stack.template.json})
     */
    public record Options(Path repoRoot, List<HostConfig> hosts, Duration installDownload, Duration visibilityTimeout,
                          Duration retryDelay, Map<String, String> contextValues, String template) {

        /** With the default template. */
        public Options(Path repoRoot, List<HostConfig> hosts, Duration installDownload, Duration visibilityTimeout,
                       Duration retryDelay, Map<String, String> contextValues) {
            this(repoRoot, hosts, installDownload, visibilityTimeout, retryDelay, contextValues, null);
        }
    }

    private final Resources resources = new Resources();
    private final Bench bench;
    private final DynamoDbNodeStore store;
    private final dev.ecsa.store.DynamoDbRolloutStore rollouts;
    private final StackOnBench stack;
    private final SqsEventSourcePoller mapping;

    private DeployedOnBench(Options options) {
        try {
            FifoQueueSpec queueSpec = FifoQueueSpec.named("node-requests")
                    .withMaxReceiveCount(FifoQueueSpec.DEFAULT_MAX_RECEIVE_COUNT)
                    .withVisibilityTimeout(options.visibilityTimeout());
            bench = resources.track(Bench.start(SimulatorConfig.defaults(), options.hosts(), queueSpec,
                    options.installDownload()));
            // AWS's API rate limits, as a deployed stack meets them (RateLimits: ECS's documented buckets, SSM's assumed).
            bench.simulator().enforce(RateLimits.aws());
            String region = bench.simulator().config().region();
            // The bench does not check signatures; any static credentials keep the SDK from probing for real ones.
            AwsClients dynamoClients = resources.track(new AwsClients(AwsClients.Settings.aws(Region.of(region))
                    .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .withEndpoint(bench.dynamo().endpoint())));
            InventoryTable.ensure(dynamoClients.dynamoDb(), TABLE, Duration.ofSeconds(30));
            store = new DynamoDbNodeStore(dynamoClients.dynamoDb(), TABLE, Duration.ofDays(90), Clock.systemUTC());
            rollouts = new dev.ecsa.store.DynamoDbRolloutStore(dynamoClients.dynamoDb(), TABLE);

            Path work = Files.createTempDirectory("ecsa-local-functions-");
            resources.track(() -> Dirs.deleteRecursively(work));
            Map<String, String> context = new java.util.HashMap<>(options.contextValues());
            context.putIfAbsent(FunctionEnvironment.MAX_RECEIVES, Integer.toString(queueSpec.maxReceiveCount()));
            StackOnBench.Options stackOptions = StackOnBench.Options.of(options.repoRoot(), work, TABLE)
                    .withContextValues(context);
            stack = resources.track(StackOnBench.start(bench, options.template() == null ? stackOptions
                    : stackOptions.withTemplate(options.template())));
            // The event source mapping polls the queue with the function's role: its SQS grants are checked too.
            mapping = stack.startEventSourceMapping(options.retryDelay());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts everything.
     *
     * @throws IllegalStateException if the zip or the template has not been built (build functions and infra-cdk)
     */
    public static DeployedOnBench start(Options options) {
        return new DeployedOnBench(options);
    }

    public Bench bench() {
        return bench;
    }

    /** The inventory, read with the service's own adapter (not through IAM: the operator's view). */
    public DynamoDbNodeStore store() {
        return store;
    }

    /** The rollouts' records in the inventory table (read by tests and the local mode's CLI). */
    public dev.ecsa.store.DynamoDbRolloutStore rollouts() {
        return rollouts;
    }

    public StackOnBench stack() {
        return stack;
    }

    /** The stack's event source mapping on the bench. */
    public SqsEventSourcePoller mapping() {
        return mapping;
    }

    /** Stops the functions, the mapping and the bench; removes the functions' working directory. */
    @Override
    public void close() {
        resources.close();
    }
}
