package dev.ecsa.local.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * AWS's API rate limits as token buckets, one per category of operations, shared by every caller of the account
 * (the simulator is one account in one region). A call takes a token; an empty bucket answers
 * {@code ThrottlingException}, as the services do. A bucket holds at most {@code capacity} tokens (the burst) and
 * refills at {@code refillPerSecond} (the sustained rate), continuously.
 *
 * <p>Where the figures come from:
 * <ul>
 *   <li><b>ECS</b>: the Amazon ECS API Reference, "Request throttling for the Amazon ECS API", bucket sizes and
 *       refill rates per action category, all Regions: cluster resource modify actions
 *       (UpdateContainerInstancesState, DeregisterContainerInstance, PutAttributes, DeleteAttributes, StopTask,
 *       RunTask, StartTask) 100 burst, 40/s; cluster resource read actions (DescribeContainerInstances,
 *       ListContainerInstances, DescribeTasks, ListTasks, ListAttributes) 100 burst, 20/s; cluster read actions
 *       (DescribeClusters, ListClusters) 50 burst, 20/s; service read actions (DescribeServices, ListServices) 100
 *       burst, 20/s; agent modify actions (RegisterContainerInstance, Submit*StateChange) 200 burst, 120/s.</li>
 *   <li><b>SSM</b>: AWS publishes no rates for CreateActivation, DeleteActivation, DescribeActivations,
 *       DescribeInstanceInformation, DeregisterManagedInstance or the tagging actions (the Systems Manager quotas
 *       list none, and users report throttling with no figure). The simulator assumes low ones on purpose, so a
 *       fleet run meets them: activation writes (Create/DeleteActivation) 10 burst, 5/s; managed-instance writes
 *       (DeregisterManagedInstance, AddTagsToResource, RemoveTagsFromResource) 10 burst, 5/s; reads
 *       (DescribeInstanceInformation, DescribeActivations, ListTagsForResource) 40 burst, 20/s.</li>
 * </ul>
 * Operations outside the table (Secrets Manager, EventBridge, the agents' endpoints) are not limited.
 */
public final class RateLimits {

    /** A category: the operations sharing one bucket, its burst and its sustained rate. */
    public record Category(String name, List<String> operations, int capacity, double refillPerSecond) {

        public Category {
            Objects.requireNonNull(name, "name");
            operations = List.copyOf(operations);
            if (capacity < 1 || !(refillPerSecond > 0)) {
                throw new IllegalArgumentException("a bucket needs a capacity of at least 1 and a positive refill");
            }
        }
    }

    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    private static final String SSM = "AmazonSSM.";

    /** The figures above. */
    public static final List<Category> AWS = List.of(
            new Category("ecs: cluster resource modify", ecs("UpdateContainerInstancesState",
                    "DeregisterContainerInstance", "PutAttributes", "DeleteAttributes", "StopTask", "RunTask",
                    "StartTask"), 100, 40),
            new Category("ecs: cluster resource read", ecs("DescribeContainerInstances", "ListContainerInstances",
                    "DescribeTasks", "ListTasks", "ListAttributes"), 100, 20),
            new Category("ecs: cluster read", ecs("DescribeClusters", "ListClusters"), 50, 20),
            new Category("ecs: service read", ecs("DescribeServices", "ListServices"), 100, 20),
            new Category("ecs: agent modify", ecs("RegisterContainerInstance", "SubmitContainerStateChange",
                    "SubmitTaskStateChange", "SubmitAttachmentStateChanges"), 200, 120),
            new Category("ssm: activation writes (assumed)", ssm("CreateActivation", "DeleteActivation"), 10, 5),
            new Category("ssm: managed-instance writes (assumed)", ssm("DeregisterManagedInstance",
                    "AddTagsToResource", "RemoveTagsFromResource"), 10, 5),
            new Category("ssm: reads (assumed)", ssm("DescribeInstanceInformation", "DescribeActivations",
                    "ListTagsForResource"), 40, 20));

    private final Map<String, Bucket> byOperation = new LinkedHashMap<>();
    private final LongSupplier nanoTime;

    private RateLimits(List<Category> categories, LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        for (Category c : categories) {
            Bucket bucket = new Bucket(c, nanoTime.getAsLong());
            for (String operation : c.operations()) {
                if (byOperation.put(operation, bucket) != null) {
                    throw new IllegalArgumentException(operation + " is in two categories");
                }
            }
        }
    }

    /** No limits: every call passes (the default, so tests that count calls are not perturbed). */
    public static RateLimits none() {
        return new RateLimits(List.of(), System::nanoTime);
    }

    /** AWS's limits ({@link #AWS}), on the system's monotonic clock. */
    public static RateLimits aws() {
        return of(AWS, System::nanoTime);
    }

    /** These categories, on this monotonic clock (nanoseconds). */
    public static RateLimits of(List<Category> categories, LongSupplier nanoTime) {
        return new RateLimits(categories, nanoTime);
    }

    /** The category that limits {@code operation} (a wire name such as {@code AmazonSSM.CreateActivation}), if any. */
    public Optional<Category> categoryOf(String operation) {
        return Optional.ofNullable(byOperation.get(operation)).map(b -> b.category);
    }

    /** Takes a token for {@code operation}; {@code false} means throttled. Operations outside the table pass. */
    public boolean tryAcquire(String operation) {
        Bucket bucket = byOperation.get(operation);
        return bucket == null || bucket.tryTake(nanoTime.getAsLong());
    }

    private static List<String> ecs(String... names) {
        return Arrays.stream(names).map(n -> ECS + n).toList();
    }

    private static List<String> ssm(String... names) {
        return Arrays.stream(names).map(n -> SSM + n).toList();
    }

    private static final class Bucket {
        final Category category;
        private double tokens;
        private long updatedNanos;

        Bucket(Category category, long now) {
            this.category = category;
            this.tokens = category.capacity();
            this.updatedNanos = now;
        }

        synchronized boolean tryTake(long now) {
            if (now > updatedNanos) {
                tokens = Math.min(category.capacity(),
                        tokens + (now - updatedNanos) / 1e9 * category.refillPerSecond());
                updatedNanos = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
