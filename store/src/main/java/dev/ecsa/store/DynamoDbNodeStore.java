package dev.ecsa.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.contract.InventorySchema;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.reconcile.RepairPause;
import dev.ecsa.core.reconcile.ReconcileStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import dev.ecsa.core.state.Transitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import static dev.ecsa.store.Items.n;
import static dev.ecsa.store.Items.s;

/**
 * The {@link NodeStore} on one DynamoDB table (layout in {@link Items}): a node item per node, a
 * request item per request, and a small history entry per request in its node's partition so that a node's requests
 * can be listed with one Query ({@link #history}). Every write is one single-item conditional write, no transactions.
 *
 * <p>A conditional write that fails is followed by a strongly consistent read, and the shared rule
 * {@link Transitions#decide} tells a replay (ALREADY_DONE) from a conflict; ReturnValuesOnConditionCheckFailure
 * would save that read, but dynalite (the offline bench) does not implement it. A request's steps are a map keyed by
 * start time and name ({@link Items#stepKey}): a step is written by one UpdateItem without a read, and concurrent
 * writers never lose each other's steps.
 *
 * <p>Request items and history entries carry {@value InventoryTable#TTL_ATTRIBUTE} (epoch seconds) = finish time (or
 * receipt while running) + the retention. {@link #listNodesByState} reads the {@code byState} index, which is
 * eventually consistent. Every SDK failure becomes a {@link RetryableException} or {@link PermanentException}; the
 * adapter does not log. The model holds no secret and nothing else is stored.
 */
public final class DynamoDbNodeStore implements ReconcileStore {

    // Every failed condition means another write succeeded, so retries always make progress; the bound only
    // protects against an item that is deleted and re-created in a loop.
    private static final int MAX_ATTEMPTS = 64;

    /** The partition of the reconcile run records, apart from nodes ({@code NODE#}) and requests ({@code REQUEST#}). */
    static final String RECONCILE_PK = "RECONCILE";
    static final String RUN_PREFIX = "RUN#";
    static final String RUN_BODY = "run";
    /** The repair pause's key: {@link InventorySchema#REPAIR_PAUSE_PK} and this sort key. */
    private static final String REPAIR_PAUSE_PK = InventorySchema.REPAIR_PAUSE_PK;
    static final String CONTROL_SK = "CONTROL";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;
    private final Integer pageSize;

    /**
     * A store on {@code tableName}, reading the {@code byState} index in DynamoDB's own pages (up to 1 MB each).
     *
     * @param requestRetention how long request records are kept after they finish (the TTL)
     * @param clock            time source for {@code updatedAt}, {@code finishedAt} and the TTL
     */
    public DynamoDbNodeStore(DynamoDbClient dynamo, String tableName, Duration requestRetention, Clock clock) {
        this(dynamo, tableName, requestRetention, clock, null);
    }

    /** As {@link #DynamoDbNodeStore(DynamoDbClient, String, Duration, Clock)}, with at most {@code queryPageSize}
     * items per Query page. */
    public DynamoDbNodeStore(DynamoDbClient dynamo, String tableName, Duration requestRetention, Clock clock,
                             int queryPageSize) {
        this(dynamo, tableName, requestRetention, clock, Integer.valueOf(queryPageSize));
        if (queryPageSize < 1) {
            throw new IllegalArgumentException("queryPageSize must be positive");
        }
    }

    private DynamoDbNodeStore(DynamoDbClient dynamo, String tableName, Duration requestRetention, Clock clock,
                              Integer queryPageSize) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(tableName, "tableName");
        this.retention = Objects.requireNonNull(requestRetention, "requestRetention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pageSize = queryPageSize;
        if (requestRetention.isNegative() || requestRetention.isZero()) {
            throw new IllegalArgumentException("requestRetention must be positive");
        }
    }

    // ---- requests ----

    /**
     * {@inheritDoc} Also writes the request's history entry under its node (an unconditional put of the same
     * content, so a redelivery that finds the record repairs an entry a crash left unwritten).
     */
    @Override
    public boolean putRequestIfAbsent(RequestRecord request) {
        Map<String, AttributeValue> item = Items.fromRequest(request, expiresAt(request));
        boolean created = conditional(() -> call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Items.PK)))));
        RequestRecord stored = created ? request : getRequest(request.requestId()).orElse(null);
        if (stored != null) {
            Map<String, AttributeValue> entry = Items.historyEntry(stored, expiresAt(stored));
            call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(entry)));
        }
        return created;
    }

    @Override
    public Optional<RequestRecord> getRequest(String requestId) {
        return readRequest(requestId).map(Items::toRequest);
    }

    /**
     * {@inheritDoc} One UpdateItem, no read: each step is an entry of the record's step map under its start time and
     * name ({@link Items#stepKey}), so a replayed step overwrites itself and concurrent writers never lose each other's
     * steps. The status moves to IN_PROGRESS unless the request completed (a second write in that rare case).
     */
    @Override
    public RequestRecord appendSteps(String requestId, List<Step> steps) {
        List<Step> distinct = Items.lastPerKey(steps);
        if (distinct.isEmpty()) {
            return getRequest(requestId).orElseThrow(() -> notFound(requestId));
        }
        Map<String, String> names = new HashMap<>(Map.of("#pk", Items.PK, "#steps", Items.STEPS,
                "#status", Items.STATUS));
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET ");
        stepAssignments(distinct, names, values, set);
        Map<String, AttributeValue> open = new HashMap<>(values);
        open.put(":inProgress", s(RequestStatus.IN_PROGRESS.name()));
        open.put(":completed", s(RequestStatus.COMPLETED.name()));
        Optional<Map<String, AttributeValue>> written = update(Items.requestKey(requestId),
                set + ", #status = :inProgress", "attribute_exists(#pk) AND #status <> :completed", names, open);
        if (written.isEmpty()) {
            // Completed (it keeps its status and outcome), or absent.
            Map<String, String> keepStatus = new HashMap<>(names);
            keepStatus.remove("#status");
            written = update(Items.requestKey(requestId), set.toString(), "attribute_exists(#pk)", keepStatus,
                    values);
        }
        return Items.toRequest(written.orElseThrow(() -> notFound(requestId)));
    }

    /** Adds {@code #steps.#kN = :sN} for each step to {@code set}, with its names and values. */
    private static void stepAssignments(List<Step> steps, Map<String, String> names,
                                        Map<String, AttributeValue> values, StringBuilder set) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            names.put("#k" + i, Items.stepKey(step));
            values.put(":s" + i, Items.step(step));
            set.append(i == 0 ? "" : ", ").append("#steps.#k").append(i).append(" = :s").append(i);
        }
    }

    /**
     * {@inheritDoc} One UpdateItem when the request is still open: the outcome and the last steps together. A request
     * already completed keeps its outcome; the steps are still added (a second write).
     */
    @Override
    public RequestRecord finishRequest(String requestId, Outcome outcome, Failure failure, List<Step> lastSteps) {
        Objects.requireNonNull(outcome, "outcome");
        List<Step> distinct = Items.lastPerKey(lastSteps);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Map<String, String> names = new HashMap<>(Map.of("#pk", Items.PK, "#status", Items.STATUS,
                    "#outcome", Items.OUTCOME, "#finishedAt", Items.FINISHED_AT, "#expiresAt", Items.EXPIRES_AT,
                    "#failure", Items.FAILURE));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":completed", s(RequestStatus.COMPLETED.name()),
                    ":outcome", s(outcome.name()), ":now", Items.time(now),
                    ":expires", n(now.plus(retention).getEpochSecond())));
            StringBuilder steps = new StringBuilder();
            if (!distinct.isEmpty()) {
                names.put("#steps", Items.STEPS);
                stepAssignments(distinct, names, values, steps.append(", "));
            }
            String set = "SET #status = :completed, #outcome = :outcome, #finishedAt = :now, #expiresAt = :expires"
                    + steps;
            String expression;
            if (failure != null) {
                values.put(":failure", Items.failure(failure));
                expression = set + ", #failure = :failure";
            } else {
                expression = set + " REMOVE #failure";
            }
            Optional<Map<String, AttributeValue>> written = update(Items.requestKey(requestId), expression,
                    "attribute_exists(#pk) AND #status <> :completed", names, values);
            if (written.isPresent()) {
                return Items.toRequest(written.get());
            }
            RequestRecord stored = getRequest(requestId).orElseThrow(() -> notFound(requestId));
            if (stored.completed()) {
                return distinct.isEmpty() ? stored : appendSteps(requestId, distinct);
            }
        }
        throw new RetryableException(Reason.CONFLICT, "request " + requestId + " changed on every attempt to finish");
    }

    /**
     * The node's requests, newest first, at most {@code limit} (the operator's "history NODE"). Read from the
     * history entries in the node's partition; entries whose request record has expired are skipped.
     */
    public List<RequestRecord> history(String nodeId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        List<String> requestIds = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call("Query", () -> dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", Items.PK, "#sk", Items.SK))
                    .expressionAttributeValues(Map.of(":pk", s(Items.NODE_PREFIX + nodeId),
                            ":prefix", s(Items.HISTORY_PREFIX)))
                    .scanIndexForward(false)
                    .limit(Math.min(limit - requestIds.size(), pageSize == null ? limit : pageSize))
                    .exclusiveStartKey(from)
                    .build()));
            page.items().forEach(i -> requestIds.add(i.get(Items.REQUEST_ID).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && requestIds.size() < limit);
        List<RequestRecord> out = new ArrayList<>(requestIds.size());
        for (String id : requestIds) {
            getRequest(id).ifPresent(out::add);
        }
        return out;
    }

    // ---- nodes ----

    @Override
    public Optional<NodeRecord> getNode(String nodeId) {
        Map<String, AttributeValue> key = Items.nodeKey(nodeId);
        Map<String, AttributeValue> item = call("GetItem", () -> dynamo.getItem(b -> b.tableName(table).key(key)
                .consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.toNode(item));
    }

    @Override
    public NodeCreation createNodeIfAbsent(NodeRecord initial) {
        if (initial.state() != NodeState.initial() || initial.version() != 1) {
            throw new IllegalArgumentException("a node item is created in " + NodeState.initial() + " at version 1");
        }
        Map<String, AttributeValue> item = Items.fromNode(initial);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            boolean created = conditional(() -> call("PutItem", () -> dynamo.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Items.PK)))));
            if (created) {
                return new NodeCreation(true, initial);
            }
            Optional<NodeRecord> existing = getNode(initial.nodeId());
            if (existing.isPresent()) {
                return new NodeCreation(false, existing.get());
            }
        }
        throw new RetryableException(Reason.CONFLICT, "node " + initial.nodeId() + " kept appearing and vanishing");
    }

    @Override
    public TransitionResult transition(String nodeId, Transition move, NodeUpdate update) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Expression e = Expression.of(update, now);
            e.set(Items.STATE, s(move.to().name()));
            e.set(Items.VERSION, n(move.resultingVersion()));
            e.set(Items.STATE_CHANGED_AT, Items.time(now));
            e.names.put("#c_state", Items.STATE);
            e.names.put("#c_version", Items.VERSION);
            e.values.put(":c_from", s(move.from().name()));
            e.values.put(":c_expected", n(move.expectedVersion()));
            Optional<Map<String, AttributeValue>> written = update(Items.nodeKey(nodeId), e.expression(),
                    "#c_state = :c_from AND #c_version = :c_expected", e.names, e.values);
            if (written.isPresent()) {
                return new TransitionResult(TransitionDecision.APPLY, Items.toNode(written.get()));
            }
            NodeRecord current = getNode(nodeId).orElse(null);
            TransitionDecision decision = current == null ? Transitions.decide(null, 0, move)
                    : Transitions.decide(current.state(), current.version(), move);
            if (decision != TransitionDecision.APPLY) {
                return new TransitionResult(decision, current);
            }
            // The item reached `from` after our write was refused (it was created meanwhile): try again.
        }
        throw new RetryableException(Reason.CONFLICT, "node " + nodeId + " changed on every attempt to move "
                + move.from() + " -> " + move.to());
    }

    @Override
    public NodeRecord updateNode(String nodeId, NodeState expectedState, NodeUpdate update) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Expression e = Expression.of(update, clock.instant());
            e.names.put("#c_state", Items.STATE);
            e.values.put(":c_expected", s(expectedState.name()));
            Optional<Map<String, AttributeValue>> written = update(Items.nodeKey(nodeId), e.expression(),
                    "#c_state = :c_expected", e.names, e.values);
            if (written.isPresent()) {
                return Items.toNode(written.get());
            }
            Optional<NodeRecord> current = getNode(nodeId);
            if (current.isEmpty() || current.get().state() != expectedState) {
                throw new PermanentException(Reason.CONFLICT, "node " + nodeId + " is "
                        + current.map(n -> n.state().name()).orElse("absent") + ", expected " + expectedState);
            }
        }
        throw new RetryableException(Reason.CONFLICT, "node " + nodeId + " changed on every attempt to update it");
    }

    @Override
    public Optional<NodeRecord> claimNode(NodeRecord seen, NodeUpdate update) {
        Instant now = clock.instant();
        // updatedAt must move even under a frozen clock, or a second claim on the same `seen` would also pass.
        Expression e = Expression.of(update, now.isAfter(seen.updatedAt()) ? now : seen.updatedAt().plusNanos(1));
        e.names.put("#c_state", Items.STATE);
        e.names.put("#c_version", Items.VERSION);
        e.names.put("#c_updated", Items.UPDATED_AT);
        e.values.put(":c_state", s(seen.state().name()));
        e.values.put(":c_version", n(seen.version()));
        e.values.put(":c_updated", Items.time(seen.updatedAt()));
        return update(Items.nodeKey(seen.nodeId()), e.expression(),
                "#c_state = :c_state AND #c_version = :c_version AND #c_updated = :c_updated", e.names, e.values)
                .map(Items::toNode);
    }

    @Override
    public List<NodeRecord> listNodesByState(NodeState state) {
        List<NodeRecord> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call("Query", () -> dynamo.query(QueryRequest.builder().tableName(table)
                    .indexName(InventorySchema.BY_STATE_INDEX)
                    .keyConditionExpression("#state = :state")
                    .expressionAttributeNames(Map.of("#state", Items.STATE))
                    .expressionAttributeValues(Map.of(":state", s(state.name())))
                    .limit(pageSize)
                    .exclusiveStartKey(from)
                    .build()));
            page.items().forEach(i -> out.add(Items.toNode(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    // ---- reconcile runs ----

    /**
     * {@inheritDoc} The item is {@code pk = RECONCILE}, {@code sk = RUN#<startedAt>#<runId>} with the run as JSON in
     * {@code run} (bounded by {@link dev.ecsa.core.reconcile.ReconcileSettings#maxStoredFindings()}) and the request
     * retention as TTL. One PutItem.
     */
    @Override
    public void putReconcileRun(ReconcileRun run) {
        String body;
        try {
            body = Json.mapper().writeValueAsString(run);
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "cannot write the reconcile run as JSON", e);
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Items.PK, s(RECONCILE_PK));
        item.put(Items.SK, s(RUN_PREFIX + Items.time(run.startedAt()).s() + "#" + run.runId()));
        item.put(Items.TYPE, s("RECONCILE_RUN"));
        item.put("runId", s(run.runId()));
        item.put("startedAt", Items.time(run.startedAt()));
        item.put(RUN_BODY, s(body));
        item.put(Items.EXPIRES_AT, n(run.startedAt().plus(retention).getEpochSecond()));
        call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    /** {@inheritDoc} One Query on the runs' partition, newest first, limit 1, strongly consistent. */
    @Override
    public Optional<ReconcileRun> lastReconcileRun() {
        QueryResponse page = call("Query", () -> dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", Items.PK, "#sk", Items.SK))
                .expressionAttributeValues(Map.of(":pk", s(RECONCILE_PK), ":prefix", s(RUN_PREFIX)))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(1)
                .build()));
        if (page.items().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(page.items().get(0).get(RUN_BODY).s(), ReconcileRun.class));
        } catch (JsonProcessingException e) {
            throw new PermanentException(Reason.INTERNAL, "the stored reconcile run cannot be read", e);
        }
    }

    // ---- the repair pause ----

    /** {@inheritDoc} The item {@code pk = CONTROL#repairPause, sk = CONTROL}; one GetItem. */
    @Override
    public Optional<RepairPause> repairPause() {
        Map<String, AttributeValue> item = call("GetItem", () -> dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(Items.PK, s(REPAIR_PAUSE_PK), Items.SK, s(CONTROL_SK))).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RepairPause(stringOrNull(item.get("by")), stringOrNull(item.get(Items.REASON)),
                Instant.parse(item.get("at").s())));
    }

    @Override
    public void pauseRepair(RepairPause pause) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Items.PK, s(REPAIR_PAUSE_PK));
        item.put(Items.SK, s(CONTROL_SK));
        item.put(Items.TYPE, s("REPAIR_PAUSE"));
        item.put("by", s(pause.by()));
        item.put(Items.REASON, s(pause.reason()));
        item.put("at", s(pause.at().toString()));
        call("PutItem", () -> dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public void resumeRepair() {
        call("DeleteItem", () -> dynamo.deleteItem(b -> b.tableName(table)
                .key(Map.of(Items.PK, s(REPAIR_PAUSE_PK), Items.SK, s(CONTROL_SK)))));
    }

    private static String stringOrNull(AttributeValue v) {
        return v == null ? null : v.s();
    }

    // ---- plumbing ----

    private long expiresAt(RequestRecord r) {
        Instant base = r.finishedAt() != null ? r.finishedAt() : r.receivedAt();
        return base.plus(retention).getEpochSecond();
    }

    private Optional<Map<String, AttributeValue>> readRequest(String requestId) {
        Map<String, AttributeValue> key = Items.requestKey(requestId);
        Map<String, AttributeValue> item = call("GetItem", () -> dynamo.getItem(b -> b.tableName(table).key(key)
                .consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** One conditional UpdateItem: the item as written, or empty when the condition failed. */
    private Optional<Map<String, AttributeValue>> update(Map<String, AttributeValue> key, String updateExpression,
                                                         String condition, Map<String, String> names,
                                                         Map<String, AttributeValue> values) {
        try {
            return Optional.of(call("UpdateItem", () -> dynamo.updateItem(b -> b.tableName(table)
                    .key(key)
                    .updateExpression(updateExpression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW))).attributes());
        } catch (ConditionalCheckFailedException refused) {
            return Optional.empty();
        }
    }

    /** Runs a conditional write: {@code true} if it was applied, {@code false} if its condition failed. */
    private static boolean conditional(Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    /** Runs one SDK call, translating its failures (a failed condition passes through to {@link #conditional}). */
    private <T> T call(String operation, Supplier<T> sdkCall) {
        return DynamoErrors.call(operation, table, sdkCall);
    }

    private static PermanentException notFound(String requestId) {
        return new PermanentException(Reason.NOT_FOUND, "no record for request " + requestId);
    }

    /** The SET/REMOVE clauses of a node update: every non-null field of the {@link NodeUpdate}, and updatedAt. */
    private static final class Expression {
        final List<String> sets = new ArrayList<>();
        final List<String> removes = new ArrayList<>();
        final Map<String, String> names = new HashMap<>();
        final Map<String, AttributeValue> values = new HashMap<>();

        static Expression of(NodeUpdate u, Instant now) {
            Expression e = new Expression();
            e.setIfPresent(Items.CLUSTER, u.cluster());
            e.setIfPresent(Items.MANAGED_INSTANCE_ID, u.managedInstanceId());
            e.setIfPresent(Items.CONTAINER_INSTANCE_ARN, u.containerInstanceArn());
            e.setIfPresent(Items.HOST_KEY_FINGERPRINT, u.hostKeyFingerprint());
            e.setIfPresent(Items.ADDRESS, u.address());
            if (u.port() != null) {
                e.set(Items.PORT, n(u.port()));
            }
            e.setIfPresent(Items.SSH_USER, u.sshUser());
            if (u.agentVersions() != null) {
                e.setOrRemove(Items.AGENT_VERSIONS, Items.agentVersions(u.agentVersions()));
            }
            if (u.tags() != null) {
                e.setOrRemove(Items.REGISTRATION_TAGS, Items.stringMap(u.tags()));
            }
            if (u.attributes() != null) {
                e.setOrRemove(Items.ECS_ATTRIBUTES, Items.stringMap(u.attributes()));
            }
            if (u.health() != null) {
                e.setOrRemove(Items.HEALTH, Items.health(u.health()));
            }
            e.setIfPresent(Items.LAST_REQUEST_ID, u.lastRequestId());
            if (u.clearLastError()) {
                e.remove(Items.LAST_ERROR);
            } else if (u.lastError() != null) {
                e.set(Items.LAST_ERROR, Items.failure(u.lastError()));
            }
            e.set(Items.UPDATED_AT, Items.time(now));
            return e;
        }

        void setIfPresent(String attribute, String value) {
            if (value != null) {
                set(attribute, s(value));
            }
        }

        /** Sets the attribute, or removes it when there is nothing to store (an empty map). */
        void setOrRemove(String attribute, AttributeValue valueOrNull) {
            if (valueOrNull == null) {
                remove(attribute);
            } else {
                set(attribute, valueOrNull);
            }
        }

        void set(String attribute, AttributeValue value) {
            names.put("#" + attribute, attribute);
            values.put(":" + attribute, value);
            sets.add("#" + attribute + " = :" + attribute);
        }

        void remove(String attribute) {
            names.put("#" + attribute, attribute);
            removes.add("#" + attribute);
        }

        String expression() {
            String set = "SET " + String.join(", ", sets);
            return removes.isEmpty() ? set : set + " REMOVE " + String.join(", ", removes);
        }
    }
}
