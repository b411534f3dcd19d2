package dev.ecsa.core.reconcile;

import dev.ecsa.core.deregister.DrainSettings;
import dev.ecsa.core.deregister.StartDrain;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The fakes of every port the reconciler reads, and helpers that build nodes the way the real flows leave them. */
final class ReconcileWorld {

    static final String CLUSTER = "edge";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    final InMemoryHybridActivations activations = new InMemoryHybridActivations(clock, managed);
    final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    final InMemoryDrainWorkflow drains = new InMemoryDrainWorkflow();
    final InMemoryEventPublisher events = new InMemoryEventPublisher();
    ReconcileSettings settings = ReconcileSettings.defaults(List.of(CLUSTER));
    /** The restart requests the repair sent, in order (the queue, as far as the reconciler sees it). */
    /** Every request the repair sent (restarts, and a re-registration's deregistration and registration). */
    final List<dev.ecsa.core.model.NodeRequest> restartsSent = new java.util.ArrayList<>();
    /** Set to make the next sends fail as an unreachable queue does. */
    int failSends;
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /** A node as a successful registration leaves it: REGISTERED with both ids, activation deleted. */
    record Node(String nodeId, String managedInstanceId, String containerInstanceArn, String requestId) {
    }

    Node registered(String nodeId) {
        String requestId = nextRequest();
        ManagedInstance mi = registerHost(nodeId, requestId, true);
        ContainerInstance ci = containers.register(CLUSTER, mi.instanceId(), Map.of(Classifier.NODE_ATTRIBUTE, nodeId));
        request(requestId, nodeId, Action.REGISTER);
        store.createNodeIfAbsent(new NodeRecord(nodeId, NodeState.REGISTERING, 1, CLUSTER, null, null,
                "SHA256:abc", "192.0.2.10", 22, "ecsa", null, requestId, null, clock.instant(), clock.instant(),
                clock.instant()));
        store.transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(mi.instanceId()).withContainerInstanceArn(ci.arn()));
        return new Node(nodeId, mi.instanceId(), ci.arn(), requestId);
    }

    /** A managed instance registered with a (then deleted, unless {@code delete} is false) activation of the stack. */
    ManagedInstance registerHost(String nodeId, String requestId, boolean delete) {
        Activation a = activations.create(new ActivationSpec(nodeId, requestId, clock.instant().plus(Duration.ofHours(1)),
                Map.of()));
        ManagedInstance mi = activations.registerHost(a.activationId(), a.code(), "192.0.2.10");
        if (delete) {
            activations.delete(a.activationId());
        }
        return mi;
    }

    /** A node a registration has claimed (REGISTERING for {@code requestId}) and nothing more. */
    void registering(String nodeId, String requestId) {
        request(requestId, nodeId, Action.REGISTER);
        store.createNodeIfAbsent(new NodeRecord(nodeId, NodeState.REGISTERING, 1, CLUSTER, null, null, null,
                "192.0.2.11", 22, "ecsa", null, requestId, null, clock.instant(), clock.instant(), clock.instant()));
    }

    /** Starts a drain of a registered node as the intake and StartDrain do; the execution is running. */
    DrainStart drain(Node node, TimeoutPolicy policy) {
        String requestId = nextRequest();
        request(requestId, node.nodeId(), Action.DEREGISTER);
        NodeRecord n = store.getNode(node.nodeId()).orElseThrow();
        DrainStart start = new DrainStart(requestId, node.nodeId(), CLUSTER, node.containerInstanceArn(),
                clock.instant().plus(Duration.ofMinutes(10)), policy, n.version());
        drains.start(start);
        new StartDrain(store, containers, events, clock, DrainSettings.defaults("ssh-key")).handle(start);
        return start;
    }

    /** A drain started on {@code node} whose workflow execution then ended without closing it (stopped, failed). */
    DrainStart stoppedDrain(Node node, TimeoutPolicy policy) {
        DrainStart start = drain(node, policy);
        drains.end(start.requestId());
        return start;
    }

    void request(String requestId, String nodeId, Action action) {
        store.putRequestIfAbsent(new RequestRecord(requestId, nodeId, action, "test", "", RequestStatus.RECEIVED,
                null, List.of(), null, clock.instant(), null));
    }

    String nextRequest() {
        return "req-" + requests.incrementAndGet();
    }

    Reconcile reconcile() {
        return new Reconcile(store, activations, managed, containers, drains, events, clock, settings, request -> {
            if (failSends > 0) {
                failSends--;
                throw new dev.ecsa.core.error.RetryableException(dev.ecsa.core.error.Reason.AWS_UNAVAILABLE,
                        "SQS SendMessage: 503 (injected)");
            }
            restartsSent.add(request);
        });
    }

    ReconcileResult run() {
        return reconcile().run("run-" + runs.incrementAndGet());
    }

    void membershipFixes(int budget) {
        settings = settings.withMembershipFixes(true, budget);
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}
