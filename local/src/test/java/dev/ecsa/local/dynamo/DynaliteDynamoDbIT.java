package dev.ecsa.local.dynamo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ecsa.local.dynamo.ServiceTable.BY_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dynalite against an unmodified SDK v2 client: the DynamoDB behaviour the node store depends on. */
@ExtendWith(DynaliteExtension.class)
class DynaliteDynamoDbIT {

    private static DynamoDbClient dynamo;

    @BeforeAll
    static void client(DynaliteServer server) {
        dynamo = ServiceTable.client(server.endpoint());
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    private static String newTable() {
        String name = "nodes-" + UUID.randomUUID().toString().substring(0, 8);
        ServiceTable.create(dynamo, name);
        return name;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Map<String, AttributeValue> node(String nodeId, String state, long version, String updatedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s("NODE#" + nodeId));
        item.put("sk", s("NODE"));
        item.put("state", s(state));
        item.put("version", n(version));
        item.put("updatedAt", s(updatedAt));
        return item;
    }

    private static Map<String, AttributeValue> key(String nodeId) {
        return Map.of("pk", s("NODE#" + nodeId), "sk", s("NODE"));
    }

    @Test
    void createsTheServiceTableWithTheByStateIndex() {
        String table = newTable();

        TableDescription description = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(description.keySchema()).extracting(KeySchemaElement::attributeName, KeySchemaElement::keyType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pk", KeyType.HASH),
                        org.assertj.core.groups.Tuple.tuple("sk", KeyType.RANGE));
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(description.globalSecondaryIndexes()).hasSize(1);
        GlobalSecondaryIndexDescription index = description.globalSecondaryIndexes().get(0);
        assertThat(index.indexName()).isEqualTo(BY_STATE);
        assertThat(index.keySchema()).extracting(KeySchemaElement::attributeName)
                .containsExactly("state", "updatedAt");
        assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        assertThat(dynamo.listTables().tableNames()).contains(table);
    }

    @Test
    void conditionalPutRefusesAnItemThatExists() {
        String table = newTable();
        dynamo.putItem(b -> b.tableName(table).item(node("n-1", "REGISTERING", 1, "2026-01-01T00:00:00Z"))
                .conditionExpression("attribute_not_exists(pk)"));

        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                .item(node("n-1", "ACTIVE", 1, "2026-01-01T00:00:01Z"))
                .conditionExpression("attribute_not_exists(pk)")))
                .isInstanceOf(ConditionalCheckFailedException.class);

        Map<String, AttributeValue> stored = dynamo.getItem(b -> b.tableName(table).key(key("n-1"))
                .consistentRead(true)).item();
        assertThat(stored.get("state").s()).isEqualTo("REGISTERING");
    }

    @Test
    void conditionalUpdateChecksTheVersion() {
        String table = newTable();
        dynamo.putItem(b -> b.tableName(table).item(node("n-1", "REGISTERING", 1, "2026-01-01T00:00:00Z")));

        Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(table).key(key("n-1"))
                .updateExpression("SET #state = :to, #version = :next")
                .conditionExpression("#state = :from AND #version = :expected")
                .expressionAttributeNames(Map.of("#state", "state", "#version", "version"))
                .expressionAttributeValues(Map.of(":from", s("REGISTERING"), ":to", s("ACTIVE"),
                        ":expected", n(1), ":next", n(2)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertThat(updated.get("state").s()).isEqualTo("ACTIVE");
        assertThat(updated.get("version").n()).isEqualTo("2");

        // A writer that read version 1 before the first update loses.
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName(table).key(key("n-1"))
                .updateExpression("SET #state = :to, #version = :next")
                .conditionExpression("#version = :expected")
                .expressionAttributeNames(Map.of("#state", "state", "#version", "version"))
                .expressionAttributeValues(Map.of(":to", s("DRAINING"), ":expected", n(1), ":next", n(2)))))
                .isInstanceOf(ConditionalCheckFailedException.class);

        Map<String, AttributeValue> stored = dynamo.getItem(b -> b.tableName(table).key(key("n-1"))
                .consistentRead(true)).item();
        assertThat(stored.get("state").s()).isEqualTo("ACTIVE");
        assertThat(stored.get("version").n()).isEqualTo("2");
    }

    @Test
    void queriesTheByStateIndexInUpdatedAtOrder() {
        String table = newTable();
        dynamo.putItem(b -> b.tableName(table).item(node("n-1", "DRAINING", 3, "2026-01-01T00:00:03Z")));
        dynamo.putItem(b -> b.tableName(table).item(node("n-2", "ACTIVE", 1, "2026-01-01T00:00:01Z")));
        dynamo.putItem(b -> b.tableName(table).item(node("n-3", "DRAINING", 2, "2026-01-01T00:00:02Z")));
        // A request item has no state attribute, so the sparse index leaves it out.
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("NODE#n-1"), "sk", s("REQUEST#r-1"),
                "updatedAt", s("2026-01-01T00:00:00Z"))));

        QueryResponse draining = dynamo.query(b -> b.tableName(table).indexName(BY_STATE)
                .keyConditionExpression("#state = :state")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":state", s("DRAINING"))));
        assertThat(draining.items()).extracting(i -> i.get("pk").s()).containsExactly("NODE#n-3", "NODE#n-1");

        QueryResponse staleDraining = dynamo.query(b -> b.tableName(table).indexName(BY_STATE)
                .keyConditionExpression("#state = :state AND updatedAt < :before")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":state", s("DRAINING"), ":before", s("2026-01-01T00:00:03Z"))));
        assertThat(staleDraining.items()).extracting(i -> i.get("pk").s()).containsExactly("NODE#n-3");
    }

    @Test
    void paginatesAQueryWithLimitAndExclusiveStartKey() {
        String table = newTable();
        for (int i = 0; i < 7; i++) {
            String sk = "REQUEST#" + i;
            dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("NODE#n-1"), "sk", s(sk))));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s("NODE#n-1"), ":prefix", s("REQUEST#")))
                    .limit(3)
                    .exclusiveStartKey(from));
            page.items().forEach(i -> seen.add(i.get("sk").s()));
            pageSizes.add(page.count());
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                    ? page.lastEvaluatedKey() : null;
        } while (startKey != null && pageSizes.size() < 10);

        assertThat(seen).containsExactly("REQUEST#0", "REQUEST#1", "REQUEST#2", "REQUEST#3", "REQUEST#4",
                "REQUEST#5", "REQUEST#6");
        assertThat(pageSizes).startsWith(3, 3, 1);
        // The SDK paginator walks the same pages.
        assertThat(dynamo.queryPaginator(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s("NODE#n-1")))
                        .limit(2))
                .items().stream().map(i -> i.get("sk").s()).toList()).isEqualTo(seen);
    }

    @Test
    void paginatesTheByStateIndexAcrossEqualIndexKeys() {
        String table = newTable();
        // Same state and updatedAt for all: index keys are not unique, so the page boundary has to carry
        // the table key too, or items would be skipped or repeated.
        for (int i = 0; i < 5; i++) {
            dynamo.putItem(b -> b.tableName(table).item(node("n-" + UUID.randomUUID(), "ACTIVE", 1,
                    "2026-01-01T00:00:00Z")));
        }
        dynamo.putItem(b -> b.tableName(table).item(node("n-other", "DRAINING", 1, "2026-01-01T00:00:00Z")));
        List<String> pks = dynamo.queryPaginator(b -> b.tableName(table).indexName(BY_STATE)
                        .keyConditionExpression("#state = :state")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":state", s("ACTIVE")))
                        .limit(2))
                .items().stream().map(i -> i.get("pk").s()).toList();
        assertThat(pks).hasSize(5).doesNotHaveDuplicates();
    }
}
