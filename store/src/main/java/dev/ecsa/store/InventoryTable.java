package dev.ecsa.store;

import static dev.ecsa.core.contract.InventorySchema.BY_STATE_INDEX;
import static dev.ecsa.core.contract.InventorySchema.PARTITION_KEY;
import static dev.ecsa.core.contract.InventorySchema.SORT_KEY;
import static dev.ecsa.core.contract.InventorySchema.STATE;
import static dev.ecsa.core.contract.InventorySchema.UPDATED_AT;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The inventory table's schema ({@link dev.ecsa.core.contract.InventorySchema}), as the CDK stack defines it:
 * {@code pk}/{@code sk} strings, on-demand, and the {@code byState} index on {@code state} + {@code updatedAt} (all
 * attributes projected). The stack creates the table in AWS; the local mode and the tests create it with
 * {@link #ensure}.
 *
 * <p>The TTL on {@code expiresAt} is not set here: the stack sets it, and dynalite implements neither TTL nor
 * UpdateTimeToLive.
 */
public final class InventoryTable {

    private static final Duration POLL = Duration.ofMillis(100);

    private InventoryTable() {
    }

    /**
     * Creates the table unless it exists, and waits until it and its index are ACTIVE. DescribeTable is polled
     * every 100 ms rather than through the SDK waiter, whose first poll comes after 20 s.
     *
     * @throws PermanentException if a table of that name exists with other keys or without the index
     * @throws RetryableException if it is not ACTIVE within {@code timeout}, or DynamoDB cannot be reached
     */
    public static TableDescription ensure(DynamoDbClient dynamo, String tableName, Duration timeout) {
        try {
            try {
                dynamo.describeTable(b -> b.tableName(tableName));
            } catch (ResourceNotFoundException absent) {
                create(dynamo, tableName);
            }
            return awaitActive(dynamo, tableName, timeout);
        } catch (SdkException e) {
            throw DynamoErrors.translate("create/describe", tableName, e);
        }
    }

    private static void create(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(stringAttribute(PARTITION_KEY), stringAttribute(SORT_KEY),
                            stringAttribute(STATE), stringAttribute(UPDATED_AT))
                    .keySchema(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE))
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                            .indexName(BY_STATE_INDEX)
                            .keySchema(key(STATE, KeyType.HASH), key(UPDATED_AT, KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))
                            .build()));
        } catch (ResourceInUseException createdMeanwhile) {
            // Another process created it between our DescribeTable and CreateTable: its schema is checked below.
        }
    }

    private static TableDescription awaitActive(DynamoDbClient dynamo, String tableName, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TableDescription table = dynamo.describeTable(b -> b.tableName(tableName)).table();
            checkSchema(table);
            boolean indexActive = table.globalSecondaryIndexes().stream()
                    .allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE);
            if (table.tableStatus() == TableStatus.ACTIVE && indexActive) {
                return table;
            }
            if (System.nanoTime() > deadline) {
                throw new RetryableException(Reason.TIMED_OUT, "table '" + tableName + "' is "
                        + table.tableStatusAsString() + ", not ACTIVE, after " + timeout);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException(Reason.TIMED_OUT, "interrupted waiting for table '" + tableName + "'",
                        e);
            }
        }
    }

    private static void checkSchema(TableDescription table) {
        List<KeySchemaElement> wanted = List.of(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE));
        boolean hasIndex = table.globalSecondaryIndexes().stream()
                .map(GlobalSecondaryIndexDescription::indexName).anyMatch(BY_STATE_INDEX::equals);
        if (!table.keySchema().equals(wanted) || !hasIndex) {
            throw new PermanentException(Reason.INTERNAL, "table '" + table.tableName() + "' exists with another "
                    + "schema: want keys pk (HASH) + sk (RANGE) and index " + BY_STATE_INDEX + ", found "
                    + table.keySchema() + " and indexes " + table.globalSecondaryIndexes().stream()
                            .map(GlobalSecondaryIndexDescription::indexName).toList());
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
