package dev.ecsa.store;


import dev.ecsa.core.contract.InventorySchema;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.state.NodeState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item layout of the inventory table and the mapping between items and the domain records. Instants are
 * ISO-8601 UTC strings with a fixed nine fraction digits, so that string order is time order (the {@code byState}
 * index sorts on {@code updatedAt}); enums are stored by name; absent optional fields are absent attributes.
 *
 * <pre>
 * node item     pk = NODE#&lt;nodeId&gt;     sk = NODE                                 (in GSI byState: state, updatedAt)
 * request item  pk = REQUEST#&lt;requestId&gt; sk = REQUEST                             (expiresAt = TTL)
 * history entry pk = NODE#&lt;nodeId&gt;     sk = REQUEST#&lt;receivedAt&gt;#&lt;requestId&gt;   (expiresAt = TTL)
 * </pre>
 */
final class Items {

    static final String PK = InventorySchema.PARTITION_KEY;
    static final String SK = InventorySchema.SORT_KEY;
    static final String NODE_PREFIX = "NODE#";
    static final String NODE_SK = "NODE";
    static final String REQUEST_PREFIX = "REQUEST#";
    static final String REQUEST_SK = "REQUEST";
    /** Sort-key prefix of the history entries in a node's partition. */
    static final String HISTORY_PREFIX = "REQUEST#";

    static final String TYPE = "type";
    static final String TYPE_NODE = "NODE";
    static final String TYPE_REQUEST = "REQUEST";
    static final String TYPE_HISTORY = "HISTORY";

    // node attributes
    static final String NODE_ID = "nodeId";
    static final String STATE = InventorySchema.STATE;
    static final String VERSION = "version";
    static final String CLUSTER = "cluster";
    static final String MANAGED_INSTANCE_ID = "managedInstanceId";
    static final String CONTAINER_INSTANCE_ARN = "containerInstanceArn";
    static final String HOST_KEY_FINGERPRINT = "hostKeyFingerprint";
    static final String ADDRESS = "address";
    static final String PORT = "port";
    static final String SSH_USER = "sshUser";
    static final String AGENT_VERSIONS = "agentVersions";
    /** The node's custom ECS attributes (a map of strings), as its last registration set them. */
    static final String ECS_ATTRIBUTES = "attributes";
    /** The custom tags the node's last registration set (a map of strings), for a re-registration. */
    static final String REGISTRATION_TAGS = "tags";
    static final String LAST_REQUEST_ID = "lastRequestId";
    /** What the reconciler saw of the node's agents over time and what its repair did (absent while healthy). */
    static final String HEALTH = "health";
    static final String LAST_ERROR = "lastError";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = InventorySchema.UPDATED_AT;
    static final String STATE_CHANGED_AT = "stateChangedAt";

    // request attributes
    static final String REQUEST_ID = "requestId";
    static final String ACTION = "action";
    static final String REQUESTED_BY = "requestedBy";
    static final String REASON = "reason";
    static final String STATUS = "status";
    static final String OUTCOME = "outcome";
    static final String STEPS = "steps";
    static final String FAILURE = "failure";
    static final String RECEIVED_AT = "receivedAt";
    static final String FINISHED_AT = "finishedAt";
    static final String EXPIRES_AT = InventorySchema.TTL_ATTRIBUTE;

    // nested maps
    static final String SSM_AGENT = "ssmAgent";
    static final String ECS_AGENT = "ecsAgent";
    static final String ECS_INIT = "ecsInit";
    static final String DOCKER = "docker";
    static final String PLATFORM_NAME = "platformName";
    static final String PLATFORM_VERSION = "platformVersion";
    static final String OBSERVED_AT = "observedAt";
    static final String UNHEALTHY_SINCE = "unhealthySince";
    static final String PROBLEM = "problem";
    static final String QUARANTINED_AT = "quarantinedAt";
    static final String HEALTHY_SINCE = "healthySince";
    static final String RESTART_REQUESTED_AT = "restartRequestedAt";
    static final String RESTART_REQUEST_ID = "restartRequestId";
    static final String REREGISTER_REQUESTED_AT = "reregisterRequestedAt";
    static final String REPLACED_IDENTITY = "replacedIdentity";
    static final String NAME = "name";
    static final String STARTED_AT = "startedAt";
    static final String ENDED_AT = "endedAt";
    static final String RESULT = "result";
    static final String DETAIL = "detail";
    static final String RESOURCE_ID = "resourceId";
    static final String MESSAGE = "message";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Items() {
    }

    static Map<String, AttributeValue> nodeKey(String nodeId) {
        return Map.of(PK, s(NODE_PREFIX + nodeId), SK, s(NODE_SK));
    }

    static Map<String, AttributeValue> requestKey(String requestId) {
        return Map.of(PK, s(REQUEST_PREFIX + requestId), SK, s(REQUEST_SK));
    }

    /** The sort key of a request's entry in its node's partition: newest last in key order. */
    static String historySortKey(RequestRecord r) {
        return HISTORY_PREFIX + TIME.format(r.receivedAt()) + "#" + r.requestId();
    }

    // ---- nodes ----

    static Map<String, AttributeValue> fromNode(NodeRecord n) {
        Map<String, AttributeValue> item = new HashMap<>(nodeKey(n.nodeId()));
        item.put(TYPE, s(TYPE_NODE));
        item.put(NODE_ID, s(n.nodeId()));
        item.put(STATE, s(n.state().name()));
        item.put(VERSION, n(n.version()));
        putIfPresent(item, CLUSTER, n.cluster());
        putIfPresent(item, MANAGED_INSTANCE_ID, n.managedInstanceId());
        putIfPresent(item, CONTAINER_INSTANCE_ARN, n.containerInstanceArn());
        putIfPresent(item, HOST_KEY_FINGERPRINT, n.hostKeyFingerprint());
        putIfPresent(item, ADDRESS, n.address());
        item.put(PORT, n(n.port()));
        putIfPresent(item, SSH_USER, n.sshUser());
        AttributeValue agents = agentVersions(n.agentVersions());
        if (agents != null) {
            item.put(AGENT_VERSIONS, agents);
        }
        AttributeValue attributes = stringMap(n.attributes());
        if (attributes != null) {
            item.put(ECS_ATTRIBUTES, attributes);
        }
        AttributeValue health = health(n.health());
        if (health != null) {
            item.put(HEALTH, health);
        }
        AttributeValue tags = stringMap(n.tags());
        if (tags != null) {
            item.put(REGISTRATION_TAGS, tags);
        }
        putIfPresent(item, LAST_REQUEST_ID, n.lastRequestId());
        if (n.lastError() != null) {
            item.put(LAST_ERROR, failure(n.lastError()));
        }
        item.put(CREATED_AT, time(n.createdAt()));
        item.put(UPDATED_AT, time(n.updatedAt()));
        item.put(STATE_CHANGED_AT, time(n.stateChangedAt()));
        return item;
    }

    static NodeRecord toNode(Map<String, AttributeValue> item) {
        return new NodeRecord(
                str(item, NODE_ID),
                NodeState.valueOf(str(item, STATE)),
                Long.parseLong(item.get(VERSION).n()),
                str(item, CLUSTER),
                str(item, MANAGED_INSTANCE_ID),
                str(item, CONTAINER_INSTANCE_ARN),
                str(item, HOST_KEY_FINGERPRINT),
                str(item, ADDRESS),
                item.containsKey(PORT) ? Integer.parseInt(item.get(PORT).n()) : 0,
                str(item, SSH_USER),
                toAgentVersions(item.get(AGENT_VERSIONS)),
                str(item, LAST_REQUEST_ID),
                toFailure(item.get(LAST_ERROR)),
                instant(item, CREATED_AT),
                instant(item, UPDATED_AT),
                instant(item, STATE_CHANGED_AT),
                toStringMap(item.get(ECS_ATTRIBUTES)),
                toHealth(item.get(HEALTH)),
                toStringMap(item.get(REGISTRATION_TAGS)));
    }

    /** The node's health as a map of what is set, or {@code null} when nothing is (the attribute is removed). */
    static AttributeValue health(NodeHealth h) {
        if (h.isNone()) {
            return null;
        }
        Map<String, AttributeValue> m = new HashMap<>();
        putIfPresent(m, UNHEALTHY_SINCE, text(h.unhealthySince()));
        putIfPresent(m, PROBLEM, h.problem());
        putIfPresent(m, QUARANTINED_AT, text(h.quarantinedAt()));
        putIfPresent(m, HEALTHY_SINCE, text(h.healthySince()));
        putIfPresent(m, RESTART_REQUESTED_AT, text(h.restartRequestedAt()));
        putIfPresent(m, RESTART_REQUEST_ID, h.restartRequestId());
        putIfPresent(m, REREGISTER_REQUESTED_AT, text(h.reregisterRequestedAt()));
        putIfPresent(m, REPLACED_IDENTITY, h.replacedIdentity());
        return AttributeValue.fromM(m);
    }

    private static NodeHealth toHealth(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return NodeHealth.none();
        }
        Map<String, AttributeValue> m = v.m();
        return new NodeHealth(optionalInstant(m, UNHEALTHY_SINCE), str(m, PROBLEM), optionalInstant(m, QUARANTINED_AT),
                optionalInstant(m, HEALTHY_SINCE), optionalInstant(m, RESTART_REQUESTED_AT), str(m, RESTART_REQUEST_ID),
                optionalInstant(m, REREGISTER_REQUESTED_AT), str(m, REPLACED_IDENTITY));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant optionalInstant(Map<String, AttributeValue> m, String name) {
        String t = str(m, name);
        return t == null ? null : Instant.parse(t);
    }

    /** A map of strings as a DynamoDB map, or {@code null} when empty (the attribute is removed). */
    static AttributeValue stringMap(Map<String, String> m) {
        if (m.isEmpty()) {
            return null;
        }
        Map<String, AttributeValue> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, s(v)));
        return AttributeValue.fromM(out);
    }

    private static Map<String, String> toStringMap(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        v.m().forEach((k, a) -> out.put(k, a.s()));
        return out;
    }

    /** The versions as a map of the known ones, or {@code null} when none is known (the attribute is removed). */
    static AttributeValue agentVersions(AgentVersions v) {
        Map<String, AttributeValue> m = new HashMap<>();
        putIfPresent(m, SSM_AGENT, v.ssmAgent());
        putIfPresent(m, ECS_AGENT, v.ecsAgent());
        putIfPresent(m, ECS_INIT, v.ecsInit());
        putIfPresent(m, DOCKER, v.docker());
        putIfPresent(m, PLATFORM_NAME, v.platformName());
        putIfPresent(m, PLATFORM_VERSION, v.platformVersion());
        if (m.isEmpty()) {
            return null;
        }
        putIfPresent(m, OBSERVED_AT, v.observedAt() == null ? null : v.observedAt().toString());
        return AttributeValue.fromM(m);
    }

    private static AgentVersions toAgentVersions(AttributeValue v) {
        if (v == null) {
            return AgentVersions.unknown();
        }
        Map<String, AttributeValue> m = v.m();
        String observed = str(m, OBSERVED_AT);
        return new AgentVersions(str(m, SSM_AGENT), str(m, ECS_AGENT), str(m, ECS_INIT), str(m, DOCKER),
                str(m, PLATFORM_NAME), str(m, PLATFORM_VERSION), observed == null ? null : Instant.parse(observed));
    }

    static AttributeValue failure(Failure f) {
        return AttributeValue.fromM(Map.of(REASON, s(f.reason().name()), MESSAGE, s(f.message())));
    }

    private static Failure toFailure(AttributeValue v) {
        if (v == null) {
            return null;
        }
        Map<String, AttributeValue> m = v.m();
        return new Failure(Reason.valueOf(str(m, REASON)), str(m, MESSAGE));
    }

    // ---- requests ----

    static Map<String, AttributeValue> fromRequest(RequestRecord r, long expiresAtEpochSecond) {
        Map<String, AttributeValue> item = new HashMap<>(requestKey(r.requestId()));
        item.put(TYPE, s(TYPE_REQUEST));
        item.put(REQUEST_ID, s(r.requestId()));
        item.put(NODE_ID, s(r.nodeId()));
        item.put(ACTION, s(r.action().name()));
        item.put(REQUESTED_BY, s(r.requestedBy()));
        item.put(REASON, s(r.reason()));
        item.put(STATUS, s(r.status().name()));
        if (r.outcome() != null) {
            item.put(OUTCOME, s(r.outcome().name()));
        }
        item.put(STEPS, steps(r.steps()));
        if (r.failure() != null) {
            item.put(FAILURE, failure(r.failure()));
        }
        item.put(RECEIVED_AT, time(r.receivedAt()));
        if (r.finishedAt() != null) {
            item.put(FINISHED_AT, time(r.finishedAt()));
        }
        item.put(EXPIRES_AT, n(expiresAtEpochSecond));
        return item;
    }

    static RequestRecord toRequest(Map<String, AttributeValue> item) {
        String outcome = str(item, OUTCOME);
        return new RequestRecord(
                str(item, REQUEST_ID),
                str(item, NODE_ID),
                Action.valueOf(str(item, ACTION)),
                str(item, REQUESTED_BY),
                str(item, REASON),
                RequestStatus.valueOf(str(item, STATUS)),
                outcome == null ? null : Outcome.valueOf(outcome),
                toSteps(item.get(STEPS)),
                toFailure(item.get(FAILURE)),
                instant(item, RECEIVED_AT),
                item.containsKey(FINISHED_AT) ? instant(item, FINISHED_AT) : null);
    }

    /** A request's entry in its node's partition: just enough to list the node's history newest first. */
    static Map<String, AttributeValue> historyEntry(RequestRecord r, long expiresAtEpochSecond) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(NODE_PREFIX + r.nodeId()));
        item.put(SK, s(historySortKey(r)));
        item.put(TYPE, s(TYPE_HISTORY));
        item.put(REQUEST_ID, s(r.requestId()));
        item.put(ACTION, s(r.action().name()));
        item.put(RECEIVED_AT, time(r.receivedAt()));
        item.put(EXPIRES_AT, n(expiresAtEpochSecond));
        return item;
    }

    /**
     * A request's steps as stored: a map from {@link #stepKey} to the step, so that one step is written (or replaced)
     * without reading the others.
     */
    static AttributeValue steps(List<Step> steps) {
        Map<String, AttributeValue> map = new HashMap<>();
        for (Step step : steps) {
            map.put(stepKey(step), step(step));
        }
        return AttributeValue.fromM(map);
    }

    /** A step's key in the map: its start time (sortable, to the nanosecond) and name, the identity a replay keeps. */
    static String stepKey(Step step) {
        return TIME.format(step.startedAt()) + "#" + step.name();
    }

    /** Of steps with one key, the last: what one write of them all may hold (DynamoDB refuses overlapping paths). */
    static List<Step> lastPerKey(List<Step> steps) {
        Map<String, Step> byKey = new LinkedHashMap<>();
        for (Step step : steps) {
            byKey.remove(stepKey(step));
            byKey.put(stepKey(step), step);
        }
        return List.copyOf(byKey.values());
    }

    static AttributeValue step(Step step) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put(NAME, s(step.name()));
        m.put(STARTED_AT, time(step.startedAt()));
        if (step.endedAt() != null) {
            m.put(ENDED_AT, time(step.endedAt()));
        }
        m.put(RESULT, s(step.result().name()));
        m.put(DETAIL, s(step.detail()));
        if (step.resourceId() != null) {
            m.put(RESOURCE_ID, s(step.resourceId()));
        }
        return AttributeValue.fromM(m);
    }

    /** The steps in start-time order (ties by name); a list, as items written before the map form hold them, too. */
    private static List<Step> toSteps(AttributeValue v) {
        if (v == null) {
            return List.of();
        }
        List<AttributeValue> stored = v.hasM() ? new TreeMap<>(v.m()).values().stream().toList()
                : v.hasL() ? v.l() : List.of();
        List<Step> out = new ArrayList<>(stored.size());
        for (AttributeValue e : stored) {
            Map<String, AttributeValue> m = e.m();
            out.add(new Step(str(m, NAME), instant(m, STARTED_AT), m.containsKey(ENDED_AT) ? instant(m, ENDED_AT) : null,
                    StepResult.valueOf(str(m, RESULT)), str(m, DETAIL), m.containsKey(RESOURCE_ID)
                    ? str(m, RESOURCE_ID) : null));
        }
        return out;
    }

    // ---- scalars ----

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue time(Instant t) {
        return s(TIME.format(t));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return Instant.parse(item.get(name).s());
    }
}
