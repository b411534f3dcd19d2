package dev.ecsa.functions;

import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.functions.aws.EcsContainerInstances;
import dev.ecsa.functions.aws.EventBridgeEventPublisher;
import dev.ecsa.functions.aws.SecretsManagerSecretSource;
import dev.ecsa.functions.aws.SfnDrainWorkflow;
import dev.ecsa.functions.aws.SsmHybridActivations;
import dev.ecsa.functions.aws.SsmManagedInstances;
import dev.ecsa.functions.drain.DrainSteps;
import dev.ecsa.functions.dynamo.DynamoDbNodeStore;
import dev.ecsa.functions.host.InstallScriptPin;
import dev.ecsa.functions.intake.Intake;
import dev.ecsa.functions.intake.TemplateBootstrapScripts;
import dev.ecsa.functions.reconcile.ReconcileDeps;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one place where the functions' adapters are built, once per Lambda environment, at init (so SnapStart
 * snapshots them): every SDK client with the URL-connection HTTP client, explicit region and credentials, and every
 * adapter on them. The handlers' no-arg constructors reach it through {@link Intake.Provider} and
 * {@link DrainSteps.Provider} and {@link ReconcileDeps.Provider} (listed in META-INF/services); the local mode builds the same graph with
 * {@link #CompositionRoot(FunctionsConfig, AwsClients.Settings, InstallScriptPin, Clock)}.
 */
public final class CompositionRoot implements Intake.Provider, DrainSteps.Provider, ReconcileDeps.Provider {

    private static volatile Components shared;

    /** Used by ServiceLoader in Lambda: everything from the environment. */
    public CompositionRoot() {
    }

    @Override
    public Intake intake() {
        return components().intake();
    }

    @Override
    public DrainSteps drainSteps() {
        return components().drainSteps();
    }

    @Override
    public ReconcileDeps reconcileDeps() {
        return components().reconcileDeps(System.getenv());
    }

    private static Components components() {
        Components c = shared;
        if (c == null) {
            synchronized (CompositionRoot.class) {
                c = shared;
                if (c == null) {
                    FunctionsConfig config = FunctionsConfig.from(System.getenv());
                    c = new Components(config, AwsClients.Settings.lambda(), productionPin(config), Clock.systemUTC());
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
        return new Components(config, aws, pin, clock);
    }

    /** Every adapter, built once. */
    public static final class Components {
        private final FunctionsConfig config;
        private final AwsClients clients;
        private final NodeStore store;
        private final HybridActivations activations;
        private final ManagedInstances managedInstances;
        private final ContainerInstances containerInstances;
        private final RemoteHost remoteHost;
        private final SecretSource secrets;
        private final EventPublisher events;
        private final Clock clock;
        private final TemplateBootstrapScripts.Settings scriptSettings;

        Components(FunctionsConfig config, AwsClients.Settings aws, InstallScriptPin pin, Clock clock) {
            this(config, aws, TemplateBootstrapScripts.Settings.production(aws.region().id(),
                    config.installScriptUrl(), pin, config.ecsAgentVersion()), clock);
        }

        /** With explicit bootstrap settings (the bench serves the install script over plain HTTP). */
        public Components(FunctionsConfig config, AwsClients.Settings aws, TemplateBootstrapScripts.Settings scripts,
                          Clock clock) {
            this.config = config;
            this.clock = clock;
            this.clients = new AwsClients(aws);
            this.store = new DynamoDbNodeStore(clients.dynamoDb(), config.tableName(), config.requestRetention(), clock);
            this.activations = new SsmHybridActivations(clients.ssm(), config.ecsAnywhereRole(), config.stackName());
            this.managedInstances = new SsmManagedInstances(clients.ssm());
            this.containerInstances = new EcsContainerInstances(clients.ecs());
            this.remoteHost = new SshjRemoteHost();
            this.secrets = new SecretsManagerSecretSource(clients.secretsManager());
            this.events = new EventBridgeEventPublisher(clients.eventBridge(), config.eventBus());
            this.scriptSettings = scripts;
        }

        /** What the node-request function needs. */
        public Intake intake() {
            return new Intake(store, activations, managedInstances, containerInstances, remoteHost, secrets,
                    new TemplateBootstrapScripts(scriptSettings),
                    drainWorkflow(), events, clock,
                    Intake.registrationSettings(config), Intake.deregisterSettings(config),
                    config.maxReceives(), Intake.DEFAULT_SAFETY_MARGIN);
        }

        /** What the reconcile function needs; {@code env} carries the reconciler's own settings. */
        public ReconcileDeps reconcileDeps(java.util.Map<String, String> env) {
            return new ReconcileDeps(store, activations, managedInstances, containerInstances, drainWorkflow(),
                    events, clock, ReconcileDeps.settings(env, config), config.stackName());
        }

        private SfnDrainWorkflow drainWorkflow() {
            return new SfnDrainWorkflow(clients.sfn(), config.drainStateMachineArn());
        }

        /** What the drain function needs. */
        public DrainSteps drainSteps() {
            return new DrainSteps(store, containerInstances, managedInstances, remoteHost, secrets, events, clock,
                    DrainSteps.settings(config));
        }

        public FunctionsConfig config() {
            return config;
        }

        public AwsClients clients() {
            return clients;
        }

        public NodeStore store() {
            return store;
        }

        public HybridActivations activations() {
            return activations;
        }

        public ManagedInstances managedInstances() {
            return managedInstances;
        }

        public ContainerInstances containerInstances() {
            return containerInstances;
        }

        public EventPublisher events() {
            return events;
        }

        public Clock clock() {
            return clock;
        }
    }

    /**
     * The install-script pin of a deployment: a configured SHA-256 wins; otherwise the signing key is fetched from its
     * URL once, at init. The key's download needs no trust: the host refuses it unless its primary fingerprint equals
     * the configured pin.
     */
    static InstallScriptPin productionPin(FunctionsConfig config) {
        if (!config.installScriptSha256().isEmpty()) {
            return new InstallScriptPin.Sha256(config.installScriptSha256());
        }
        return new InstallScriptPin.Gpg(fetch(config.installScriptGpgKeyUrl()), config.installScriptGpgFingerprint());
    }

    private static String fetch(String url) {
        Supplier<IllegalStateException> failure = () -> new IllegalStateException(
                "cannot fetch the install script's signing key from " + url
                        + " (set ECSA_INSTALL_SCRIPT_SHA256, or give the functions a route to that URL)");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("BEGIN PGP PUBLIC KEY BLOCK")) {
                throw failure.get();
            }
            return response.body();
        } catch (IOException e) {
            throw failure.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.get();
        }
    }
}
