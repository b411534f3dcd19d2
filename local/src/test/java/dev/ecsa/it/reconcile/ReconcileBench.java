package dev.ecsa.it.reconcile;

import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.reconcile.Reconcile;
import dev.ecsa.core.reconcile.ReconcileResult;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One stack on the bench: the production adapters against the control-plane simulator and dynalite, with a stack
 * name, IAM role, cluster and table of its own so tests sharing a simulator do not see each other's resources.
 */
final class ReconcileBench {

    static final String STACK_TAG = SsmHybridActivations.STACK_TAG;
    static final String NODE_ATTRIBUTE = "ecsa.nodeId";

    final ControlPlaneSimulator sim;
    final AwsClients clients;
    private final AwsClients dynamoClients;
    final String stack = "Stack" + UUID.randomUUID().toString().substring(0, 8);
    final String role = "role-" + stack;
    final String cluster = "cluster-" + stack;
    final String table = "inventory-" + stack;
    final MutableClock clock = new MutableClock(Instant.now());
    final DynamoDbNodeStore store;
    final SsmHybridActivations activations;
    final SsmManagedInstances managed;
    final EcsContainerInstances containers;
    final EventPublisher events;
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    ReconcileBench(ControlPlaneSimulator sim, DynaliteServer dynamo, URI sfnEndpoint) {
        this.sim = sim;
        this.clients = clients(sim.endpoint(), sim.config().region());
        sim.createCluster(cluster);
        this.dynamoClients = clients(dynamo.endpoint(), sim.config().region());
        var dynamoClient = dynamoClients.dynamoDb();
        InventoryTable.ensure(dynamoClient, table, Duration.ofSeconds(30));
        this.store = new DynamoDbNodeStore(dynamoClient, table, Duration.ofDays(30), clock);
        this.activations = new SsmHybridActivations(clients.ssm(), role, stack);
        this.managed = new SsmManagedInstances(clients.ssm(), stack);
        this.containers = new EcsContainerInstances(clients.ecs());
        this.events = clients.eventPublisher("default");
    }

    static AwsClients clients(URI endpoint, String region) {
        return new AwsClients(AwsClients.Settings.aws(Region.of(region))
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .withEndpoint(endpoint));
    }

    record Node(String nodeId, String managedInstanceId, String containerInstanceArn, String requestId) {
    }

    /** What a successful registration leaves: an instance in SSM and in ECS, both ids stored, activation deleted. */
    Node registered(String nodeId) {
        String requestId = nextRequest();
        String mi = registerHost(nodeId, requestId, true);
        String arn = sim.registerContainerInstance(cluster, mi, Map.of(NODE_ATTRIBUTE, nodeId),
                Map.of(STACK_TAG, stack));
        request(requestId, nodeId, Action.REGISTER);
        store.createNodeIfAbsent(new NodeRecord(nodeId, NodeState.REGISTERING, 1, cluster, null, null, "SHA256:x",
                "192.0.2.10", 22, "ecsa", null, requestId, null, clock.instant(), clock.instant(), clock.instant()));
        store.transition(nodeId, new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId(mi).withContainerInstanceArn(arn));
        return new Node(nodeId, mi, arn, requestId);
    }

    /** A host registered with an activation of this stack, as the install script does; returns the mi- id. */
    String registerHost(String nodeId, String requestId, boolean deleteActivation) {
        Activation a = activations.create(new ActivationSpec(nodeId, requestId, Instant.now().plus(
                Duration.ofMinutes(30)), Map.of()));
        String mi = sim.registerManagedInstance(a.activationId(), a.code(), nodeId, "192.0.2.10");
        if (deleteActivation) {
            activations.delete(a.activationId());
        }
        return mi;
    }

    void request(String requestId, String nodeId, Action action) {
        store.putRequestIfAbsent(new RequestRecord(requestId, nodeId, action, "it", "", RequestStatus.RECEIVED, null,
                List.of(), null, clock.instant(), null));
    }

    String nextRequest() {
        return stack + "-req-" + requests.incrementAndGet();
    }

    Reconcile reconcile(ReconcileSettings settings, DrainWorkflow drains) {
        return new Reconcile(store, activations, managed, containers, drains, events, clock, settings);
    }

    ReconcileResult run(ReconcileSettings settings, DrainWorkflow drains) {
        return reconcile(settings, drains).run(stack + "-run-" + runs.incrementAndGet());
    }

    /** The same table through a store with another clock. */
    DynamoDbNodeStore storeWithClock(java.time.Clock other) {
        return new DynamoDbNodeStore(dynamoClients.dynamoDb(), table, Duration.ofDays(30), other);
    }

    ReconcileSettings settings() {
        return ReconcileSettings.defaults(List.of(cluster));
    }

    void close() {
        clients.close();
        dynamoClients.close();
    }
}
