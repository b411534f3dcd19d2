package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ECS container instances and their tasks in memory, with the ECS rules the lifecycle depends on: only ACTIVE and
 * DRAINING can be set, DRAINING only from ACTIVE; draining asks service tasks to stop (desired STOPPED) but leaves
 * them running until {@link #finishStopping} — so "still stopping" is observable — and never touches standalone
 * tasks; deregistering with tasks left needs {@code force}; a deregistered instance is INACTIVE.
 */
public final class InMemoryContainerInstances implements ContainerInstances {

    private final Map<String, ContainerInstance> instances = new LinkedHashMap<>();
    private final Map<String, List<TaskInfo>> tasks = new LinkedHashMap<>();
    private final List<String> statusChanges = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private int statusFailures;

    /** Registers an ACTIVE, connected container instance for a managed instance, as the ECS agent would. */
    public synchronized ContainerInstance register(String cluster, String managedInstanceId,
                                                   Map<String, String> attributes) {
        String arn = "arn:aws:ecs:eu-west-1:123456789012:container-instance/" + cluster + "/"
                + String.format("%032x", sequence.incrementAndGet());
        ContainerInstance ci = new ContainerInstance(arn, cluster, managedInstanceId, ContainerInstanceStatus.ACTIVE,
                true, 0, 0, "1.90.0", attributes, "25.0.5");
        instances.put(arn, ci);
        tasks.put(arn, new ArrayList<>());
        return ci;
    }

    /** Places a task on an instance. */
    public synchronized void addTask(String containerInstanceArn, TaskInfo task) {
        instance(containerInstanceArn);
        tasks.get(containerInstanceArn).add(task);
    }

    /** Sets a task's statuses (a task finishing, or its owner stopping it). */
    public synchronized void setTaskStatus(String taskArn, String lastStatus, String desiredStatus) {
        for (List<TaskInfo> list : tasks.values()) {
            for (int i = 0; i < list.size(); i++) {
                TaskInfo t = list.get(i);
                if (t.arn().equals(taskArn)) {
                    list.set(i, new TaskInfo(t.arn(), t.group(), lastStatus, desiredStatus, t.serviceTask()));
                    return;
                }
            }
        }
        throw new IllegalArgumentException("no task " + taskArn);
    }

    /** Every task told to stop reaches STOPPED, as the agent eventually reports. */
    public synchronized void finishStopping() {
        for (List<TaskInfo> list : tasks.values()) {
            list.replaceAll(t -> TaskInfo.STOPPED.equals(t.desiredStatus())
                    ? new TaskInfo(t.arn(), t.group(), TaskInfo.STOPPED, TaskInfo.STOPPED, t.serviceTask()) : t);
        }
    }

    /** Sets an instance's status directly (another actor, e.g. an operator in the console). */
    public synchronized void forceStatus(String containerInstanceArn, ContainerInstanceStatus status) {
        put(instance(containerInstanceArn), status);
    }

    @Override
    public synchronized Optional<ContainerInstance> findByManagedInstanceId(String cluster, String managedInstanceId) {
        return instances.values().stream()
                .filter(ci -> ci.cluster().equals(cluster) && managedInstanceId.equals(ci.managedInstanceId())
                        && ci.status() != ContainerInstanceStatus.INACTIVE)
                .findFirst().map(this::withCounts);
    }

    @Override
    public synchronized Optional<ContainerInstance> findByAttribute(String cluster, String name, String value) {
        return instances.values().stream()
                .filter(ci -> ci.cluster().equals(cluster) && value.equals(ci.attributes().get(name))
                        && ci.status() != ContainerInstanceStatus.INACTIVE)
                .findFirst().map(this::withCounts);
    }

    @Override
    public synchronized Optional<ContainerInstance> describe(String cluster, String arn) {
        ContainerInstance ci = instances.get(arn);
        return ci == null || !ci.cluster().equals(cluster) ? Optional.empty() : Optional.of(withCounts(ci));
    }

    @Override
    public synchronized boolean setStatus(String cluster, String arn, ContainerInstanceStatus status) {
        if (statusFailures > 0) {
            statusFailures--;
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "ECS UpdateContainerInstancesState: 503 (injected)");
        }
        if (status != ContainerInstanceStatus.ACTIVE && status != ContainerInstanceStatus.DRAINING) {
            throw new IllegalArgumentException("only ACTIVE and DRAINING can be set, not " + status);
        }
        ContainerInstance ci = instances.get(arn);
        if (ci == null || !ci.cluster().equals(cluster) || ci.status() == ContainerInstanceStatus.INACTIVE) {
            throw new PermanentException(Reason.NOT_FOUND, "container instance " + arn + " is gone");
        }
        if (ci.status() == status) {
            return false;
        }
        ContainerInstanceStatus allowedFrom = status == ContainerInstanceStatus.DRAINING
                ? ContainerInstanceStatus.ACTIVE : ContainerInstanceStatus.DRAINING;
        if (ci.status() != allowedFrom) {
            throw new PermanentException(Reason.CONFLICT, "cannot set " + status + " from " + ci.status());
        }
        put(ci, status);
        statusChanges.add(arn + " " + status);
        if (status == ContainerInstanceStatus.DRAINING) {
            // Service tasks are asked to stop; standalone tasks are not affected (UpdateContainerInstancesState doc).
            tasks.get(arn).replaceAll(t -> t.serviceTask() && !t.stopped()
                    ? new TaskInfo(t.arn(), t.group(), t.lastStatus(), TaskInfo.STOPPED, true) : t);
        }
        return true;
    }

    @Override
    public synchronized void deregister(String cluster, String arn, boolean force) {
        ContainerInstance ci = instances.get(arn);
        if (ci == null || !ci.cluster().equals(cluster) || ci.status() == ContainerInstanceStatus.INACTIVE) {
            return;
        }
        boolean busy = tasks.get(arn).stream().anyMatch(t -> !t.stopped());
        if (busy && !force) {
            throw new PermanentException(Reason.CONFLICT, "container instance " + arn + " still has tasks");
        }
        put(ci, ContainerInstanceStatus.INACTIVE);
        statusChanges.add(arn + " DEREGISTERED" + (force ? " (force)" : ""));
    }

    @Override
    public synchronized List<TaskInfo> listTasks(String cluster, String arn) {
        ContainerInstance ci = instances.get(arn);
        if (ci == null || !ci.cluster().equals(cluster)) {
            return List.of();
        }
        return List.copyOf(tasks.get(arn));
    }

    /** Every container instance of the cluster but INACTIVE ones, in registration order. */
    @Override
    public synchronized List<ContainerInstance> listAll(String cluster) {
        return instances.values().stream()
                .filter(ci -> ci.cluster().equals(cluster) && ci.status() != ContainerInstanceStatus.INACTIVE)
                .map(this::withCounts).toList();
    }

    /**
     * The cluster's load: each instance registers 4096 CPU units and 7680 MiB; each task not yet stopped reserves 256
     * and 512 (a service task if its group is {@code service:...}); tasks are listed for every instance.
     */
    @Override
    public synchronized dev.ecsa.core.port.ClusterLoad load(String cluster, java.util.Set<String> tasksOf) {
        List<dev.ecsa.core.port.ClusterLoad.Instance> out = new ArrayList<>();
        for (ContainerInstance ci : listAll(cluster)) {
            List<dev.ecsa.core.port.ClusterLoad.Task> reserved = tasks.get(ci.arn()).stream()
                    .filter(t -> !t.stopped()).map(t -> new dev.ecsa.core.port.ClusterLoad.Task(t.arn(), t.group(),
                            256, 512, t.serviceTask())).toList();
            out.add(new dev.ecsa.core.port.ClusterLoad.Instance(ci.arn(), ci.managedInstanceId(), ci.status(),
                    ci.agentConnected(), 4096, 7680, 4096 - 256 * reserved.size(), 7680 - 512 * reserved.size(),
                    reserved));
        }
        return new dev.ecsa.core.port.ClusterLoad(cluster, out);
    }

    /** Connects or disconnects an instance's ECS agent, as the agent (or a network outage) would. */
    public synchronized void setAgentConnected(String containerInstanceArn, boolean connected) {
        ContainerInstance ci = instance(containerInstanceArn);
        instances.put(ci.arn(), new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), ci.status(),
                connected, 0, 0, ci.agentVersion(), ci.attributes(), ci.dockerVersion(), ci.healthStatus()));
    }

    /** Sets the instance's health as its agent reports it ({@code OK}, {@code IMPAIRED}, ...). */
    public synchronized void setHealthStatus(String containerInstanceArn, String healthStatus) {
        ContainerInstance ci = instance(containerInstanceArn);
        instances.put(ci.arn(), new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), ci.status(),
                ci.agentConnected(), 0, 0, ci.agentVersion(), ci.attributes(), ci.dockerVersion(), healthStatus));
    }

    /** Sets the versions the instance's agent reports, as an upgraded agent would on reconnecting. */
    public synchronized void setVersions(String containerInstanceArn, String agentVersion, String dockerVersion) {
        ContainerInstance ci = instance(containerInstanceArn);
        instances.put(ci.arn(), new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), ci.status(),
                ci.agentConnected(), 0, 0, agentVersion, ci.attributes(), dockerVersion, ci.healthStatus()));
    }

    /** The next {@code n} status changes fail with a 503, as ECS does now and then. */
    public synchronized void failNextStatusChanges(int n) {
        statusFailures = n;
    }

    /** Every status change this fake made on behalf of a caller, e.g. {@code "<arn> DRAINING"}. */
    public synchronized List<String> statusChanges() {
        return List.copyOf(statusChanges);
    }

    private ContainerInstance instance(String arn) {
        ContainerInstance ci = instances.get(arn);
        if (ci == null) {
            throw new IllegalArgumentException("no container instance " + arn);
        }
        return ci;
    }

    private void put(ContainerInstance ci, ContainerInstanceStatus status) {
        instances.put(ci.arn(), new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), status,
                ci.agentConnected(), 0, 0, ci.agentVersion(), ci.attributes(), ci.dockerVersion(), ci.healthStatus()));
    }

    private ContainerInstance withCounts(ContainerInstance ci) {
        List<TaskInfo> list = tasks.get(ci.arn());
        int running = (int) list.stream().filter(t -> "RUNNING".equals(t.desiredStatus())).count();
        int pending = (int) list.stream().filter(t -> "PENDING".equals(t.lastStatus())).count();
        return new ContainerInstance(ci.arn(), ci.cluster(), ci.managedInstanceId(), ci.status(), ci.agentConnected(),
                running, pending, ci.agentVersion(), ci.attributes(), ci.dockerVersion(), ci.healthStatus());
    }
}
