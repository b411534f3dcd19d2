package dev.ecsa.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Rollouts in the inventory table: one item each, {@code pk = ROLLOUT#<id>}, {@code sk = ROLLOUT}, the record as JSON
 * in {@code body} with its {@code version}, {@code status} and times beside it for a reader of the table; and one
 * entry per rollout in the {@code ROLLOUTS} partition (sort key its creation time and id) for the newest-first
 * listing. A replace is conditional on the stored version. A record stays far below DynamoDB's 400 KB item limit: at
 * most 500 targets, each detail at most 300 characters.
 */
public final class DynamoDbRolloutStore implements RolloutStore {

    static final String PREFIX = "ROLLOUT#";
    static final String SK = "ROLLOUT";
    static final String LIST_PK = "ROLLOUTS";
    private static final String BODY = "body";
    private static final String VERSION = "version";
    /** BatchGetItem's most keys per call. */
    private static final int BATCH_KEYS = 100;
    private static final int BATCH_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbRolloutStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(tableName, "tableName");
    }

    /** {@inheritDoc} One conditional PutItem, then the listing entry (a plain PutItem). */
    @Override
    public boolean create(Rollout rollout) {
        Map<String, AttributeValue> item = item(rollout);
        try {
            call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Items.PK))));
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
        Map<String, AttributeValue> entry = new HashMap<>();
        entry.put(Items.PK, Items.s(LIST_PK));
        entry.put(Items.SK, Items.s(rollout.createdAt() + "#" + rollout.id()));
        entry.put(Items.TYPE, Items.s("ROLLOUT_ENTRY"));
        entry.put("rolloutId", Items.s(rollout.id()));
        call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(entry)));
        return true;
    }

    /** {@inheritDoc} One consistent GetItem. */
    @Override
    public Optional<Rollout> get(String rolloutId) {
        Map<String, AttributeValue> item = call("GetItem", () -> dynamo.getItem(b -> b.tableName(table)
                .key(key(rolloutId)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read(item));
    }

    /** {@inheritDoc} One PutItem conditional on {@code version = rollout.version - 1}. */
    @Override
    public boolean replace(Rollout rollout) {
        Map<String, AttributeValue> item = item(rollout);
        try {
            call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("#v = :previous")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(":previous", Items.n(rollout.version() - 1)))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /**
     * {@inheritDoc} One Query on the listing partition, newest first, then one consistent BatchGetItem per 100 of
     * them (again for keys DynamoDB leaves unprocessed, at most {@value #BATCH_ATTEMPTS} times).
     */
    @Override
    public List<Rollout> recent(int limit) {
        QueryResponse page = call("Query", () -> dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Items.PK))
                .expressionAttributeValues(Map.of(":pk", Items.s(LIST_PK)))
                .scanIndexForward(false).limit(Math.max(1, limit)).build()));
        List<Map<String, AttributeValue>> keys = page.items().stream().map(e -> key(e.get("rolloutId").s())).toList();
        List<Rollout> out = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH_KEYS) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                    .keys(keys.subList(from, Math.min(keys.size(), from + BATCH_KEYS))).build());
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > BATCH_ATTEMPTS) {
                    throw new RetryableException(Reason.THROTTLED, "DynamoDB BatchGetItem on table '" + table
                            + "' left rollouts unread " + BATCH_ATTEMPTS + " times");
                }
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse answer = call("BatchGetItem", () -> dynamo.batchGetItem(b -> b
                        .requestItems(request)));
                answer.responses().getOrDefault(table, List.of()).forEach(item -> out.add(read(item)));
                pending = answer.unprocessedKeys();
            }
        }
        out.sort(Comparator.comparing(Rollout::createdAt).reversed());
        return out;
    }

    private Map<String, AttributeValue> item(Rollout r) {
        String body;
        try {
            body = Json.mapper().writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write rollout " + r.id() + " as JSON", e);
        }
        Map<String, AttributeValue> item = new HashMap<>(key(r.id()));
        item.put(Items.TYPE, Items.s("ROLLOUT"));
        item.put("rolloutId", Items.s(r.id()));
        item.put(VERSION, Items.n(r.version()));
        item.put("rolloutStatus", Items.s(r.status().name()));
        item.put("createdAt", Items.s(r.createdAt().toString()));
        item.put(Items.UPDATED_AT, Items.s(r.updatedAt().toString()));
        item.put(BODY, Items.s(body));
        return item;
    }

    private static Rollout read(Map<String, AttributeValue> item) {
        try {
            return Json.mapper().readValue(item.get(BODY).s(), Rollout.class);
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "a stored rollout cannot be read", e);
        }
    }

    private static Map<String, AttributeValue> key(String rolloutId) {
        return Map.of(Items.PK, Items.s(PREFIX + rolloutId), Items.SK, Items.s(SK));
    }

    private <T> T call(String operation, Supplier<T> sdkCall) {
        return DynamoErrors.call(operation, table, sdkCall);
    }
}
