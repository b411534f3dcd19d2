package dev.ecsa.local.sim;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * ECS state: clusters, container instances (external, {@code mi-} backed) and tasks, and the moves the agent, the
 * operator and the service make on them. The time-driven drain choreography is {@link EcsChoreography}'s, the wire
 * protocol {@link EcsApi}'s. Not thread-safe; the simulator serialises access and calls {@link #tick()} around each
 * request, which applies every scheduled transition that is due by the simulator's clock (lazy evaluation: no
 * background threads, so an injected {@link MutableClock} makes it deterministic).
 */
final class EcsSimulation {

    static final String ACTIVE = "ACTIVE";
    /** A 4-core host with 8 GiB, as the agent registers it (memory less what the agent keeps for the host). */
    static final int DEFAULT_REGISTERED_CPU = 4096;
    static final int DEFAULT_REGISTERED_MEMORY = 7680;
    static final String DRAINING = "DRAINING";
    static final String INACTIVE = "INACTIVE";

    private final SimulatorConfig config;
    private final Clock clock;
    private final SsmSimulation ssm;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final EcsChoreography choreography;

    EcsSimulation(SimulatorConfig config, SsmSimulation ssm) {
        this.config = config;
        this.clock = config.clock();
        this.ssm = ssm;
        this.choreography = new EcsChoreography(config, this::newTask);
    }

    /** Applies every scheduled transition due by now (see {@link EcsChoreography#tick()}). */
    void tick() {
        choreography.tick();
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
        /** As the agent reported it when it registered or last connected. */
        String agentVersion;
        final NavigableMap<Long, Task> tasks = new TreeMap<>();
        String status = ACTIVE;
        boolean agentConnected = true;
        /** The container runtime health check the agent reports (ECS {@code healthStatus}); OK unless set. */
        String runtimeHealth = "OK";
        Instant runtimeHealthChangedAt;
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

        /** What the agent registered (ECS registeredResources); the bench's default host, settable per instance. */
        int registeredCpu = DEFAULT_REGISTERED_CPU;
        int registeredMemory = DEFAULT_REGISTERED_MEMORY;

        /** Registered minus what the tasks not yet STOPPED reserve (ECS remainingResources). */
        int remainingCpu() {
            return registeredCpu - tasks.values().stream().filter(t -> !t.lastStatus.equals("STOPPED"))
                    .mapToInt(t -> t.spec.cpu()).sum();
        }

        int remainingMemory() {
            return registeredMemory - tasks.values().stream().filter(t -> !t.lastStatus.equals("STOPPED"))
                    .mapToInt(t -> t.spec.memory()).sum();
        }

        /** Whether a task reserving {@code spec}'s CPU and memory fits in what is left. */
        boolean hasRoomFor(TaskSpec spec) {
            return remainingCpu() >= spec.cpu() && remainingMemory() >= spec.memory();
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
        setAgentConnected(containerInstanceArn, connected, null);
    }

    void setRegisteredResources(String containerInstanceArn, int cpu, int memory) {
        Instance i = instanceByArn(containerInstanceArn);
        i.registeredCpu = cpu;
        i.registeredMemory = memory;
        i.version++;
    }

    /** The agent (re)connects or disconnects; a connecting agent reports its version (an upgraded agent a new one). */
    void setAgentConnected(String containerInstanceArn, boolean connected, String agentVersion) {
        Instance i = instanceByArn(containerInstanceArn);
        if (i.agentConnected != connected) {
            i.agentConnected = connected;
            i.version++;
        }
        if (connected && agentVersion != null && !agentVersion.isBlank() && !agentVersion.equals(i.agentVersion)) {
            i.agentVersion = agentVersion;
            i.version++;
        }
    }

    void setRuntimeHealth(String containerInstanceArn, String status, Instant at) {
        Instance i = instanceByArn(containerInstanceArn);
        if (!i.runtimeHealth.equals(status)) {
            i.runtimeHealth = status;
            i.runtimeHealthChangedAt = at;
        }
    }

    /** Every container instance of every cluster, INACTIVE ones too (ground truth for the soak's checks). */
    List<ContainerInstanceView> allInstances() {
        List<ContainerInstanceView> all = new ArrayList<>();
        for (Cluster c : clusters.values()) {
            c.instances.values().forEach(i -> all.add(i.view()));
        }
        return all;
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
            choreography.beginStop(t, clock.instant(), reason == null ? "Task stopped by user" : reason,
                    "UserInitiated");
        }
    }

    /** An operator (or the service) sets the instance ACTIVE or DRAINING; draining starts the service scheduler. */
    void setStatus(Instance i, String status) {
        if (!i.status.equals(status)) {
            i.status = status;
            i.version++;
            if (status.equals(DRAINING)) {
                choreography.drain(i, clock.instant());
            }
        }
    }

    /**
     * Deregisters the instance: INACTIVE, agent gone. The tasks of a forced deregistration keep running on the host,
     * orphaned; the service scheduler starts copies elsewhere.
     */
    void deregister(Instance i, List<Task> active) {
        i.status = INACTIVE;
        i.agentConnected = false;
        i.version++;
        choreography.replaceOrphans(active, clock.instant());
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

    /** A new task on {@code i}: the place operation's and the service scheduler's. */
    Task newTask(Instance i, TaskSpec spec, Instant at) {
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

    // ---------------------------------------------------------------- lookups

    Cluster cluster(String ref) {
        Cluster c = clusters.get(clusterName(ref == null ? "default" : ref));
        if (c == null) {
            throw AwsErrorException.client("ClusterNotFoundException", "Cluster not found.");
        }
        return c;
    }

    static String clusterName(String ref) {
        int at = ref.indexOf(":cluster/");
        return ref.startsWith("arn:") && at >= 0 ? ref.substring(at + ":cluster/".length()) : ref;
    }

    static Instance resolveInstance(Cluster cluster, String ref) {
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
}
