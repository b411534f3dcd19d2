package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.ClusterLoad;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.TaskInfo;
import dev.ecsa.core.validation.FieldRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceField;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;

/**
 * {@link ContainerInstances} on ECS.
 *
 * <p>Lookups use a cluster query filter on ListContainerInstances ({@code ec2InstanceId == mi-…} or
 * {@code attribute:NAME == VALUE}) and one DescribeContainerInstances: a constant number of calls whatever the
 * cluster's size. Values go into the filter only after matching a strict pattern with no quote, space or operator
 * character, so a value cannot change the query's meaning.
 */
public final class EcsContainerInstances implements ContainerInstances {

    /** An SSM managed instance id, the form ECS shows in {@code ec2InstanceId} for external instances. */
    static final Pattern MANAGED_INSTANCE_ID = Pattern.compile("^mi-[0-9a-f]{17}$");

    /** DescribeTasks takes at most 100 tasks per call. */
    static final int DESCRIBE_TASKS_CHUNK = 100;

    /** ListContainerInstances and ListTasks return at most 100 per page. */
    static final int PAGE_SIZE = 100;

    /** A bound on pages per listing (10,000 tasks or instances) so a misbehaving server cannot loop us forever. */
    static final int MAX_PAGES = 100;

    /** A bound on pages for a whole-cluster listing: 100,000 instances, far above ECS's per-cluster quota. */
    static final int LIST_ALL_MAX_PAGES = 1_000;

    private final EcsClient ecs;

    public EcsContainerInstances(EcsClient ecs) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
    }

    @Override
    public Optional<ContainerInstance> findByManagedInstanceId(String cluster, String managedInstanceId) {
        if (managedInstanceId == null || !MANAGED_INSTANCE_ID.matcher(managedInstanceId).matches()) {
            throw new PermanentException(Reason.INVALID_REQUEST, "not a managed instance id (mi- and 17 hex digits)");
        }
        return findOne(cluster, "ec2InstanceId == " + managedInstanceId);
    }

    @Override
    public Optional<ContainerInstance> findByAttribute(String cluster, String attributeName, String attributeValue) {
        if (attributeName == null || !FieldRules.ATTRIBUTE_NAME.matcher(attributeName).matches()
                || attributeValue == null || !FieldRules.ATTRIBUTE_VALUE.matcher(attributeValue).matches()) {
            throw new PermanentException(Reason.INVALID_REQUEST,
                    "attribute name or value is not usable in a cluster query filter");
        }
        return findOne(cluster, "attribute:" + attributeName + " == " + attributeValue);
    }

    /**
     * The one instance the filter selects. ListContainerInstances without a status returns every status but INACTIVE.
     * Should ECS hold several (a host registered twice, amazon-ecs-agent#921), the most recently registered wins.
     */
    private Optional<ContainerInstance> findOne(String cluster, String filter) {
        List<String> arns = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListContainerInstancesResponse page = call("ECS ListContainerInstances", () -> ecs.listContainerInstances(
                    r -> r.cluster(cluster).filter(filter).maxResults(PAGE_SIZE).nextToken(next)));
            arns.addAll(page.containerInstanceArns());
            token = page.nextToken();
            checkPages(++pages, token, "ECS ListContainerInstances");
        } while (token != null && !token.isEmpty() && arns.size() < PAGE_SIZE);
        if (arns.isEmpty()) {
            return Optional.empty();
        }
        List<String> batch = arns.subList(0, Math.min(arns.size(), PAGE_SIZE));
        var response = call("ECS DescribeContainerInstances", () -> ecs.describeContainerInstances(
                r -> r.cluster(cluster).containerInstances(batch)));
        return response.containerInstances().stream()
                .filter(ci -> !"INACTIVE".equals(ci.status()))
                .max(Comparator.comparing(ci -> ci.registeredAt() == null ? java.time.Instant.EPOCH
                        : ci.registeredAt()))
                .map(ci -> toDomain(cluster, ci));
    }

    /**
     * {@inheritDoc} Each page of ListContainerInstances (100 ARNs) is described at once (DescribeContainerInstances
     * takes up to 100); ARNs ECS reports missing in between (deregistered meanwhile) are left out, and so are INACTIVE
     * ones.
     */
    @Override
    public List<ContainerInstance> listAll(String cluster) {
        // The reconciler's listing: with the instances' health, as recent agents report it (no extra call).
        return listed(cluster, true).stream().map(ci -> toDomain(cluster, ci)).toList();
    }

    /**
     * Every container instance of the cluster but INACTIVE ones, as DescribeContainerInstances answers: each page of
     * ListContainerInstances (100 ARNs) described at once; ARNs ECS reports missing in between are left out.
     */
    private List<software.amazon.awssdk.services.ecs.model.ContainerInstance> listed(String cluster, boolean health) {
        List<software.amazon.awssdk.services.ecs.model.ContainerInstance> out = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListContainerInstancesResponse page = call("ECS ListContainerInstances", () -> ecs.listContainerInstances(
                    r -> r.cluster(cluster).maxResults(PAGE_SIZE).nextToken(next)));
            List<String> arns = page.containerInstanceArns();
            if (!arns.isEmpty()) {
                var described = call("ECS DescribeContainerInstances", () -> ecs.describeContainerInstances(r -> {
                    r.cluster(cluster).containerInstances(arns);
                    if (health) {
                        r.include(ContainerInstanceField.CONTAINER_INSTANCE_HEALTH);
                    }
                }));
                described.containerInstances().stream().filter(ci -> !"INACTIVE".equals(ci.status()))
                        .forEach(out::add);
            }
            token = page.nextToken();
            if (++pages >= LIST_ALL_MAX_PAGES && token != null && !token.isEmpty()) {
                throw new RetryableException(Reason.AWS_UNAVAILABLE, "ECS ListContainerInstances kept returning pages "
                        + "after " + LIST_ALL_MAX_PAGES + " pages");
            }
        } while (token != null && !token.isEmpty());
        return out;
    }

    /**
     * {@inheritDoc} Instances as {@link #listAll} reads them (with their resources); then, for each named instance
     * still listed, its tasks with desired status RUNNING (ListTasks on the instance, as the drain check lists them),
     * described 100 at a time. A task's reservation is its task-level {@code cpu} and {@code memory}; see
     * {@link #sized} for tasks without one.
     */
    @Override
    public ClusterLoad load(String cluster, Set<String> tasksOf) {
        List<software.amazon.awssdk.services.ecs.model.ContainerInstance> listed = listed(cluster, false);
        List<String> taskArns = new ArrayList<>();
        for (var ci : listed) {
            if (tasksOf.contains(ci.containerInstanceArn())) {
                taskArns.addAll(taskArns(cluster, ci.containerInstanceArn(), DesiredStatus.RUNNING));
            }
        }
        Map<String, List<ClusterLoad.Task>> byInstance = new LinkedHashMap<>();
        for (int from = 0; from < taskArns.size(); from += DESCRIBE_TASKS_CHUNK) {
            List<String> chunk = taskArns.subList(from, Math.min(taskArns.size(), from + DESCRIBE_TASKS_CHUNK));
            var response = call("ECS DescribeTasks", () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(chunk)));
            for (Task t : response.tasks()) {
                if (t.containerInstanceArn() == null || TaskInfo.STOPPED.equals(t.lastStatus())) {
                    continue;
                }
                String group = t.group() == null ? "" : t.group();
                byInstance.computeIfAbsent(t.containerInstanceArn(), k -> new ArrayList<>()).add(new ClusterLoad.Task(
                        t.taskArn(), group, units(t.cpu()), units(t.memory()), group.startsWith("service:")));
            }
        }
        List<ClusterLoad.Instance> instances = new ArrayList<>();
        for (var ci : listed) {
            int registeredCpu = resource(ci.registeredResources(), "CPU");
            int registeredMemory = resource(ci.registeredResources(), "MEMORY");
            int remainingCpu = resource(ci.remainingResources(), "CPU");
            int remainingMemory = resource(ci.remainingResources(), "MEMORY");
            instances.add(new ClusterLoad.Instance(ci.containerInstanceArn(), ci.ec2InstanceId(), status(ci.status()),
                    Boolean.TRUE.equals(ci.agentConnected()), registeredCpu, registeredMemory, remainingCpu,
                    remainingMemory, sized(byInstance.getOrDefault(ci.containerInstanceArn(), List.of()),
                            registeredCpu - remainingCpu, registeredMemory - remainingMemory)));
        }
        return new ClusterLoad(cluster, instances);
    }

    /**
     * Tasks without a task-level size (their containers carry the reservations, which DescribeTasks does not sum) get
     * an even share of what the instance has reserved beyond the sized tasks: ECS's own accounting, split evenly.
     */
    static List<ClusterLoad.Task> sized(List<ClusterLoad.Task> tasks, int reservedCpu, int reservedMemory) {
        long unsized = tasks.stream().filter(t -> t.cpu() == 0 && t.memory() == 0).count();
        if (unsized == 0) {
            return tasks;
        }
        int cpuShare = (int) (Math.max(0, reservedCpu - tasks.stream().mapToInt(ClusterLoad.Task::cpu).sum()) / unsized);
        int memShare = (int) (Math.max(0, reservedMemory - tasks.stream().mapToInt(ClusterLoad.Task::memory).sum())
                / unsized);
        return tasks.stream().map(t -> t.cpu() == 0 && t.memory() == 0
                ? new ClusterLoad.Task(t.arn(), t.group(), cpuShare, memShare, t.serviceTask()) : t).toList();
    }

    /** An INTEGER resource's value by name (CPU, MEMORY), 0 if absent. */
    static int resource(List<Resource> resources, String name) {
        return resources.stream().filter(r -> name.equals(r.name())).findFirst()
                .map(r -> r.integerValue() == null ? 0 : r.integerValue()).orElse(0);
    }

    /**
     * A task-level size in CPU units or MiB: {@code "256"}, or the {@code "1 vCPU"} / {@code "2 GB"} forms a task
     * definition may use (1024 units per vCPU, 1024 MiB per GB); 0 when absent or unreadable.
     */
    static int units(String value) {
        if (value == null) {
            return 0;
        }
        java.util.regex.Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            return 0;
        }
        double n = Double.parseDouble(m.group(1));
        return (int) Math.round(m.group(2) == null ? n : n * 1024);
    }

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,7}(?:\\.[0-9]{1,3})?)\\s*(vcpu|gb)?",
            Pattern.CASE_INSENSITIVE);

    @Override
    public Optional<ContainerInstance> describe(String cluster, String containerInstanceArn) {
        var response = call("ECS DescribeContainerInstances", () -> ecs.describeContainerInstances(
                r -> r.cluster(cluster).containerInstances(containerInstanceArn)));
        if (!response.containerInstances().isEmpty()) {
            return Optional.of(toDomain(cluster, response.containerInstances().get(0)));
        }
        for (Failure f : response.failures()) {
            if (!"MISSING".equals(f.reason())) {
                throw new PermanentException(Reason.INTERNAL, "ECS DescribeContainerInstances failed for the instance: "
                        + failureText(f));
            }
        }
        return Optional.empty();
    }

    /**
     * Describes first, so the answer says whether this call changed the status; between the describe and the update
     * another actor could change it, in which case this call reports a change it shares with that actor.
     */
    @Override
    public boolean setStatus(String cluster, String containerInstanceArn, ContainerInstanceStatus status) {
        if (status != ContainerInstanceStatus.ACTIVE && status != ContainerInstanceStatus.DRAINING) {
            throw new IllegalArgumentException("only ACTIVE and DRAINING can be set, not " + status);
        }
        ContainerInstance current = describe(cluster, containerInstanceArn)
                .filter(ci -> ci.status() != ContainerInstanceStatus.INACTIVE)
                .orElseThrow(() -> new PermanentException(Reason.NOT_FOUND,
                        "container instance " + containerInstanceArn + " is gone"));
        if (current.status() == status) {
            return false;
        }
        UpdateContainerInstancesStateResponse response;
        try {
            response = ecs.updateContainerInstancesState(r -> r.cluster(cluster)
                    .containerInstances(containerInstanceArn).status(status.name()));
        } catch (SdkException e) {
            if (AwsErrors.hasCode(e, "InvalidParameterException")) {
                // The instance exists (described above): ECS refuses the move from its current status.
                throw new PermanentException(Reason.CONFLICT, "ECS refused " + status + " from " + current.status()
                        + ": " + AwsErrors.translate("ECS UpdateContainerInstancesState", e).detail(), e);
            }
            throw AwsErrors.translate("ECS UpdateContainerInstancesState", e);
        }
        for (Failure f : response.failures()) {
            if ("MISSING".equals(f.reason())) {
                throw new PermanentException(Reason.NOT_FOUND,
                        "container instance " + containerInstanceArn + " is gone");
            }
            throw new PermanentException(Reason.CONFLICT,
                    "ECS refused " + status + " from " + current.status() + ": " + failureText(f));
        }
        return true;
    }

    /**
     * Describes first so a missing or INACTIVE instance is done without a call ECS would reject. If ECS rejects the
     * deregistration, a second describe tells a concurrent deregistration (done) from a refusal (tasks still run).
     */
    @Override
    public void deregister(String cluster, String containerInstanceArn, boolean force) {
        if (isGone(cluster, containerInstanceArn)) {
            return;
        }
        try {
            ecs.deregisterContainerInstance(r -> r.cluster(cluster).containerInstance(containerInstanceArn)
                    .force(force));
        } catch (SdkException e) {
            NodeOperationException translated = AwsErrors.translate("ECS DeregisterContainerInstance", e);
            if (!AwsErrors.hasCode(e, "InvalidParameterException", "ClientException")) {
                throw translated;
            }
            if (isGone(cluster, containerInstanceArn)) {
                return;
            }
            if (!force) {
                throw new PermanentException(Reason.CONFLICT, "ECS refused to deregister container instance "
                        + containerInstanceArn + " without force (tasks still on it): " + translated.detail(), e);
            }
            throw translated;
        }
    }

    private boolean isGone(String cluster, String containerInstanceArn) {
        return describe(cluster, containerInstanceArn)
                .map(ci -> ci.status() == ContainerInstanceStatus.INACTIVE)
                .orElse(true);
    }

    @Override
    public List<TaskInfo> listTasks(String cluster, String containerInstanceArn) {
        Set<String> arns = new LinkedHashSet<>();
        try {
            // Both desired statuses: a task told to stop (desired STOPPED) may still be running or stopping.
            // A task moving between the two listings is seen twice or, rarely, not at all; the next drain check
            // sees it, and the set drops duplicates.
            arns.addAll(taskArns(cluster, containerInstanceArn, DesiredStatus.RUNNING));
            arns.addAll(taskArns(cluster, containerInstanceArn, DesiredStatus.STOPPED));
        } catch (PermanentException e) {
            if (e.reason() == Reason.INVALID_REQUEST && describe(cluster, containerInstanceArn).isEmpty()) {
                return List.of(); // ECS rejects ListTasks for an instance it no longer knows: no tasks.
            }
            throw e;
        }
        List<String> all = new ArrayList<>(arns);
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += DESCRIBE_TASKS_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + DESCRIBE_TASKS_CHUNK));
            var response = call("ECS DescribeTasks", () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(chunk)));
            for (Task t : response.tasks()) {
                tasks.put(t.taskArn(), toTaskInfo(t));
            }
            // failures (MISSING) are tasks ECS has already forgotten: stopped long enough ago not to matter.
        }
        return List.copyOf(tasks.values());
    }

    private List<String> taskArns(String cluster, String containerInstanceArn, DesiredStatus desired) {
        List<String> arns = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListTasksResponse page = call("ECS ListTasks", () -> ecs.listTasks(r -> r.cluster(cluster)
                    .containerInstance(containerInstanceArn).desiredStatus(desired).maxResults(PAGE_SIZE)
                    .nextToken(next)));
            arns.addAll(page.taskArns());
            token = page.nextToken();
            checkPages(++pages, token, "ECS ListTasks");
        } while (token != null && !token.isEmpty());
        return arns;
    }

    static TaskInfo toTaskInfo(Task t) {
        String group = t.group() == null ? "" : t.group();
        return new TaskInfo(t.taskArn(), group, Objects.requireNonNullElse(t.lastStatus(), "UNKNOWN"),
                Objects.requireNonNullElse(t.desiredStatus(), "UNKNOWN"), group.startsWith("service:"));
    }

    static ContainerInstance toDomain(String cluster, software.amazon.awssdk.services.ecs.model.ContainerInstance ci) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Attribute a : ci.attributes()) {
            // Capability attributes (ecs.capability.*) carry no value; keep their presence.
            attributes.put(a.name(), a.value() == null ? "" : a.value());
        }
        String agentVersion = ci.versionInfo() == null ? null : ci.versionInfo().agentVersion();
        String dockerVersion = ci.versionInfo() == null ? null : dockerVersion(ci.versionInfo().dockerVersion());
        String health = ci.healthStatus() == null ? null : ci.healthStatus().overallStatusAsString();
        return new ContainerInstance(ci.containerInstanceArn(), cluster, ci.ec2InstanceId(), status(ci.status()),
                Boolean.TRUE.equals(ci.agentConnected()), intOrZero(ci.runningTasksCount()),
                intOrZero(ci.pendingTasksCount()), agentVersion, attributes, dockerVersion, health);
    }

    /** ECS reports Docker's version as {@code DockerVersion: 25.0.5}; the version alone, or {@code null}. */
    static String dockerVersion(String reported) {
        if (reported == null || reported.isBlank()) {
            return null;
        }
        String v = reported.strip();
        v = v.startsWith("DockerVersion:") ? v.substring("DockerVersion:".length()).strip() : v;
        return v.isEmpty() ? null : v;
    }

    private static ContainerInstanceStatus status(String value) {
        try {
            return ContainerInstanceStatus.valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PermanentException(Reason.INTERNAL, "ECS reported an unknown container instance status", e);
        }
    }

    private static int intOrZero(Integer i) {
        return i == null ? 0 : i;
    }

    private static String failureText(Failure f) {
        return AwsErrors.oneLine(f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")"));
    }

    private static void checkPages(int pages, String nextToken, String operation) {
        if (pages >= MAX_PAGES && nextToken != null && !nextToken.isEmpty()) {
            throw new RetryableException(Reason.AWS_UNAVAILABLE,
                    operation + " kept returning pages after " + MAX_PAGES + " pages");
        }
    }

    private static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsErrors.translate(operation, e);
        }
    }
}
