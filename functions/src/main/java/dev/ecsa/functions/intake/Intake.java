package dev.ecsa.functions.intake;

import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.deregister.DeregisterIntake;
import dev.ecsa.core.deregister.DeregisterSettings;
import dev.ecsa.core.intake.AcceptNodeRequest;
import dev.ecsa.core.intake.RequestRejections;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstances;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.RemoteHost;
import dev.ecsa.core.port.SecretSource;
import dev.ecsa.core.register.BootstrapScripts;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.register.Sleeper;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.restart.RestartAgents;
import dev.ecsa.core.deregister.UpgradeIntake;
import dev.ecsa.core.restart.RestartSettings;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.functions.FunctionsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the node-request function needs, built once at init by the composition root: the adapters of nine ports, the
 * clock, and the settings.
 *
 * @param maxReceives  the queue's maxReceiveCount (the stack's redrive policy): the delivery at this count is the last
 * @param safetyMargin kept back from Lambda's remaining time, so the function records an outcome before it is killed
 * @param managedClusters the clusters a request may name (the stack's IAM covers exactly these); empty = any
 * @param upgradeTargets  the versions an upgrade reaches when its request names none (the stack's targets)
 * @param rollouts        the rollout intake (rollout and rollout-control messages), or {@code null} where the
 *                        function is built without one (in-process benches): those messages are then refused
 */
public record Intake(NodeStore store, HybridActivations activations, ManagedInstances managedInstances,
                     ContainerInstances containerInstances, RemoteHost remoteHost, SecretSource secrets,
                     BootstrapScripts scripts, DrainWorkflow drainWorkflow, EventPublisher events, Clock clock,
                     RegistrationSettings registration, DeregisterSettings deregistration, int maxReceives,
                     Duration safetyMargin, Set<String> managedClusters, TargetVersions upgradeTargets,
                     dev.ecsa.core.fleet.RolloutIntake rollouts) {

    /** The stack's maxReceiveCount for the node-request queue (EcsaStack). */
    public static final int DEFAULT_MAX_RECEIVES = 5;
    /** Time kept back from Lambda's remaining time for recording the outcome. */
    public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(30);

    public Intake {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(managedInstances, "managedInstances");
        Objects.requireNonNull(containerInstances, "containerInstances");
        Objects.requireNonNull(remoteHost, "remoteHost");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(scripts, "scripts");
        Objects.requireNonNull(drainWorkflow, "drainWorkflow");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(deregistration, "deregistration");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        managedClusters = Set.copyOf(managedClusters);
        Objects.requireNonNull(upgradeTargets, "upgradeTargets");
        if (maxReceives < 1) {
            throw new IllegalArgumentException("maxReceives must be at least 1");
        }
    }

    /** Without a rollout intake. */
    public Intake(NodeStore store, HybridActivations activations, ManagedInstances managedInstances,
                  ContainerInstances containerInstances, RemoteHost remoteHost, SecretSource secrets,
                  BootstrapScripts scripts, DrainWorkflow drainWorkflow, EventPublisher events, Clock clock,
                  RegistrationSettings registration, DeregisterSettings deregistration, int maxReceives,
                  Duration safetyMargin, Set<String> managedClusters, TargetVersions upgradeTargets) {
        this(store, activations, managedInstances, containerInstances, remoteHost, secrets, scripts, drainWorkflow,
                events, clock, registration, deregistration, maxReceives, safetyMargin, managedClusters,
                upgradeTargets, null);
    }

    /** Without stack targets for upgrades (each upgrade request names its versions). */
    public Intake(NodeStore store, HybridActivations activations, ManagedInstances managedInstances,
                  ContainerInstances containerInstances, RemoteHost remoteHost, SecretSource secrets,
                  BootstrapScripts scripts, DrainWorkflow drainWorkflow, EventPublisher events, Clock clock,
                  RegistrationSettings registration, DeregisterSettings deregistration, int maxReceives,
                  Duration safetyMargin, Set<String> managedClusters) {
        this(store, activations, managedInstances, containerInstances, remoteHost, secrets, scripts, drainWorkflow,
                events, clock, registration, deregistration, maxReceives, safetyMargin, managedClusters,
                TargetVersions.none());
    }

    /** Without a cluster restriction (tests and benches that name their own clusters). */
    public Intake(NodeStore store, HybridActivations activations, ManagedInstances managedInstances,
                  ContainerInstances containerInstances, RemoteHost remoteHost, SecretSource secrets,
                  BootstrapScripts scripts, DrainWorkflow drainWorkflow, EventPublisher events, Clock clock,
                  RegistrationSettings registration, DeregisterSettings deregistration, int maxReceives,
                  Duration safetyMargin) {
        this(store, activations, managedInstances, containerInstances, remoteHost, secrets, scripts, drainWorkflow,
                events, clock, registration, deregistration, maxReceives, safetyMargin, Set.of(), TargetVersions.none());
    }

    /** The registration settings of a stack (its name, default cluster, SSH key secret and budget). */
    public static RegistrationSettings registrationSettings(FunctionsConfig config) {
        return RegistrationSettings.defaults(config.stackName(), config.cluster(), config.sshKeySecret())
                .withBudget(config.registrationBudget());
    }

    /** The deregistration settings of a stack: its default deadline and policy, within the validator's bounds. */
    public static DeregisterSettings deregisterSettings(FunctionsConfig config) {
        TimeoutPolicy policy = TimeoutPolicy.fromWireName(config.onDrainTimeout()).orElseThrow(
                () -> new IllegalArgumentException(FunctionEnvironment.ON_DRAIN_TIMEOUT + " must be revert, force or keep"));
        return new DeregisterSettings(config.drainTimeout(),
                Duration.ofSeconds(FieldRules.MIN_DRAIN_TIMEOUT_SECONDS),
                Duration.ofSeconds(FieldRules.MAX_DRAIN_TIMEOUT_SECONDS), policy);
    }

    /** The registration use case on these dependencies. */
    public RegisterNode registerNode() {
        return new RegisterNode(store, activations, managedInstances, containerInstances, remoteHost, secrets,
                scripts, events, clock, Sleeper.threadSleep(), registration);
    }

    /** The deregistration intake on these dependencies. */
    public DeregisterIntake deregisterIntake() {
        return new DeregisterIntake(store, managedInstances, containerInstances, drainWorkflow, events, clock,
                deregistration);
    }

    /** The agents' restart on these dependencies (the SSH key of the registrations). */
    public RestartAgents restartAgents() {
        return new RestartAgents(store, managedInstances, containerInstances, remoteHost, secrets,
                new HostScriptsRestart(), events, clock, Sleeper.threadSleep(),
                RestartSettings.defaults(registration.sshKeySecretId()));
    }

    /** The upgrade's intake on these dependencies: the drain's settings and the stack's target versions. */
    public UpgradeIntake upgradeIntake() {
        return new UpgradeIntake(store, managedInstances, containerInstances, drainWorkflow, events, clock,
                deregistration, upgradeTargets);
    }

    /** Rejections of invalid requests on these dependencies. */
    public RequestRejections rejections() {
        return new RequestRejections(store, events, clock);
    }

    /** The use case the node-request function runs for every message. */
    /** The same dependencies, the use cases publishing through {@code publisher}. */
    public Intake withEvents(EventPublisher publisher) {
        return new Intake(store, activations, managedInstances, containerInstances, remoteHost, secrets, scripts,
                drainWorkflow, publisher, clock, registration, deregistration, maxReceives, safetyMargin,
                managedClusters, upgradeTargets, rollouts);
    }

    public AcceptNodeRequest acceptNodeRequest() {
        return new AcceptNodeRequest(registerNode(), deregisterIntake(), restartAgents(), upgradeIntake(), rejections(),
                managedClusters());
    }
}
