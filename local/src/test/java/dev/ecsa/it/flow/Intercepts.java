package dev.ecsa.it.flow;

import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hooks around the production adapters of activations and container instances: they let a test act at a precise point
 * of a registration (age the activation, re-register the container instance, crash the process) and keep the
 * activation codes SSM handed out so a test can search for them. The calls themselves always reach the real adapter.
 */
public final class Intercepts {

    /** A named point of the flow. */
    public enum Point {
        /** Right after SSM created an activation; the argument is its id. */
        ACTIVATION_CREATED,
        /** Before an activation is deleted; the argument is its id. */
        ACTIVATION_DELETING,
        /** Before SSM is asked for the managed instance of an activation; the argument is the activation id. */
        FIND_MANAGED_INSTANCE,
        /** Before ECS is asked for the container instance of a managed instance; the argument is the mi- id. */
        FIND_CONTAINER_INSTANCE
    }

    /** What a test does at a point; may throw (a {@link SimulatedCrash} takes the "process" down). */
    @FunctionalInterface
    public interface Hook {
        void at(Point point, String argument);
    }

    private final List<String> codes = new ArrayList<>();
    private volatile Hook hook = (p, a) -> { };
    /** Set by a crash: every later call fails the same way until the invocation is over (the process is gone). */
    private volatile boolean down;

    public void hook(Hook h) {
        hook = h;
    }

    public void clear() {
        hook = (p, a) -> { };
    }

    /** The activation codes SSM handed out so far, oldest first. */
    public List<String> codes() {
        synchronized (codes) {
            return List.copyOf(codes);
        }
    }

    /** The invocation that crashed is over: the next one runs in a fresh "process". */
    void revive() {
        down = false;
    }

    private void at(Point point, String argument) {
        if (down) {
            throw new SimulatedCrash(point + " after the crash");
        }
        try {
            hook.at(point, argument);
        } catch (SimulatedCrash e) {
            down = true;
            throw e;
        }
    }

    HybridActivations activations(HybridActivations real) {
        return new HybridActivations() {
            @Override
            public Activation create(ActivationSpec spec) {
                if (down) {
                    throw new SimulatedCrash("create after the crash");
                }
                Activation a = real.create(spec);
                synchronized (codes) {
                    codes.add(a.code());
                }
                at(Point.ACTIVATION_CREATED, a.activationId());
                return a;
            }

            @Override
            public void delete(String activationId) {
                at(Point.ACTIVATION_DELETING, activationId);
                real.delete(activationId);
            }

            @Override
            public Optional<ManagedInstance> findManagedInstance(String activationId) {
                at(Point.FIND_MANAGED_INSTANCE, activationId);
                return real.findManagedInstance(activationId);
            }

            @Override
            public List<String> findForRequest(String nodeId, String requestId) {
                return real.findForRequest(nodeId, requestId);
            }
        };
    }

    ContainerInstances containerInstances(ContainerInstances real) {
        return new ContainerInstances() {
            @Override
            public Optional<ContainerInstance> findByManagedInstanceId(String cluster, String managedInstanceId) {
                at(Point.FIND_CONTAINER_INSTANCE, managedInstanceId);
                return real.findByManagedInstanceId(cluster, managedInstanceId);
            }

            @Override
            public Optional<ContainerInstance> findByAttribute(String cluster, String name, String value) {
                return real.findByAttribute(cluster, name, value);
            }

            @Override
            public Optional<ContainerInstance> describe(String cluster, String containerInstanceArn) {
                return real.describe(cluster, containerInstanceArn);
            }

            @Override
            public boolean setStatus(String cluster, String containerInstanceArn, ContainerInstanceStatus status) {
                return real.setStatus(cluster, containerInstanceArn, status);
            }

            @Override
            public void deregister(String cluster, String containerInstanceArn, boolean force) {
                real.deregister(cluster, containerInstanceArn, force);
            }

            @Override
            public List<TaskInfo> listTasks(String cluster, String containerInstanceArn) {
                return real.listTasks(cluster, containerInstanceArn);
            }
        };
    }
}
