package dev.ecsa.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.local.sim.EcsSimulation.Cluster;
import dev.ecsa.local.sim.EcsSimulation.Instance;
import dev.ecsa.local.sim.EcsSimulation.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * ECS's wire protocol on the simulated state: each operation the service calls, its parameter checks and limits as
 * the ECS API model gives them, its errors, and the JSON it answers with. The state and its moves are
 * {@link EcsSimulation}'s.
 */
final class EcsApi {

    private static final Set<String> LIST_STATUSES = Set.of(EcsSimulation.ACTIVE, EcsSimulation.DRAINING,
            "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED");

    private final EcsSimulation ecs;
    private final java.time.Clock clock;
    private final SimulatorConfig config;

    EcsApi(EcsSimulation ecs, SimulatorConfig config) {
        this.ecs = ecs;
        this.clock = config.clock();
        this.config = config;
    }

    JsonNode listContainerInstances(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        int maxResults = maxResults(req);
        String status = WireJson.text(req, "status");
        if (status != null && !LIST_STATUSES.contains(status)) {
            throw invalid("status must be one of " + LIST_STATUSES + ".");
        }
        String filter = WireJson.text(req, "filter");
        ClusterQuery query = null;
        NavigableMap<Long, Instance> scan = cluster.instances;
        if (filter != null) {
            try {
                query = ClusterQuery.parse(filter);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            Set<Instance> narrowed = query.narrow(v -> cluster.byEc2.getOrDefault(v, Set.of()),
                    (name, value) -> cluster.byAttribute.getOrDefault(name, Map.of()).getOrDefault(value, Set.of()));
            if (narrowed != null) {
                scan = new TreeMap<>();
                for (Instance i : narrowed) {
                    scan.put(i.seq, i);
                }
            }
        }
        ClusterQuery q = query;
        return page(req, scan, maxResults, "containerInstanceArns", i -> i.arn, i -> {
            boolean statusMatches = status == null ? !i.status.equals(EcsSimulation.INACTIVE) : i.status.equals(status);
            return statusMatches && (q == null || q.matches(i));
        });
    }

    /**
     * One page of ARNs from {@code scan} (ordered by sequence number), after the request's nextToken: the shape of
     * every ECS List operation here. The token is the sequence number of the last item returned.
     */
    private static <T> ObjectNode page(JsonNode req, NavigableMap<Long, T> scan, int maxResults, String field,
                                       Function<T, String> arnOf, Predicate<T> matches) {
        long after = SsmSimulation.decodeToken(WireJson.text(req, "nextToken"), "InvalidParameterException");
        ArrayNode arns = WireJson.array();
        String nextToken = null;
        long last = after;
        for (Map.Entry<Long, T> e : scan.tailMap(after, false).entrySet()) {
            if (!matches.test(e.getValue())) {
                continue;
            }
            if (arns.size() == maxResults) {
                nextToken = SsmSimulation.encodeToken(last);
                break;
            }
            arns.add(arnOf.apply(e.getValue()));
            last = e.getKey();
        }
        ObjectNode out = WireJson.object();
        out.set(field, arns);
        if (nextToken != null) {
            out.put("nextToken", nextToken);
        }
        return out;
    }

    JsonNode describeContainerInstances(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        List<String> refs = WireJson.strings(req, "containerInstances");
        if (refs.isEmpty() || refs.size() > 100) {
            throw invalid("containerInstances must contain between 1 and 100 items.");
        }
        List<String> include = WireJson.strings(req, "include");
        for (String field : include) {
            if (!field.equals("TAGS") && !field.equals("CONTAINER_INSTANCE_HEALTH")) {
                throw invalid("include must contain only TAGS or CONTAINER_INSTANCE_HEALTH.");
            }
        }
        boolean tags = include.contains("TAGS");
        boolean health = include.contains("CONTAINER_INSTANCE_HEALTH");
        ArrayNode found = WireJson.array();
        ArrayNode failures = WireJson.array();
        for (String ref : refs) {
            Instance i = EcsSimulation.resolveInstance(cluster, ref);
            if (i == null) {
                failures.addObject().put("arn", asArn(cluster, ref, "container-instance")).put("reason", "MISSING");
            } else {
                found.add(instanceJson(i, tags, health));
            }
        }
        ObjectNode out = WireJson.object();
        out.set("containerInstances", found);
        out.set("failures", failures);
        return out;
    }

    JsonNode updateContainerInstancesState(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        List<String> refs = WireJson.strings(req, "containerInstances");
        if (refs.isEmpty() || refs.size() > 10) {
            throw invalid("containerInstances must contain between 1 and 10 items.");
        }
        String status = WireJson.text(req, "status");
        if (!EcsSimulation.ACTIVE.equals(status) && !EcsSimulation.DRAINING.equals(status)) {
            throw invalid("Container instance status can only be updated to EcsSimulation.ACTIVE or EcsSimulation.DRAINING.");
        }
        ArrayNode updated = WireJson.array();
        ArrayNode failures = WireJson.array();
        for (String ref : refs) {
            Instance i = EcsSimulation.resolveInstance(cluster, ref);
            if (i == null) {
                failures.addObject().put("arn", asArn(cluster, ref, "container-instance")).put("reason", "MISSING");
                continue;
            }
            if (!i.status.equals(EcsSimulation.ACTIVE) && !i.status.equals(EcsSimulation.DRAINING)) {
                failures.addObject().put("arn", i.arn).put("reason", i.status)
                        .put("detail", "A container instance in status " + i.status + " cannot be updated.");
                continue;
            }
            ecs.setStatus(i, status);
            updated.add(instanceJson(i, false, false));
        }
        ObjectNode out = WireJson.object();
        out.set("containerInstances", updated);
        out.set("failures", failures);
        return out;
    }

    JsonNode deregisterContainerInstance(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        String ref = WireJson.text(req, "containerInstance");
        if (ref == null) {
            throw invalid("containerInstance is required.");
        }
        Instance i = EcsSimulation.resolveInstance(cluster, ref);
        if (i == null || i.status.equals(EcsSimulation.INACTIVE)) {
            throw invalid("The referenced container instance was not found.");
        }
        boolean force = Boolean.TRUE.equals(WireJson.bool(req, "force"));
        List<Task> active = i.tasks.values().stream().filter(t -> !t.lastStatus.equals("STOPPED")).toList();
        if (!active.isEmpty() && !force) {
            throw invalid("Found running tasks on the instance.");
        }
        ecs.deregister(i, active);
        ObjectNode out = WireJson.object();
        out.set("containerInstance", instanceJson(i, false, false));
        return out;
    }

    JsonNode listTasks(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        int maxResults = maxResults(req);
        String desired = WireJson.text(req, "desiredStatus");
        String desiredStatus = desired == null ? "RUNNING" : desired;
        if (!Set.of("RUNNING", "PENDING", "STOPPED").contains(desiredStatus)) {
            throw invalid("desiredStatus must be RUNNING, PENDING or STOPPED.");
        }
        NavigableMap<Long, Task> scan = cluster.tasks;
        String ciRef = WireJson.text(req, "containerInstance");
        if (ciRef != null) {
            Instance i = EcsSimulation.resolveInstance(cluster, ciRef);
            if (i == null) {
                throw invalid("The referenced container instance was not found.");
            }
            scan = i.tasks;
        }
        String family = WireJson.text(req, "family");
        String serviceName = WireJson.text(req, "serviceName");
        String startedBy = WireJson.text(req, "startedBy");
        Predicate<Task> matches = t -> t.desiredStatus.equals(desiredStatus)
                && (family == null || family.equals(t.spec.family()))
                && (serviceName == null || serviceName.equals(t.spec.serviceName()))
                && (startedBy == null || startedBy.equals(t.spec.startedBy()));
        return page(req, scan, maxResults, "taskArns", t -> t.arn, matches);
    }

    JsonNode describeTasks(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        List<String> refs = WireJson.strings(req, "tasks");
        if (refs.isEmpty() || refs.size() > 100) {
            throw invalid("tasks must contain between 1 and 100 items.");
        }
        ArrayNode found = WireJson.array();
        ArrayNode failures = WireJson.array();
        for (String ref : refs) {
            Task t = cluster.taskById.get(ref.substring(ref.lastIndexOf('/') + 1));
            if (t == null || ref.startsWith("arn:") && !t.arn.equals(ref)) {
                failures.addObject().put("arn", asArn(cluster, ref, "task")).put("reason", "MISSING");
            } else {
                found.add(taskJson(t));
            }
        }
        ObjectNode out = WireJson.object();
        out.set("tasks", found);
        out.set("failures", failures);
        return out;
    }

    JsonNode stopTask(JsonNode req) {
        Cluster cluster = ecs.cluster(WireJson.text(req, "cluster"));
        String ref = WireJson.text(req, "task");
        Task t = ref == null ? null : cluster.taskById.get(ref.substring(ref.lastIndexOf('/') + 1));
        if (t == null) {
            throw invalid("The referenced task was not found.");
        }
        ecs.stop(t, WireJson.text(req, "reason"));
        ObjectNode out = WireJson.object();
        out.set("task", taskJson(t));
        return out;
    }

    JsonNode describeClusters(JsonNode req) {
        List<String> refs = WireJson.strings(req, "clusters");
        if (refs.isEmpty()) {
            refs = List.of("default");
        }
        if (refs.size() > 100) {
            throw invalid("clusters can contain at most 100 items.");
        }
        ArrayNode found = WireJson.array();
        ArrayNode failures = WireJson.array();
        for (String ref : refs) {
            Cluster c = ecs.clusterNamed(EcsSimulation.clusterName(ref));
            if (c == null) {
                failures.addObject().put("arn", ref.startsWith("arn:") ? ref
                        : "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":cluster/" + ref).put("reason", "MISSING");
                continue;
            }
            int registered = 0;
            int running = 0;
            int pending = 0;
            for (Instance i : c.instances.values()) {
                if (!i.status.equals(EcsSimulation.INACTIVE)) {
                    registered++;
                }
            }
            Set<String> services = new HashSet<>();
            for (Task t : c.tasks.values()) {
                if (t.desiredStatus.equals("RUNNING")) {
                    running++;
                    if (t.spec.serviceName() != null) {
                        services.add(t.spec.serviceName());
                    }
                }
                if (t.lastStatus.equals("PENDING")) {
                    pending++;
                }
            }
            found.addObject().put("clusterArn", c.arn).put("clusterName", c.name).put("status", EcsSimulation.ACTIVE)
                    .put("registeredContainerInstancesCount", registered).put("runningTasksCount", running)
                    .put("pendingTasksCount", pending).put("activeServicesCount", services.size());
        }
        ObjectNode out = WireJson.object();
        out.set("clusters", found);
        out.set("failures", failures);
        return out;
    }

    private String asArn(Cluster cluster, String ref, String kind) {
        return ref.startsWith("arn:") ? ref
                : "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":" + kind + "/" + cluster.name + "/" + ref;
    }

    private static int maxResults(JsonNode req) {
        Integer value = WireJson.integer(req, "maxResults");
        int v = value == null ? 100 : value;
        if (v < 1 || v > 100) {
            throw invalid("maxResults must be between 1 and 100.");
        }
        return v;
    }

    private static AwsErrorException invalid(String message) {
        return AwsErrorException.client("InvalidParameterException", message);
    }

    private ObjectNode instanceJson(Instance i, boolean includeTags, boolean includeHealth) {
        ObjectNode node = WireJson.object()
                .put("containerInstanceArn", i.arn)
                .put("ec2InstanceId", i.ec2InstanceId)
                .put("version", i.version)
                .put("status", i.status)
                .put("agentConnected", i.agentConnected)
                .put("runningTasksCount", i.runningTasksCount())
                .put("pendingTasksCount", i.pendingTasksCount());
        resources(node.putArray("registeredResources"), i.registeredCpu, i.registeredMemory);
        resources(node.putArray("remainingResources"), i.remainingCpu(), i.remainingMemory());
        node.putObject("versionInfo").put("agentVersion", i.agentVersion).put("agentHash", "0000000")
                .put("dockerVersion", "DockerVersion: 25.0.5");
        ArrayNode attrs = node.putArray("attributes");
        i.attributes.forEach((k, v) -> {
            ObjectNode a = attrs.addObject().put("name", k);
            if (v != null) {
                a.put("value", v);
            }
        });
        WireJson.putTime(node, "registeredAt", i.registeredAt);
        if (includeHealth) {
            // ECS's shape (ContainerInstanceHealthStatus): the overall status aggregates the checks; the bench's agent
            // reports the container runtime's only.
            ObjectNode health = node.putObject("healthStatus").put("overallStatus", i.runtimeHealth);
            ObjectNode runtime = health.putArray("details").addObject().put("type", "CONTAINER_RUNTIME")
                    .put("status", i.runtimeHealth);
            WireJson.putTime(runtime, "lastUpdated", clock.instant());
            WireJson.putTime(runtime, "lastStatusChange",
                    i.runtimeHealthChangedAt == null ? i.registeredAt : i.runtimeHealthChangedAt);
        }
        if (includeTags) {
            ArrayNode tags = node.putArray("tags");
            i.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
        return node;
    }

    /** ECS's Resource shape for CPU and MEMORY (PORTS and PORTS_UDP left out: nothing here reads them). */
    private static void resources(ArrayNode into, int cpu, int memory) {
        into.addObject().put("name", "CPU").put("type", "INTEGER").put("integerValue", cpu)
                .put("doubleValue", 0.0).put("longValue", 0);
        into.addObject().put("name", "MEMORY").put("type", "INTEGER").put("integerValue", memory)
                .put("doubleValue", 0.0).put("longValue", 0);
    }

    private ObjectNode taskJson(Task t) {
        ObjectNode node = WireJson.object()
                .put("taskArn", t.arn)
                .put("clusterArn", t.cluster.arn)
                .put("containerInstanceArn", t.instance.arn)
                .put("taskDefinitionArn", "arn:aws:ecs:" + config.region() + ":" + config.accountId()
                        + ":task-definition/" + t.spec.family() + ":1")
                .put("group", t.group)
                .put("cpu", String.valueOf(t.spec.cpu()))
                .put("memory", String.valueOf(t.spec.memory()))
                .put("lastStatus", t.lastStatus)
                .put("desiredStatus", t.desiredStatus)
                .put("launchType", "EXTERNAL")
                .put("version", t.version);
        if (t.spec.startedBy() != null) {
            node.put("startedBy", t.spec.startedBy());
        }
        if (t.stoppedReason != null) {
            node.put("stoppedReason", t.stoppedReason).put("stopCode", t.stopCode);
        }
        WireJson.putTime(node, "createdAt", t.createdAt);
        WireJson.putTime(node, "startedAt", t.startedAt);
        WireJson.putTime(node, "stoppingAt", t.stoppingAt);
        WireJson.putTime(node, "stoppedAt", t.stoppedAt);
        WireJson.putTime(node, "executionStoppedAt", t.stoppedAt);
        return node;
    }
}
