package dev.ecsa.core.port;

import java.util.List;
import java.util.Optional;

/** ECS container instances of external (ECS Anywhere) nodes. */
public interface ContainerInstances {

    /**
     * The container instance whose {@code ec2InstanceId} is this managed instance id (cluster query
     * {@code ec2InstanceId == mi-…}), in any status but INACTIVE. Read-only.
     */
    Optional<ContainerInstance> findByManagedInstanceId(String cluster, String managedInstanceId);

    /** The container instance carrying this custom attribute value (the node id attribute). Read-only. */
    Optional<ContainerInstance> findByAttribute(String cluster, String attributeName, String attributeValue);

    /** The container instance, or empty if ECS reports it missing. INACTIVE instances are returned as such. */
    Optional<ContainerInstance> describe(String cluster, String containerInstanceArn);

    /**
     * Sets the status to {@link ContainerInstanceStatus#ACTIVE} or {@link ContainerInstanceStatus#DRAINING} (the only
     * two ECS allows). Idempotent: setting the status the instance already has changes nothing.
     *
     * @return {@code true} if this call changed the status, {@code false} if it already had it — a drain uses this
     *     to know whether it set DRAINING itself (and so may revert it)
     * @throws dev.ecsa.core.error.NodeOperationException NOT_FOUND if the instance is gone, CONFLICT if ECS
     *     refuses the change from its current status (e.g. DRAINING from REGISTERING)
     */
    boolean setStatus(String cluster, String containerInstanceArn, ContainerInstanceStatus status);

    /**
     * Deregisters the container instance. With {@code force}, tasks still on it are orphaned (service tasks are
     * started elsewhere). Idempotent: an instance that is missing or INACTIVE counts as done.
     *
     * @throws dev.ecsa.core.error.NodeOperationException CONFLICT if tasks are still running and {@code force} is false
     */
    void deregister(String cluster, String containerInstanceArn, boolean force);

    /**
     * The tasks on the instance whatever their desired status (ListTasks with desiredStatus RUNNING and with STOPPED,
     * then DescribeTasks), so tasks that are still stopping are seen. May include tasks already STOPPED;
     * {@link dev.ecsa.core.deregister.DrainCheck} ignores those. Read-only.
     */
    List<TaskInfo> listTasks(String cluster, String containerInstanceArn);

    /**
     * Every container instance of the cluster in any status but INACTIVE (what ListContainerInstances returns without
     * a status), external or not. Read-only, for the reconciler. Cost: ListContainerInstances 100 per page, and one
     * DescribeContainerInstances per page of 100: 2 * ceil(N / 100) calls.
     *
     * <p>Default: unsupported (implementations that are not listings, e.g. test decorators, need not offer it).
     */
    default List<ContainerInstance> listAll(String cluster) {
        throw new UnsupportedOperationException(getClass().getName() + " does not list container instances");
    }

    /**
     * The cluster's load, for a rollout's disruption budget and capacity check: every container instance in any status
     * but INACTIVE with its registered and remaining CPU and memory, and, for the instances named in {@code tasksOf}
     * (the ones a rollout may drain), the CPU and memory reservation of each task whose desired status is RUNNING.
     * Read-only. Cost: the listing of {@link #listAll}, plus per named instance a ListTasks (authorized on the
     * container instance) and DescribeTasks 100 at a time.
     *
     * <p>Default: unsupported (as {@link #listAll}).
     */
    default ClusterLoad load(String cluster, java.util.Set<String> tasksOf) {
        throw new UnsupportedOperationException(getClass().getName() + " does not read cluster load");
    }
}
