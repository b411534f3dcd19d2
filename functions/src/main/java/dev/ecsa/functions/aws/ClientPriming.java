package dev.ecsa.functions.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * One call through each client that is built, against nothing: the call goes to {@code 127.0.0.1:1}, where nothing
 * listens, with throwaway credentials and no retries, so it marshals, resolves its endpoint rules, signs and opens a
 * connection (loading and compiling all of that) and then fails at once. Run before SnapStart's snapshot, it puts
 * that work in the snapshot instead of in the first invocation after each restore; it reaches no AWS service, reads
 * no credentials (none may be in a snapshot) and changes nothing.
 */
final class ClientPriming {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:1");
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:priming:priming";

    private ClientPriming() {
    }

    /** The per-request settings of a priming call. */
    static Consumer<AwsRequestOverrideConfiguration.Builder> nowhere() {
        return o -> o.credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("priming", "priming")))
                .apiCallTimeout(Duration.ofSeconds(2))
                .addPlugin(config -> config.endpointOverride(NOWHERE)
                        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())));
    }

    static void prime(SsmClient ssm, EcsClient ecs, DynamoDbClient dynamoDb, SecretsManagerClient secrets,
                      SfnClient sfn) {
        if (dynamoDb != null) {
            attempt(() -> dynamoDb.getItem(b -> b.tableName("priming").key(Map.of("pk", AttributeValue.fromS("p"),
                    "sk", AttributeValue.fromS("p"))).overrideConfiguration(nowhere())));
        }
        if (ssm != null) {
            attempt(() -> ssm.describeInstanceInformation(b -> b.overrideConfiguration(nowhere())));
        }
        if (ecs != null) {
            attempt(() -> ecs.describeContainerInstances(b -> b.cluster("priming").containerInstances("priming")
                    .overrideConfiguration(nowhere())));
        }
        if (secrets != null) {
            attempt(() -> secrets.getSecretValue(b -> b.secretId("priming").overrideConfiguration(nowhere())));
        }
        if (sfn != null) {
            attempt(() -> sfn.describeExecution(b -> b.executionArn(ARN).overrideConfiguration(nowhere())));
        }
    }

    private static void attempt(Runnable call) {
        try {
            call.run();
        } catch (SdkException expected) {
            // Nothing listens there: the failure is the point.
        }
    }
}
