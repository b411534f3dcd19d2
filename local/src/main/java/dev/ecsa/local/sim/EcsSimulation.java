package dev.ecsa.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * ECS state: clusters, container instances (external, {@code mi-} backed) and tasks, plus the time-driven drain
 * choreography. Not thread-safe; the simulator serialises access and calls {@link #tick()} around each request,
 * which applies every scheduled transition that is due by the simulator's clock (lazy evaluation: no background
 * threads, so an injected {@link MutableClock} makes it deterministic).
 */
final class EcsSimulation {

    static final String ACTIVE = "ACTIVE";
    static final String DRAINING = "DRAINING";
    static final String INACTIVE = "INACTIVE";
    private static final Set<String> LIST_STATUSES =
            Set.of(ACTIVE, DRAINING, "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED");

    private final SimulatorConfig config;
    private final Clock clock;
    private final SsmSimulation ssm;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final PriorityQueue<Scheduled> schedule =
            new PriorityQueue<>(Comparator.comparing(Scheduled::due).thenComparingLong(Scheduled::seq));
    private long scheduleSeq;

    EcsSimulation(SimulatorConfig config, SsmSimulation ssm) {
        this.config = config;
        this.clock = config.clock();
        this.ssm = ssm;
    }

    private record Scheduled(Instant due, long seq, Consumer<Instant> action) {
    }

    final class Cluster {
        final String name;
        final String arn;
        final NavigableMap<Long, Instance> instances = new TreeMap<>();
        final Map<String, Instance> byId = new HashMap<>();
        final Map<String, Set<Instance>> byEc2 = new HashMap<>();
        final Map<String, Map<String, Set<Instance>>> byAttribute = new HashMap<>();
        final NavigableMap<Long, Task> tasks = new TreeMap<>();
        final Map<String, Task> taskById = new HashMap<>();
        long instanceSeq;
        long taskSeq;

        Cluster(String name) {
            this.name = name;
            this.arn = "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":cluster/" + name;
        }
    }

    final class Instance implements ClusterQuery.Target {
        final Cluster cluster;
        final String id;
        final String arn;
        final long seq;
        final String ec2InstanceId;
        final Map<String, String> attributes;
        final Map<String, String> tags;
        final Instant registeredAt;
        final String agentVersion;
        final NavigableMap<Long, Task> tasks = new TreeMap<>();
        String status = ACTIVE;
        boolean agentConnected = true;
        long version = 1;

        Instance(Cluster cluster, String id, long seq, String ec2InstanceId, Map<String, String> attributes,
                 Map<String, String> tags, Instant registeredAt, String agentVersion) {
            this.cluster = cluster;
            this.id = id;
            this.arn = "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":container-instance/"
                    + cluster.name + "/" + id;
            this.seq = seq;
            this.ec2InstanceId = ec2InstanceId;
            this.attributes = attributes;
            this.tags = tags;
            this.registeredAt = registeredAt;
            this.agentVersion = agentVersion;
        }

        int runningTasksCount() {
            return (int) tasks.values().stream().filter(t -> t.desiredStatus.equals("RUNNING")).count();
        }

        int pendingTasksCount() {
            return (int) tasks.values().stream().filter(t -> t.lastStatus.equals("PENDING")).count();
        }

        @Override
        public List<String> values(String subject) {
            return switch (subject) {
                case "ec2InstanceId" -> List.of(ec2InstanceId);
                case "agentConnected" -> List.of(String.valueOf(agentConnected));
                case "agentVersion" -> List.of(agentVersion);
                case "runningTasksCount" -> List.of(String.valueOf(runningTasksCount()));
                case "registeredAt" -> List.of(String.valueOf(registeredAt.getEpochSecond()));
                case "task:group" -> tasks.values().stream()
                        .filter(t -> t.desiredStatus.equals("RUNNING")).map(t -> t.group).distinct().toList();
                default -> {
                    String name = subject.substring("attribute:".length());
                    yield attributes.containsKey(name)
                            ? Collections.singletonList(attributes.get(name)) : List.of();
                }
            };
        }

        ContainerInstanceView view() {
            return new ContainerInstanceView(arn, cluster.name, ec2InstanceId, status, agentConnected,
                    runningTasksCount(), pendingTasksCount(), Collections.unmodifiableMap(new LinkedHashMap<>(attributes)),
                    Map.copyOf(tags), registeredAt, agentVersion);
        }
    }

    final class Task {
        final Cluster cluster;
        final String id;
        final String arn;
        final long seq;
        final Instance instance;
        final TaskSpec spec;
        final Instant createdAt;
        Instant startedAt;
        Instant stoppingAt;
        Instant stoppedAt;
        String stoppedReason;
        String stopCode;
        String lastStatus;
        String desiredStatus = "RUNNING";
        long version = 1;
        final String group;

        Task(Cluster cluster, String id, long seq, Instance instance, TaskSpec spec, Instant at) {
            this.cluster = cluster;
            this.id = id;
            this.arn = "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":task/" + cluster.name + "/" + id;
            this.seq = seq;
            this.instance = instance;
            this.spec = spec;
            this.group = spec.group();
            this.createdAt = at;
            this.lastStatus = spec.pending() ? "PENDING" : "RUNNING";
            this.startedAt = spec.pending() ? null : at;
        }

        TaskView view() {
            return new TaskView(arn, cluster.name, instance.arn, spec.serviceName(), group, spec.startedBy(),
                    lastStatus, desiredStatus, createdAt, startedAt, stoppingAt, stoppedAt, stoppedReason);
        }
    }

    // ---------------------------------------------------------------- time

    /** Applies every scheduled transition due by now, each at its own due time, in order. */
    void tick() {
        Instant now = clock.instant();
        while (!schedule.isEmpty() && !schedule.peek().due().isAfter(now)) {
            Scheduled s = schedule.poll();
            s.action().accept(s.due());
        }
    }

    private void at(Instant due, Consumer<Instant> action) {
        schedule.add(new Scheduled(due, ++scheduleSeq, action));
    }

    // ---------------------------------------------------------------- admin and agent

    Cluster createCluster(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,255}")) {
            throw AwsErrorException.client("InvalidParameterException", "Invalid cluster name: " + name);
        }
        return clusters.computeIfAbsent(name, Cluster::new);
    }

    /** What the ECS agent does at first start in external mode; idempotent per (cluster, mi- id). */
    Instance register(String clusterRef, String managedInstanceId, Map<String, String> attributes,
                      Map<String, String> tags, String agentVersion) {
        Cluster cluster = cluster(clusterRef);
        ssm.liveInstance(managedInstanceId);
        for (Instance existing : cluster.byEc2.getOrDefault(managedInstanceId, Set.of())) {
            if (!existing.status.equals(INACTIVE)) {
                return existing;
            }
        }
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        attrs.put("ecs.capability.external", null);
        attrs.putIfAbsent("ecs.cpu-architecture", "x86_64");
        attrs.putIfAbsent("ecs.os-type", "linux");
        String id;
        do {
            id = ssm.hex(32);
        } while (cluster.byId.containsKey(id));
        Instance i = new Instance(cluster, id, ++cluster.instanceSeq, managedInstanceId, attrs,
                new LinkedHashMap<>(tags), clock.instant(), agentVersion == null ? "1.89.2" : agentVersion);
        cluster.instances.put(i.seq, i);
        cluster.byId.put(id, i);
        cluster.byEc2.computeIfAbsent(managedInstanceId, k -> new HashSet<>()).add(i);
        attrs.forEach((k, v) -> {
            if (v != null) {
                cluster.byAttribute.computeIfAbsent(k, x -> new HashMap<>()).computeIfAbsent(v, x -> new HashSet<>()).add(i);
            }
        });
        return i;
    }

    void setAgentConnected(String containerInstanceArn, boolean connected) {
        Instance i = instanceByArn(containerInstanceArn);
        if (i.agentConnected != connected) {
            i.agentConnected = connected;
            i.version++;
        }
    }

    Instance instanceByArn(String arn) {
        String clusterName = clusterOfArn(arn, ":container-instance/");
        Cluster cluster = clusterName == null ? null : clusters.get(clusterName);
        Instance i = cluster == null ? null : resolveInstance(cluster, arn);
        if (i == null) {
            throw AwsErrorException.client("InvalidParameterException", "The referenced container instance was not found: " + arn);
        }
        return i;
    }

    Task place(String clusterRef, String containerInstanceArn, TaskSpec spec) {
        Cluster cluster = cluster(clusterRef);
        Instance i = resolveInstance(cluster, containerInstanceArn);
        if (i == null) {
            throw AwsErrorException.client("InvalidParameterException", "The referenced container instance was not found.");
        }
        return newTask(i, spec, clock.instant());
    }

    Task taskByArn(String arn) {
        String clusterName = clusterOfArn(arn, ":task/");
        Cluster cluster = clusterName == null ? null : clusters.get(clusterName);
        Task t = cluster == null ? null : cluster.taskById.get(arn.substring(arn.lastIndexOf('/') + 1));
        if (t == null) {
            throw AwsErrorException.client("InvalidParameterException", "The referenced task was not found: " + arn);
        }
        return t;
    }

    void stop(Task t, String reason) {
        if (t.desiredStatus.equals("RUNNING")) {
            beginStop(t, clock.instant(), reason == null ? "Task stopped by user" : reason, "UserInitiated");
        }
    }

    Cluster clusterNamed(String name) {
        return clusters.get(name);
    }

    Iterable<Cluster> clusters() {
        return clusters.values();
    }

    private static String clusterOfArn(String arn, String marker) {
        if (arn == null) {
            return null;
        }
        int at = arn.indexOf(marker);
        if (at < 0) {
            return null;
        }
        String rest = arn.substring(at + marker.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? null : rest.substring(0, slash);
    }

    // ---------------------------------------------------------------- AWS operations

    JsonNode listContainerInstances(JsonNode req) {
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
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
            boolean statusMatches = status == null ? !i.status.equals(INACTIVE) : i.status.equals(status);
            return statusMatches && (q == null || q.matches(i));
        });
    }

    /**
     * One page of ARNs from {@code scan} (ordered by sequence number), after the request's nextToken: the shape of
     * every ECS List operation here. The token is the sequence number of the last item returned.
     */
    private static <T> ObjectNode page(JsonNode req, NavigableMap<Long, T> scan, int maxResults, String field,
                                       java.util.function.Function<T, String> arnOf, Predicate<T> matches) {
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
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
        List<String> refs = WireJson.strings(req, "containerInstances");
        if (refs.isEmpty() || refs.size() > 100) {
            throw invalid("containerInstances must contain between 1 and 100 items.");
        }
        boolean tags = WireJson.strings(req, "include").contains("TAGS");
        ArrayNode found = WireJson.array();
        ArrayNode failures = WireJson.array();
        for (String ref : refs) {
            Instance i = resolveInstance(cluster, ref);
            if (i == null) {
                failures.addObject().put("arn", asArn(cluster, ref, "container-instance")).put("reason", "MISSING");
            } else {
                found.add(instanceJson(i, tags));
            }
        }
        ObjectNode out = WireJson.object();
        out.set("containerInstances", found);
        out.set("failures", failures);
        return out;
    }

    JsonNode updateContainerInstancesState(JsonNode req) {
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
        List<String> refs = WireJson.strings(req, "containerInstances");
        if (refs.isEmpty() || refs.size() > 10) {
            throw invalid("containerInstances must contain between 1 and 10 items.");
        }
        String status = WireJson.text(req, "status");
        if (!ACTIVE.equals(status) && !DRAINING.equals(status)) {
            throw invalid("Container instance status can only be updated to ACTIVE or DRAINING.");
        }
        ArrayNode updated = WireJson.array();
        ArrayNode failures = WireJson.array();
        Instant now = clock.instant();
        for (String ref : refs) {
            Instance i = resolveInstance(cluster, ref);
            if (i == null) {
                failures.addObject().put("arn", asArn(cluster, ref, "container-instance")).put("reason", "MISSING");
                continue;
            }
            if (!i.status.equals(ACTIVE) && !i.status.equals(DRAINING)) {
                failures.addObject().put("arn", i.arn).put("reason", i.status)
                        .put("detail", "A container instance in status " + i.status + " cannot be updated.");
                continue;
            }
            if (!i.status.equals(status)) {
                i.status = status;
                i.version++;
                if (status.equals(DRAINING)) {
                    drain(i, now);
                }
            }
            updated.add(instanceJson(i, false));
        }
        ObjectNode out = WireJson.object();
        out.set("containerInstances", updated);
        out.set("failures", failures);
        return out;
    }

    JsonNode deregisterContainerInstance(JsonNode req) {
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
        String ref = WireJson.text(req, "containerInstance");
        if (ref == null) {
            throw invalid("containerInstance is required.");
        }
        Instance i = resolveInstance(cluster, ref);
        if (i == null || i.status.equals(INACTIVE)) {
            throw invalid("The referenced container instance was not found.");
        }
        boolean force = Boolean.TRUE.equals(WireJson.bool(req, "force"));
        List<Task> active = i.tasks.values().stream().filter(t -> !t.lastStatus.equals("STOPPED")).toList();
        if (!active.isEmpty() && !force) {
            throw invalid("Found running tasks on the instance.");
        }
        Instant now = clock.instant();
        i.status = INACTIVE;
        i.agentConnected = false;
        i.version++;
        // Forced: the tasks keep running on the host, orphaned; the service scheduler starts copies elsewhere.
        for (Task t : active) {
            if (t.spec.serviceName() != null && t.desiredStatus.equals("RUNNING")) {
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, false));
            }
        }
        ObjectNode out = WireJson.object();
        out.set("containerInstance", instanceJson(i, false));
        return out;
    }

    JsonNode listTasks(JsonNode req) {
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
        int maxResults = maxResults(req);
        String desired = WireJson.text(req, "desiredStatus");
        String desiredStatus = desired == null ? "RUNNING" : desired;
        if (!Set.of("RUNNING", "PENDING", "STOPPED").contains(desiredStatus)) {
            throw invalid("desiredStatus must be RUNNING, PENDING or STOPPED.");
        }
        NavigableMap<Long, Task> scan = cluster.tasks;
        String ciRef = WireJson.text(req, "containerInstance");
        if (ciRef != null) {
            Instance i = resolveInstance(cluster, ciRef);
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
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
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
        Cluster cluster = cluster(WireJson.text(req, "cluster"));
        String ref = WireJson.text(req, "task");
        Task t = ref == null ? null : cluster.taskById.get(ref.substring(ref.lastIndexOf('/') + 1));
        if (t == null) {
            throw invalid("The referenced task was not found.");
        }
        stop(t, WireJson.text(req, "reason"));
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
            Cluster c = clusters.get(clusterName(ref));
            if (c == null) {
                failures.addObject().put("arn", ref.startsWith("arn:") ? ref
                        : "arn:aws:ecs:" + config.region() + ":" + config.accountId() + ":cluster/" + ref).put("reason", "MISSING");
                continue;
            }
            int registered = 0;
            int running = 0;
            int pending = 0;
            for (Instance i : c.instances.values()) {
                if (!i.status.equals(INACTIVE)) {
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
            found.addObject().put("clusterArn", c.arn).put("clusterName", c.name).put("status", ACTIVE)
                    .put("registeredContainerInstancesCount", registered).put("runningTasksCount", running)
                    .put("pendingTasksCount", pending).put("activeServicesCount", services.size());
        }
        ObjectNode out = WireJson.object();
        out.set("clusters", found);
        out.set("failures", failures);
        return out;
    }

    // ---------------------------------------------------------------- drain choreography

    private void drain(Instance i, Instant now) {
        for (Task t : List.copyOf(i.tasks.values())) {
            if (t.spec.serviceName() == null || !t.desiredStatus.equals("RUNNING")) {
                continue; // standalone tasks aren't affected by draining
            }
            if (t.lastStatus.equals("PENDING")) {
                stopPendingNow(t, now, "Service " + t.spec.serviceName() + ": container instance is draining",
                        "ServiceSchedulerInitiated");
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, false));
            } else {
                at(now.plus(config.taskTiming().replacementDelay()), due -> replace(t, due, true));
            }
        }
    }

    /** The service scheduler's move: start a copy elsewhere and, when draining, stop the original. */
    private void replace(Task t, Instant due, boolean stopOriginal) {
        Instance from = t.instance;
        if (from.status.equals(ACTIVE) || stopOriginal && !t.desiredStatus.equals("RUNNING")) {
            return; // drain was reverted, or the task was stopped meanwhile
        }
        Instance target = pickTarget(from);
        if (target == null && !config.stopUnreplaceableServiceTasks()) {
            Instant retry = later(due, clock.instant()).plus(config.taskTiming().replacementDelay().isZero()
                    ? Duration.ofSeconds(1) : config.taskTiming().replacementDelay());
            at(retry, d -> replace(t, d, stopOriginal));
            return;
        }
        if (target != null) {
            newTask(target, new TaskSpec(t.spec.serviceName(), t.spec.family(), t.spec.startedBy(), false), due);
        }
        if (stopOriginal) {
            beginStop(t, due, "Service " + t.spec.serviceName() + ": container instance is draining",
                    "ServiceSchedulerInitiated");
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private Instance pickTarget(Instance from) {
        Instance best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Instance i : from.cluster.instances.values()) {
            if (i != from && i.status.equals(ACTIVE) && i.agentConnected) {
                int count = i.runningTasksCount();
                if (count < bestCount) {
                    best = i;
                    bestCount = count;
                }
            }
        }
        return best;
    }

    private void beginStop(Task t, Instant at, String reason, String stopCode) {
        if (t.lastStatus.equals("PENDING")) {
            stopPendingNow(t, at, reason, stopCode);
            return;
        }
        t.stopCode = stopCode;
        t.desiredStatus = "STOPPED";
        t.stoppingAt = at;
        t.stoppedReason = reason;
        t.version++;
        SimulatorConfig.TaskTiming timing = config.taskTiming();
        Instant deactivating = at.plus(timing.deactivatingDelay());
        Instant stopping = deactivating.plus(timing.stoppingDelay());
        Instant stopped = stopping.plus(timing.stoppedDelay());
        at(deactivating, due -> transition(t, "DEACTIVATING"));
        at(stopping, due -> transition(t, "STOPPING"));
        at(stopped, due -> {
            transition(t, "STOPPED");
            t.stoppedAt = due;
        });
    }

    private static void transition(Task t, String lastStatus) {
        if (!t.lastStatus.equals("STOPPED")) {
            t.lastStatus = lastStatus;
            t.version++;
        }
    }

    private static void stopPendingNow(Task t, Instant at, String reason, String stopCode) {
        t.stopCode = stopCode;
        t.desiredStatus = "STOPPED";
        t.lastStatus = "STOPPED";
        t.stoppingAt = at;
        t.stoppedAt = at;
        t.stoppedReason = reason;
        t.version++;
    }

    private Task newTask(Instance i, TaskSpec spec, Instant at) {
        Cluster cluster = i.cluster;
        String id;
        do {
            id = ssm.hex(32);
        } while (cluster.taskById.containsKey(id));
        Task t = new Task(cluster, id, ++cluster.taskSeq, i, spec, at);
        cluster.tasks.put(t.seq, t);
        cluster.taskById.put(id, t);
        i.tasks.put(t.seq, t);
        return t;
    }

    // ---------------------------------------------------------------- helpers

    Cluster cluster(String ref) {
        Cluster c = clusters.get(clusterName(ref == null ? "default" : ref));
        if (c == null) {
            throw AwsErrorException.client("ClusterNotFoundException", "Cluster not found.");
        }
        return c;
    }

    private static String clusterName(String ref) {
        int at = ref.indexOf(":cluster/");
        return ref.startsWith("arn:") && at >= 0 ? ref.substring(at + ":cluster/".length()) : ref;
    }

    private static Instance resolveInstance(Cluster cluster, String ref) {
        if (ref == null) {
            return null;
        }
        if (ref.startsWith("arn:")) {
            String c = clusterOfArn(ref, ":container-instance/");
            if (c != null && !c.equals(cluster.name)) {
                return null;
            }
        }
        return cluster.byId.get(ref.substring(ref.lastIndexOf('/') + 1));
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

    private ObjectNode instanceJson(Instance i, boolean includeTags) {
        ObjectNode node = WireJson.object()
                .put("containerInstanceArn", i.arn)
                .put("ec2InstanceId", i.ec2InstanceId)
                .put("version", i.version)
                .put("status", i.status)
                .put("agentConnected", i.agentConnected)
                .put("runningTasksCount", i.runningTasksCount())
                .put("pendingTasksCount", i.pendingTasksCount());
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
        if (includeTags) {
            ArrayNode tags = node.putArray("tags");
            i.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
        return node;
    }

    private ObjectNode taskJson(Task t) {
        ObjectNode node = WireJson.object()
                .put("taskArn", t.arn)
                .put("clusterArn", t.cluster.arn)
                .put("containerInstanceArn", t.instance.arn)
                .put("taskDefinitionArn", "arn:aws:ecs:" + config.region() + ":" + config.accountId()
                        + ":task-definition/" + t.spec.family() + ":1")
                .put("group", t.group)
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
