package dev.ecsa.local.dynamo;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.net.URI;

/**
 * The service's table as the stack defines it (pk/sk strings, on-demand, GSI {@code byState} on
 * state + updatedAt), created on the bench. Test code, because the SDK is test-scoped in this module.
 */
final class ServiceTable {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String BY_STATE = "byState";
    static final String STATE = "state";
    static final String UPDATED_AT = "updatedAt";

    private ServiceTable() {
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates the table and waits until it and its index are ACTIVE. */
    static TableDescription create(DynamoDbClient dynamo, String tableName) {
        dynamo.createTable(b -> b.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PK), attribute(SK), attribute(STATE), attribute(UPDATED_AT))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(BY_STATE)
                        .keySchema(key(STATE, KeyType.HASH), key(UPDATED_AT, KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build()));
        return awaitActive(dynamo, tableName);
    }

    // The SDK's waiter polls every 20 s; the bench creates tables at once, so a short poll suffices.
    private static TableDescription awaitActive(DynamoDbClient dynamo, String tableName) {
        for (int attempt = 0; attempt < 200; attempt++) {
            TableDescription table = dynamo.describeTable(b -> b.tableName(tableName)).table();
            boolean indexesActive = table.globalSecondaryIndexes().stream()
                    .allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE);
            if (table.tableStatus() == TableStatus.ACTIVE && indexesActive) {
                return table;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("table " + tableName + " did not become ACTIVE");
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
