package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks a registration against SSM and ECS, never the host's word alone: what the host reports must be what SSM lists
 * for the activation and ECS lists for that managed instance, ACTIVE with its agent connected. SSM and ECS lag the
 * host a little, so each look is repeated until it answers or the delivery's budget runs out.
 */
final class RegistrationCheck {

    /** How many times a failed registration looks for what it left when SSM or ECS fails the look retryably. */
    static final int LEFTOVER_LOOKS = 3;

    private final HybridActivations activations;
    private final ManagedInstances managedInstances;
    private final ContainerInstances containerInstances;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Duration agentAbsentWait;
    private final Delivery delivery;

    /**
     * @param agentAbsentWait how long an adoption waits for the container instance of a host that reports no ECS
     *                        agent registered (an earlier run cut short before its agent came up): the verification's
     *                        reserve, not the whole budget
     */
    RegistrationCheck(HybridActivations activations, ManagedInstances managedInstances,
                      ContainerInstances containerInstances, Sleeper sleeper, Duration pollInterval,
                      Duration agentAbsentWait, Delivery delivery) {
        this.activations = activations;
        this.managedInstances = managedInstances;
        this.containerInstances = containerInstances;
        this.sleeper = sleeper;
        this.pollInterval = pollInterval;
        this.agentAbsentWait = agentAbsentWait;
        this.delivery = delivery;
    }

    /** A registration the host completed with one of {@code activationIds}, if ECS shows it ready (one look). */
    Optional<Verified> earlierRegistration(Collection<String> activationIds) {
        for (String id : activationIds) {
            Optional<ManagedInstance> mi = activations.findManagedInstance(id);
            if (mi.isPresent()) {
                Optional<ContainerInstance> ci = findContainerInstance(mi.get().instanceId())
                        .filter(RegistrationCheck::ready);
                if (ci.isPresent()) {
                    return Optional.of(new Verified(mi.get().instanceId(), ci.get().arn(),
                            software(mi.get().agentVersion(), ci.get().agentVersion(), null, mi.get(), ci.get()),
                            "the host registered with earlier activation " + id));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What a failed registration left in AWS: the managed instance the host registered through one of this request's
     * activations (or reported as its own, under this node's name), and its container instance if ECS lists one.
     * A look that SSM or ECS fails retryably is repeated ({@link #LEFTOVER_LOOKS} in all, a poll interval apart, within
     * the delivery's budget): an unrecorded leftover stays in SSM until a deregistration finds it by tag. Empty when
     * nothing is found, or when AWS cannot be asked now (the reconciler reports orphans by tag).
     *
     * @param reported the managed instance id the host reported as its existing registration, or {@code null}
     */
    Optional<Leftover> leftover(Collection<String> activationIds, String reported) {
        for (int look = 1; ; look++) {
            try {
                return lookForLeftover(activationIds, reported);
            } catch (RetryableException e) {
                if (look == LEFTOVER_LOOKS || delivery.remaining().compareTo(pollInterval.multipliedBy(2)) < 0
                        || !pause()) {
                    return Optional.empty();
                }
            } catch (NodeOperationException e) {
                return Optional.empty();
            }
        }
    }

    private Optional<Leftover> lookForLeftover(Collection<String> activationIds, String reported) {
        String mi = registeredThrough(activationIds).stream().findFirst().orElse(null);
        if (mi == null && reported != null && !reported.isEmpty() && managedInstances.describe(reported)
                .filter(m -> delivery.nodeId.equals(m.name())).isPresent()) {
            mi = reported;
        }
        if (mi == null) {
            return Optional.empty();
        }
        String ci = findContainerInstance(mi).filter(c -> !c.status().isGone()).map(ContainerInstance::arn)
                .orElse(null);
        return Optional.of(new Leftover(mi, ci));
    }

    /**
     * Managed instances registered through {@code activationIds} other than {@code keep}: a bootstrap cut short after
     * SSM registered the host but before the host stored its identity leaves one that nothing uses (the next run
     * registers again). Empty when AWS cannot be asked now (the reconciler finds orphans by tag).
     */
    List<String> strays(Collection<String> activationIds, String keep) {
        try {
            return registeredThrough(activationIds).stream().filter(mi -> !mi.equals(keep)).toList();
        } catch (NodeOperationException e) {
            return List.of();
        }
    }

    /** The managed instances SSM lists as registered through {@code activationIds}, in their order. */
    private List<String> registeredThrough(Collection<String> activationIds) {
        List<String> out = new ArrayList<>();
        for (String id : activationIds) {
            activations.findManagedInstance(id).map(ManagedInstance::instanceId).ifPresent(out::add);
        }
        return out;
    }

    /** A partial registration: the managed instance, and the container instance or {@code null}. */
    record Leftover(String managedInstanceId, String containerInstanceArn) {
    }

    /** The host says it registered with {@code activationId}: SSM and ECS must say the same. */
    Verified verify(BootstrapReport report, String activationId) {
        ManagedInstance mi = poll(() -> activations.findManagedInstance(activationId)).orElseThrow(() ->
                new PermanentException(Reason.IDS_MISMATCH, "SSM lists no managed instance for activation "
                        + activationId + ", but the host reported " + report.managedInstanceId()));
        if (!mi.instanceId().equals(report.managedInstanceId())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the host reported " + report.managedInstanceId()
                    + ", SSM lists " + mi.instanceId() + " for activation " + activationId);
        }
        String cluster = delivery.cluster;
        if (report.cluster() != null && !report.cluster().isEmpty() && !cluster.equals(report.cluster())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the host's ECS agent joined cluster "
                    + report.cluster() + ", not " + cluster);
        }
        ContainerInstance ci = readyContainerInstance(mi.instanceId(), Reason.IDS_MISMATCH, null);
        if (!ci.arn().equals(report.containerInstanceArn())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the host reported " + report.containerInstanceArn()
                    + ", ECS lists " + ci.arn() + " for " + mi.instanceId());
        }
        AgentVersions reported = report.agentVersions();
        return new Verified(mi.instanceId(), ci.arn(), software(pick(mi.agentVersion(), reported.ssmAgent()),
                pick(ci.agentVersion(), reported.ecsAgent()), reported.ecsInit(), mi, ci),
                "verified " + mi.instanceId() + " / " + ci.arn() + " in SSM and ECS");
    }

    /**
     * The host is already registered. If SSM lists that managed instance under this node's name and ECS shows it
     * ACTIVE in this cluster, it is this node's own registration (from an earlier, interrupted run): adopt it.
     */
    Verified adopt(BootstrapReport report) {
        String mi = report.managedInstanceId();
        ManagedInstance known = ownManagedInstance(mi).orElseThrow(() -> new PermanentException(
                Reason.PREFLIGHT_FAILED, delivery.hostFailure(report) + " (SSM does not list that registration for node "
                        + delivery.nodeId + ")"));
        // A host whose ECS agent registered is waited for as long as the delivery allows; one that reports none (an
        // earlier run was cut short before its agent came up, or before the agent was installed) only for the
        // verification's reserve: the soak saw three registrations of such a host wait four minutes each.
        boolean hostHasAgent = report.containerInstanceArn() != null && !report.containerInstanceArn().isEmpty();
        return confirmOwn(report, known, Reason.PREFLIGHT_FAILED, hostHasAgent ? null : agentAbsentWait,
                "the host was already registered as %s / %s; SSM and ECS confirm it for this node");
    }

    /**
     * The managed instance of this node's interrupted installation, if the host's existing registration is one: SSM
     * lists it under this node's name and ECS lists no container instance of it with a connected agent. Empty
     * otherwise (then {@link #adopt} decides).
     */
    Optional<String> interruptedInstallation(BootstrapReport report) {
        if (!report.interruptedInstallation()) {
            return Optional.empty();
        }
        String mi = report.managedInstanceId();
        if (ownManagedInstance(mi).isEmpty()) {
            return Optional.empty();
        }
        boolean connected = findContainerInstance(mi).filter(ci -> !ci.status().isGone())
                .filter(ContainerInstance::agentConnected).isPresent();
        return connected ? Optional.empty() : Optional.of(mi);
    }

    /** The bootstrap completed the interrupted installation of {@code mi}: SSM and ECS must confirm the same ids. */
    Verified resumed(BootstrapReport report, String mi) {
        if (!mi.equals(report.managedInstanceId())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the bootstrap completed the installation of " + mi
                    + ", but the host reported " + report.managedInstanceId());
        }
        ManagedInstance known = ownManagedInstance(mi).orElseThrow(() -> new PermanentException(Reason.IDS_MISMATCH,
                "SSM no longer lists " + mi + " for node " + delivery.nodeId));
        if (report.cluster() != null && !report.cluster().isEmpty() && !delivery.cluster.equals(report.cluster())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the host's ECS agent joined cluster "
                    + report.cluster() + ", not " + delivery.cluster);
        }
        return confirmOwn(report, known, Reason.IDS_MISMATCH, null,
                "completed the interrupted installation of %s / %s; SSM and ECS confirm it for this node");
    }

    /** SSM's managed instance {@code mi}, if SSM lists it under this node's name. */
    private Optional<ManagedInstance> ownManagedInstance(String mi) {
        return mi == null || mi.isEmpty() ? Optional.empty()
                : managedInstances.describe(mi).filter(m -> delivery.nodeId.equals(m.name()));
    }

    /** Waits for {@code known}'s container instance, checks it is the one the host reports, and confirms both. */
    private Verified confirmOwn(BootstrapReport report, ManagedInstance known, Reason whenAbsent, Duration atMost,
                                String how) {
        String mi = known.instanceId();
        ContainerInstance ci = readyContainerInstance(mi, whenAbsent, atMost);
        if (report.containerInstanceArn() != null && !report.containerInstanceArn().isEmpty()
                && !ci.arn().equals(report.containerInstanceArn())) {
            throw new PermanentException(Reason.IDS_MISMATCH, "the host runs container instance "
                    + report.containerInstanceArn() + ", ECS lists " + ci.arn() + " for " + mi);
        }
        AgentVersions reported = report.agentVersions();
        return new Verified(mi, ci.arn(), software(pick(known.agentVersion(), reported.ssmAgent()),
                pick(ci.agentVersion(), reported.ecsAgent()), reported.ecsInit(), known, ci),
                String.format(how, mi, ci.arn()));
    }

    /**
     * The container instance of {@code mi}, once ACTIVE with its agent connected; waits while it comes up, for at
     * most {@code atMost} ({@code null}: as long as the delivery allows).
     */
    private ContainerInstance readyContainerInstance(String mi, Reason whenAbsent, Duration atMost) {
        Optional<ContainerInstance> last = poll(() -> {
            Optional<ContainerInstance> ci = findContainerInstance(mi);
            return ci.filter(RegistrationCheck::ready).isPresent() ? ci : Optional.<ContainerInstance>empty();
        }, atMost);
        if (last.isPresent()) {
            return last.get();
        }
        Optional<ContainerInstance> seen = findContainerInstance(mi);
        if (seen.isEmpty()) {
            throw NodeOperationException.of(whenAbsent, "ECS lists no container instance for " + mi
                    + " in cluster " + delivery.cluster);
        }
        throw new RetryableException(Reason.AGENT_NOT_READY, "container instance " + seen.get().arn() + " is "
                + seen.get().status() + (seen.get().agentConnected() ? "" : " with its agent disconnected"));
    }

    /**
     * The container instance of managed instance {@code mi}: by ECS's {@code ec2InstanceId}, or else by the
     * {@value RegistrationSettings#NODE_ATTRIBUTE} attribute the bootstrap wrote into ecs.config, as long as the
     * instance found names no other managed instance (ECS may report the {@code mi-} id late, or not at all for
     * an agent that registered before the SSM agent had its id).
     */
    private Optional<ContainerInstance> findContainerInstance(String mi) {
        Optional<ContainerInstance> byId = containerInstances.findByManagedInstanceId(delivery.cluster, mi);
        if (byId.isPresent()) {
            return byId;
        }
        return containerInstances.findByAttribute(delivery.cluster, RegistrationSettings.NODE_ATTRIBUTE,
                        delivery.nodeId)
                .filter(ci -> ci.managedInstanceId() == null || ci.managedInstanceId().isEmpty()
                        || ci.managedInstanceId().equals(mi));
    }

    /**
     * Calls {@code look} until it finds something or the budget runs out. A look that AWS throttled (after the
     * SDK's own retries) counts as not found yet: the next look comes an interval later, so many registrations
     * polling at once slow down instead of failing their deliveries.
     */
    private <T> Optional<T> poll(Supplier<Optional<T>> look) {
        return poll(look, null);
    }

    /** Looks until {@code look} finds something, the delivery's time runs out, or {@code atMost} (if given) passes. */
    private <T> Optional<T> poll(Supplier<Optional<T>> look, Duration atMost) {
        Duration startedWith = delivery.remaining();
        while (true) {
            Optional<T> found;
            try {
                found = look.get();
            } catch (RetryableException e) {
                if (e.reason() != Reason.THROTTLED) {
                    throw e;
                }
                found = Optional.empty();
            }
            if (found.isPresent()) {
                return found;
            }
            if (delivery.remaining().compareTo(pollInterval) <= 0 || atMost != null
                    && startedWith.minus(delivery.remaining()).plus(pollInterval).compareTo(atMost) > 0) {
                return Optional.empty();
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException(Reason.TIMED_OUT, "interrupted while waiting for SSM and ECS");
            }
        }
    }

    /** Waits a poll interval; false if interrupted (the interrupt is kept). */
    private boolean pause() {
        try {
            sleeper.sleep(pollInterval);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The agents' versions, with Docker's from ECS and the platform from SSM. The agents' own are SSM's and ECS's
     * ({@code 1.82.0}, as the reconciler and an upgrade record them, so {@code ecsa versions} counts one version once),
     * the host's report ({@code Amazon ECS Agent - v1.82.0 (...)}) only when they do not say.
     */
    private static AgentVersions software(String ssmAgent, String ecsAgent, String ecsInit, ManagedInstance mi,
                                          ContainerInstance ci) {
        return new AgentVersions(ssmAgent, ecsAgent, ecsInit, ci.dockerVersion(), mi.platformName(),
                mi.platformVersion(), null);
    }

    private static boolean ready(ContainerInstance ci) {
        return ci.status() == ContainerInstanceStatus.ACTIVE && ci.agentConnected();
    }

    private static String pick(String preferred, String fallback) {
        return preferred != null && !preferred.isEmpty() ? preferred : fallback;
    }
}
