package dev.ecsa.functions;


import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.reconcile.ReconcileStore;
import dev.ecsa.core.reconcile.RepairRequests;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.SfnRolloutWorkflow;
import dev.ecsa.functions.aws.SsmChangeCalendars;
import dev.ecsa.core.fleet.ChangeCalendars;
import dev.ecsa.core.fleet.RolloutIntake;
import dev.ecsa.core.fleet.RolloutStepper;
import dev.ecsa.core.fleet.RolloutStore;
import dev.ecsa.store.DynamoDbRolloutStore;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.drain.DrainPorts;
import dev.ecsa.functions.drain.HostScriptsUpgrade;
import dev.ecsa.core.deregister.UpgradeAgents;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.host.OpenPgpKeys;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.functions.metrics.EmfOutcomeMetrics;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import dev.ecsa.functions.ssh.LazyRemoteHost;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one place where the functions' adapters are built, once per Lambda environment, at init (so SnapStart
 * snapshots them): every SDK client with the URL-connection HTTP client, explicit region and credentials, and every
 * adapter on them. The handlers' no-arg constructors (what Lambda calls) ask it for their function's dependencies:
 * {@link #nodeRequest()}, {@link #drainStep()}, {@link #reconcile()}; tests build the same graph on the bench with
 * {@link #build(FunctionsConfig, AwsClients.Settings, InstallScriptPin, Clock)}.
 */
public final class CompositionRoot {

    private static volatile Components shared;

    private CompositionRoot() {
    }

    /** The node-request function's dependencies, from the environment Lambda gives it. */
    static Intake nodeRequest() {
        FunctionEnvironment.requireAll(System.getenv(), FunctionEnvironment.NODE_REQUEST_REQUIRED, "NodeRequest");
        return components().intake();
    }

    /** The drain function's dependencies, from the environment Lambda gives it. */
    static DrainPorts drainStep() {
        FunctionEnvironment.requireAll(System.getenv(), FunctionEnvironment.DRAIN_STEP_REQUIRED, "DrainStep");
        return components().drainSteps();
    }

    /** The rollout function's dependencies, from the environment Lambda gives it. */
    static RolloutStepper rolloutStep() {
        FunctionEnvironment.requireAll(System.getenv(), FunctionEnvironment.ROLLOUT_STEP_REQUIRED, "RolloutStep");
        return components().rolloutStepper();
    }

    /** The reconcile function's dependencies, from the environment Lambda gives it. */
    static ReconcileDeps reconcile() {
        FunctionEnvironment.requireAll(System.getenv(), FunctionEnvironment.RECONCILE_REQUIRED, "Reconcile");
        return components().reconcileDeps(System.getenv());
    }

    private static Components components() {
        Components c = shared;
        if (c == null) {
            synchronized (CompositionRoot.class) {
                c = shared;
                if (c == null) {
                    FunctionsConfig config = FunctionsConfig.from(System.getenv());
                    c = new Components(config, AwsClients.Settings.lambda(), () -> productionPin(config),
                            Clock.systemUTC());
                    SnapshotPriming.register(c.clients());
                    shared = c;
                }
            }
        }
        return c;
    }

    /**
     * Builds the graph on explicit settings (the local mode and integration tests point {@code aws} at the bench).
     */
    public static Components build(FunctionsConfig config, AwsClients.Settings aws, InstallScriptPin pin, Clock clock) {
        return new Components(config, aws, () -> pin, clock);
    }

    /**
     * Every adapter, each built once, when a function first needs it: the reconciler never builds the SSH adapter or
     * the Secrets Manager client, and no function builds SSHJ's configuration before it contacts a host
     * ({@link LazyRemoteHost}), so each init pays for its own function only.
     */
    public static final class Components {
        private final FunctionsConfig config;
        private final AwsClients clients;
        private final Clock clock;
        private final String region;
        private final Supplier<TemplateBootstrapScripts.Settings> scriptSettings;
        private final Once<ReconcileStore> store = new Once<>(() -> new DynamoDbNodeStore(clients().dynamoDb(),
                config().tableName(), config().requestRetention(), clock()));
        private final Once<HybridActivations> activations = new Once<>(() -> new SsmHybridActivations(clients().ssm(),
                config().ecsAnywhereRole(), config().stackName()));
        private final Once<ManagedInstances> managedInstances = new Once<>(
                () -> new SsmManagedInstances(clients().ssm(), config().stackName()));
        private final Once<RolloutStore> rollouts = new Once<>(() -> new DynamoDbRolloutStore(clients().dynamoDb(),
                config().tableName()));
        private final Once<ChangeCalendars> calendars = new Once<>(() -> new SsmChangeCalendars(clients().ssm()));
        private final Once<ContainerInstances> containerInstances = new Once<>(
                () -> new EcsContainerInstances(clients().ecs()));
        private final Once<RemoteHost> remoteHost = new Once<>(() -> new LazyRemoteHost(SshjRemoteHost::new));
        private final Once<SecretSource> secrets = new Once<>(
                () -> new SecretsManagerSecretSource(clients().secretsManager()));
        private final Once<EventPublisher> events = new Once<>(() -> new EmfOutcomeMetrics(
                clients().eventPublisher(config().eventBus()), config().stackName(),
                System.out, clock()));

        /** The pin is asked for only when the node-request function's dependencies are built. */
        Components(FunctionsConfig config, AwsClients.Settings aws, Supplier<InstallScriptPin> pin, Clock clock) {
            this(config, aws, clock, () -> TemplateBootstrapScripts.Settings.production(aws.region().id(),
                    config.installScriptUrl(), pin.get(), config.ecsAgentVersion()));
        }

        /** With explicit bootstrap settings (the bench serves the install script over plain HTTP). */
        public Components(FunctionsConfig config, AwsClients.Settings aws, TemplateBootstrapScripts.Settings scripts,
                          Clock clock) {
            this(config, aws, clock, () -> scripts);
        }

        private Components(FunctionsConfig config, AwsClients.Settings aws, Clock clock,
                           Supplier<TemplateBootstrapScripts.Settings> scripts) {
            this.config = config;
            this.clock = clock;
            this.clients = new AwsClients(aws);
            this.region = aws.region().id();
            this.scriptSettings = scripts;
        }

        /** What the node-request function needs. */
        public Intake intake() {
            return new Intake(reconcileStore(), activations(), managedInstances(), containerInstances(), remoteHost(),
                    secrets(), new TemplateBootstrapScripts(scriptSettings.get()),
                    drainWorkflow(), events(), clock,
                    Intake.registrationSettings(config), Intake.deregisterSettings(config),
                    config.maxReceives(), Intake.DEFAULT_SAFETY_MARGIN, Set.copyOf(config.clusters()),
                    config.targets(), config.rolloutStateMachineArn().isEmpty() ? null : rolloutIntake());
        }

        /**
         * Rollout and rollout-control messages: planned and recorded here, run by the rollout workflow. Only with the
         * workflow's ARN (the stack always sets it; a graph built without it refuses those messages).
         */
        private RolloutIntake rolloutIntake() {
            return new RolloutIntake(rollouts.get(), reconcileStore(), containerInstances(), calendars.get(),
                    new SfnRolloutWorkflow(clients.sfn(), config.rolloutStateMachineArn()), events(), clock,
                    Set.copyOf(config.clusters()), config.cluster(), Set.copyOf(config.changeCalendars()));
        }

        /** What the rollout function needs: one step of a rollout's workflow. */
        public RolloutStepper rolloutStepper() {
            return new RolloutStepper(rollouts.get(), reconcileStore(), containerInstances(), calendars.get(),
                    clients.repairRequests(config.requestQueueUrl(), endpointOf(System.getenv(), "SQS")), events(),
                    clock, Set.copyOf(config.clusters()), RolloutStepHandler::decode,
                    Set.copyOf(config.changeCalendars()),
                    new SfnRolloutWorkflow(clients.sfn(), config.rolloutStateMachineArn()),
                    config.rolloutStepsPerExecution());
        }

        /** What the reconcile function needs; {@code env} carries the reconciler's own settings. */
        public ReconcileDeps reconcileDeps(java.util.Map<String, String> env) {
            ReconcileSettings settings = ReconcileDeps.settings(env, config);
            RepairRequests restarts = RepairRequests.none();
            if (settings.repair().restart()) {
                String queue = env.get(FunctionEnvironment.REQUEST_QUEUE_URL);
                if (queue == null || queue.isBlank()) {
                    throw new IllegalStateException(FunctionEnvironment.REPAIR_RESTART + " is on but "
                            + FunctionEnvironment.REQUEST_QUEUE_URL + " is not set: the repair has nowhere to send");
                }
                restarts = clients.repairRequests(queue, endpointOf(env, "SQS"));
            }
            return new ReconcileDeps(reconcileStore(), activations(), managedInstances(), containerInstances(),
                    drainWorkflow(), events(), clock, settings, config.stackName(), restarts);
        }

        /** The endpoint the platform names for a service, as the SDK's clients read it, if any. */
        private static java.net.URI endpointOf(java.util.Map<String, String> env, String service) {
            String v = env.getOrDefault("AWS_ENDPOINT_URL_" + service, env.get("AWS_ENDPOINT_URL"));
            return v == null || v.isBlank() ? null : java.net.URI.create(v.trim());
        }

        private SfnDrainWorkflow drainWorkflow() {
            return new SfnDrainWorkflow(clients.sfn(), config.drainStateMachineArn());
        }

        /** What the drain function needs. */
        public DrainPorts drainSteps() {
            return new DrainPorts(reconcileStore(), containerInstances(), managedInstances(), remoteHost(), secrets(),
                    events(), clock, DrainPorts.settings(config), new HostScriptsUpgrade(HostScriptsUpgrade.Settings.of(
                            region, config.agentPackageUrl(), config.agentPackageKey(),
                            config.agentPackageKeyFingerprints(), HostScriptsUpgrade.AGENT_WAIT)),
                    UpgradeAgents.UpgradeSettings.defaults());
        }

        public FunctionsConfig config() {
            return config;
        }

        public AwsClients clients() {
            return clients;
        }

        public NodeStore store() {
            return store.get();
        }

        private ReconcileStore reconcileStore() {
            return store.get();
        }

        public HybridActivations activations() {
            return activations.get();
        }

        public ManagedInstances managedInstances() {
            return managedInstances.get();
        }

        public ContainerInstances containerInstances() {
            return containerInstances.get();
        }

        private RemoteHost remoteHost() {
            return remoteHost.get();
        }

        private SecretSource secrets() {
            return secrets.get();
        }

        public EventPublisher events() {
            return events.get();
        }

        public Clock clock() {
            return clock;
        }
    }

    /** A value built by its first {@link #get()}, then kept. */
    private static final class Once<T> {
        private final Supplier<T> factory;
        private T value;

        Once(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (value == null) {
                value = factory.get();
            }
            return value;
        }
    }

    /**
     * The install-script pin of a deployment: a configured SHA-256 wins; otherwise Amazon ECS's signing key, shipped
     * in the zip. Nothing is fetched: with SnapStart, init runs when a version is published, and a function without
     * a route to the internet would fail the deploy. The shipped key's primary fingerprint is computed here and must
     * equal the configured pin; the host checks it again with gpg before it verifies the script.
     */
    static InstallScriptPin productionPin(FunctionsConfig config) {
        if (!config.installScriptSha256().isEmpty()) {
            return new InstallScriptPin.Sha256(config.installScriptSha256());
        }
        String key = OpenPgpKeys.shippedEcsSigningKey();
        InstallScriptPin.Gpg pin = new InstallScriptPin.Gpg(key, config.installScriptGpgFingerprint());
        String shipped = OpenPgpKeys.primaryFingerprint(key);
        if (!shipped.equals(pin.primaryFingerprint())) {
            throw new IllegalStateException("the signing key shipped in the zip has fingerprint " + shipped
                    + ", not the configured ECSA_INSTALL_SCRIPT_GPG_FINGERPRINT " + pin.primaryFingerprint()
                    + ": pin the install script by ECSA_INSTALL_SCRIPT_SHA256 instead, or use the shipped key");
        }
        return pin;
    }
}
