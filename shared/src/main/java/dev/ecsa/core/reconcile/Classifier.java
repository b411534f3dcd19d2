package dev.ecsa.core.reconcile;

import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.DrainExecution;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.state.NodeState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the three views of a {@link Fleet} and produces the findings, with no I/O: every decision about what is
 * wrong lives here, every action in {@link Reconcile}. One pass over each view with hash indexes: O(N).
 */
final class Classifier {

    /** The ECS attribute the registration writes with the node id (the {@code ecsa.} prefix is the service's own). */
    static final String NODE_ATTRIBUTE = "ecsa.nodeId";

    /** States in which the node is registered and both instances should exist and be connected. */
    static final Set<NodeState> EXPECTED = EnumSet.of(NodeState.REGISTERED, NodeState.DRAIN_KEPT);
    /** States in which an operation is in flight: partial registrations are normal, only time tells stuck. */

    private final Fleet fleet;
    private final ReconcileSettings settings;
    private final Instant now;

    private final Map<String, NodeRecord> nodesById = new HashMap<>();
    private final Map<String, ListedManagedInstance> ssmById = new LinkedHashMap<>();
    private final Map<String, List<ListedManagedInstance>> ssmByName = new HashMap<>();
    private final Map<String, ContainerInstance> ecsByArn = new LinkedHashMap<>();
    private final Map<String, List<ContainerInstance>> ecsByMi = new HashMap<>();
    private final Set<String> claimedMi = new HashSet<>();
    private final Set<String> claimedArn = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<InventoryUpdate> inventory = new ArrayList<>();
    private final List<HealthCheck> health = new ArrayList<>();
    private int ok;

    Classifier(Fleet fleet, ReconcileSettings settings, Instant now) {
        this.fleet = fleet;
        this.settings = settings;
        this.now = now;
        for (NodeRecord n : fleet.nodes()) {
            nodesById.put(n.nodeId(), n);
        }
        for (ListedManagedInstance m : fleet.managedInstances()) {
            ssmById.put(m.instance().instanceId(), m);
            if (m.instance().name() != null) {
                ssmByName.computeIfAbsent(m.instance().name(), k -> new ArrayList<>()).add(m);
            }
        }
        for (ContainerInstance ci : fleet.containerInstances()) {
            ecsByArn.put(ci.arn(), ci);
            if (ci.managedInstanceId() != null) {
                ecsByMi.computeIfAbsent(ci.managedInstanceId(), k -> new ArrayList<>()).add(ci);
            }
        }
    }

    /**
     * The findings, the number of nodes with nothing to report, and the nodes whose software, as SSM and ECS report it
     * now, differs from what their items hold.
     */
    record Result(List<Finding> findings, int ok, List<InventoryUpdate> inventory, List<HealthCheck> health) {
    }

    /**
     * What this run saw of a registered node's agents, for the repair ({@link Repair}). {@code observed} is false when
     * neither SSM nor ECS lists the node (a finding of its own; its health is left as it was).
     *
     * @param containerInstance the node's container instance as ECS lists it, or {@code null}
     * @param since             when the problem began as far as AWS says (SSM's last ping), else this run
     */
    record HealthCheck(NodeRecord node, ContainerInstance containerInstance, boolean observed, boolean unhealthy,
                       String problem, Instant since) {
    }

    /** A node item to rewrite with the versions observed now (conditional on the node still being in {@code state}). */
    record InventoryUpdate(String nodeId, NodeState state, AgentVersions versions) {
    }

    Result classify() {
        for (NodeRecord n : fleet.nodes()) {
            if (n.state().isBusy()) {
                busy(n);
            } else if (EXPECTED.contains(n.state())) {
                expected(n);
            } else {
                gone(n);
            }
        }
        strayManagedInstances();
        strayContainerInstances();
        activations();
        return new Result(List.copyOf(findings), ok, List.copyOf(inventory), List.copyOf(health));
    }

    // ---- nodes of the inventory ----

    private void busy(NodeRecord n) {
        claim(n);
        if (n.state() == NodeState.REGISTERING) {
            if (n.updatedAt().plus(settings.stuckAfter()).isBefore(now)) {
                add(node(FindingType.STUCK_OPERATION, n, "registration by request " + n.lastRequestId()
                        + " has shown no progress since " + n.updatedAt() + " (limit " + settings.stuckAfter()
                        + "); it will be closed as failed", n.updatedAt(), FixKind.SAFE));
                return;
            }
            ok++;
            return;
        }
        // The grace counts from the move into DRAINING or DEREGISTERING, not from the item's last write: a note
        // written on the item since (the reconciler's own, a health check's) must not keep a stopped drain open.
        if (!n.stateChangedAt().plus(settings.grace()).isBefore(now)) {
            ok++;
            return;
        }
        DrainExecution execution = n.lastRequestId() == null ? null : fleet.executions().get(n.lastRequestId());
        if (execution != null && execution.running()) {
            ok++;
            return;
        }
        String why = execution == null ? "no drain workflow was ever started for request " + n.lastRequestId()
                : "the drain workflow of request " + n.lastRequestId() + " has ended";
        FixKind kind = FixKind.SAFE;
        String what;
        if (n.state() == NodeState.DRAINING) {
            var policy = execution != null && execution.input() != null ? execution.input().policy()
                    : settings.defaultPolicy();
            kind = policy == dev.ecsa.core.model.TimeoutPolicy.FORCE ? FixKind.MEMBERSHIP : FixKind.SAFE;
            what = "the drain's timeout policy " + policy.wireName() + " applies";
        } else {
            what = "the deregistration will be closed as failed";
        }
        add(node(FindingType.STUCK_OPERATION, n, "node " + n.state() + " since " + n.stateChangedAt() + " but " + why
                + "; " + what, n.updatedAt(), kind));
    }

    private void expected(NodeRecord n) {
        claim(n);
        boolean clusterKnown = n.cluster() != null && settings.clusters().contains(n.cluster());
        List<String> mismatch = new ArrayList<>();
        if (n.managedInstanceId() == null) {
            mismatch.add("no managed instance id is stored");
        }
        if (n.containerInstanceArn() == null) {
            mismatch.add("no container instance ARN is stored");
        }
        ListedManagedInstance ssm = n.managedInstanceId() == null ? null : ssmById.get(n.managedInstanceId());
        if (ssm == null) {
            ListedManagedInstance named = first(ssmByName.get(n.nodeId()));
            if (named != null && n.managedInstanceId() != null) {
                mismatch.add("SSM does not know stored managed instance " + n.managedInstanceId() + " but has "
                        + named.instance().instanceId() + " named after the node");
                ssm = named;
            }
        }
        if (ssm != null) {
            claimedMi.add(ssm.instance().instanceId());
        }
        ContainerInstance ci = null;
        if (clusterKnown) {
            ci = n.containerInstanceArn() == null ? null : ecsByArn.get(n.containerInstanceArn());
            if (ci != null && n.managedInstanceId() != null && !n.managedInstanceId().equals(ci.managedInstanceId())) {
                mismatch.add("container instance " + ci.arn() + " reports ec2InstanceId " + ci.managedInstanceId()
                        + ", the node stores " + n.managedInstanceId());
            }
            if (ci == null && n.managedInstanceId() != null) {
                ContainerInstance byMi = first(ecsByMi.get(n.managedInstanceId()));
                if (byMi != null) {
                    mismatch.add("stored container instance " + n.containerInstanceArn() + " is not in ECS, which "
                            + "has " + byMi.arn() + " for managed instance " + n.managedInstanceId());
                    ci = byMi;
                }
            }
            if (ci != null) {
                claimedArn.add(ci.arn());
            }
        }
        boolean ecsPresent = !clusterKnown || ci != null;
        int before = findings.size();
        if (ssm != null && !ecsPresent) {
            add(node(FindingType.ORPHAN_IN_SSM, n, "the node is " + n.state() + " and managed instance "
                    + ssm.instance().instanceId() + " exists, but its container instance is gone from ECS cluster "
                    + n.cluster(), now, FixKind.NONE));
        } else if (ssm == null && ci != null) {
            add(node(FindingType.ORPHAN_IN_ECS, n, "the node is " + n.state() + " and container instance " + ci.arn()
                    + " exists, but its managed instance " + n.managedInstanceId() + " is gone from SSM", now,
                    FixKind.NONE));
        } else if (ssm == null && clusterKnown) {
            mismatch.add("the node is " + n.state() + " but neither SSM nor ECS knows it");
        }
        if (!mismatch.isEmpty()) {
            add(node(FindingType.MISMATCH, n, String.join("; ", mismatch), now, FixKind.NONE));
        }
        List<String> disconnected = new ArrayList<>();
        Instant since = now;
        if (ci != null && !ci.agentConnected()) {
            disconnected.add("ECS reports the agent of " + ci.arn() + " disconnected");
        }
        if (ssm != null && ssm.instance().pingStatus() != PingStatus.ONLINE) {
            disconnected.add("SSM reports " + ssm.instance().instanceId() + " " + ssm.instance().pingStatus()
                    + (ssm.lastPingAt() == null ? "" : ", last ping " + ssm.lastPingAt()));
            if (ssm.lastPingAt() != null && ssm.lastPingAt().isBefore(since)) {
                since = ssm.lastPingAt();
            }
        }
        if (!disconnected.isEmpty()) {
            add(node(FindingType.AGENT_DISCONNECTED, n, String.join("; ", disconnected), since, FixKind.NONE));
        }
        // The repair's view adds what a connected agent reports failing: the instance's own health checks.
        List<String> problems = new ArrayList<>(disconnected);
        if (ci != null && ci.agentConnected() && ci.impaired()) {
            problems.add("ECS reports container instance " + ci.arn() + " IMPAIRED (a health check its agent runs, "
                    + "such as the container runtime's, fails)");
        }
        health.add(new HealthCheck(n, ci, ci != null || ssm != null, !problems.isEmpty(), String.join("; ", problems),
                since));
        AgentVersions observed = observed(n.agentVersions(), ssm, ci);
        if (!observed.sameSoftware(n.agentVersions())) {
            inventory.add(new InventoryUpdate(n.nodeId(), n.state(), observed.observedAt(now)));
        }
        List<String> behind = settings.targets().behind(observed);
        if (!behind.isEmpty()) {
            add(node(FindingType.AGENT_OUTDATED, n, "behind the stack's target: " + String.join("; ", behind), now,
                    FixKind.NONE));
        }
        if (ci != null && ci.status() == ContainerInstanceStatus.DRAINING && n.state() == NodeState.REGISTERED
                && !n.health().quarantined()) { // a quarantine being released is the repair's
            add(node(FindingType.STUCK_OPERATION, n, "container instance " + ci.arn() + " is DRAINING but no drain "
                    + "of this service runs (the node is REGISTERED): someone else drained it", now, FixKind.NONE));
        }
        if (findings.size() == before) {
            ok++;
        }
    }

    /**
     * What runs on the node as SSM and ECS report it now; what they do not report (ecs-init's version, or anything
     * when an instance is missing from a listing) stays as recorded.
     */
    private static AgentVersions observed(AgentVersions recorded, ListedManagedInstance ssm, ContainerInstance ci) {
        ManagedInstance mi = ssm == null ? null : ssm.instance();
        return new AgentVersions(
                pick(mi == null ? null : mi.agentVersion(), recorded.ssmAgent()),
                pick(ci == null ? null : ci.agentVersion(), recorded.ecsAgent()),
                recorded.ecsInit(),
                pick(ci == null ? null : ci.dockerVersion(), recorded.docker()),
                pick(mi == null ? null : mi.platformName(), recorded.platformName()),
                pick(mi == null ? null : mi.platformVersion(), recorded.platformVersion()),
                recorded.observedAt());
    }

    private static String pick(String reported, String recorded) {
        return reported == null || reported.isBlank() ? recorded : reported;
    }

    /** A node that should have nothing left in AWS: what it left behind is an orphan of that node. */
    private void gone(NodeRecord n) {
        int before = findings.size();
        if (n.managedInstanceId() != null && ssmById.containsKey(n.managedInstanceId())) {
            claimedMi.add(n.managedInstanceId());
            add(stray(FindingType.ORPHAN_IN_SSM, n.managedInstanceId(), n.nodeId(), null, n.managedInstanceId(), null,
                    "managed instance " + n.managedInstanceId() + " is still registered but the node is "
                            + n.state()));
        }
        List<ContainerInstance> left = new ArrayList<>();
        if (n.containerInstanceArn() != null && ecsByArn.containsKey(n.containerInstanceArn())) {
            left.add(ecsByArn.get(n.containerInstanceArn()));
        }
        if (n.managedInstanceId() != null) {
            for (ContainerInstance ci : ecsByMi.getOrDefault(n.managedInstanceId(), List.of())) {
                if (!left.contains(ci)) {
                    left.add(ci);
                }
            }
        }
        for (ContainerInstance ci : left) {
            claimedArn.add(ci.arn());
            add(stray(FindingType.ORPHAN_IN_ECS, ci.arn(), n.nodeId(), ci.cluster(), ci.managedInstanceId(), ci.arn(),
                    "container instance " + ci.arn() + " is still " + ci.status() + " but the node is " + n.state()));
        }
        if (findings.size() == before) {
            ok++;
        }
    }

    // ---- stray resources ----

    private void strayManagedInstances() {
        for (ListedManagedInstance m : ssmById.values()) {
            ManagedInstance mi = m.instance();
            if (claimedMi.contains(mi.instanceId())) {
                continue;
            }
            NodeRecord owner = mi.name() == null ? null : nodesById.get(mi.name());
            if (owner != null && owner.state().isBusy()) {
                continue; // a registration in flight has not stored its ids yet
            }
            add(stray(FindingType.ORPHAN_IN_SSM, mi.instanceId(), mi.name(), null, mi.instanceId(), null,
                    "managed instance " + mi.instanceId() + " (named " + mi.name() + ") carries this stack's tag but "
                            + (owner == null ? "the inventory has no such node"
                            : "node " + owner.nodeId() + " is " + owner.state() + " with managed instance "
                            + owner.managedInstanceId())));
        }
    }

    private void strayContainerInstances() {
        for (ContainerInstance ci : ecsByArn.values()) {
            if (claimedArn.contains(ci.arn())) {
                continue;
            }
            String named = ci.attributes().get(NODE_ATTRIBUTE);
            ListedManagedInstance ssm = ci.managedInstanceId() == null ? null : ssmById.get(ci.managedInstanceId());
            if (named == null && ssm == null) {
                continue; // not this service's: another team's instance in a shared cluster
            }
            String nodeId = named != null ? named : ssm.instance().name();
            NodeRecord owner = nodeId == null ? null : nodesById.get(nodeId);
            if (owner != null && owner.state().isBusy()) {
                continue;
            }
            add(stray(FindingType.ORPHAN_IN_ECS, ci.arn(), nodeId, ci.cluster(), ci.managedInstanceId(), ci.arn(),
                    "container instance " + ci.arn() + " (" + ci.status() + ", node " + nodeId + ") belongs to this "
                            + "stack but " + (owner == null ? "the inventory has no such node"
                            : "node " + owner.nodeId() + " does not hold it")));
        }
    }

    private void activations() {
        for (ActivationInfo a : fleet.activations()) {
            NodeRecord owner = a.nodeId() == null ? null : nodesById.get(a.nodeId());
            boolean inUse = owner != null && owner.state() == NodeState.REGISTERING
                    && Objects.equals(owner.lastRequestId(), a.requestId());
            boolean young = a.createdAt() != null && a.createdAt().plus(settings.grace()).isAfter(now);
            if (!a.expired() && (inUse || young)) {
                continue;
            }
            String state = a.expired() ? "expired" : a.usedUp() ? "used up" : "unused";
            Instant since = a.expired() && a.expiresAt() != null ? a.expiresAt()
                    : a.createdAt() != null ? a.createdAt() : now;
            add(new Finding(FindingType.LEFTOVER_ACTIVATION, a.activationId(), a.nodeId(), null, null, null,
                    a.activationId(), a.requestId(), "activation " + a.activationId() + " of request " + a.requestId()
                    + " is " + state + " and was not deleted", since, FixKind.SAFE, FixAction.REPORTED, "", null));
        }
    }

    // ---- helpers ----

    private void claim(NodeRecord n) {
        if (n.managedInstanceId() != null) {
            claimedMi.add(n.managedInstanceId());
        }
        if (n.containerInstanceArn() != null) {
            claimedArn.add(n.containerInstanceArn());
        }
        if (n.managedInstanceId() != null && n.state().isBusy()) {
            for (ContainerInstance ci : ecsByMi.getOrDefault(n.managedInstanceId(), List.of())) {
                claimedArn.add(ci.arn());
            }
        }
    }

    private void add(Finding f) {
        findings.add(f);
    }

    private static Finding node(FindingType type, NodeRecord n, String detail, Instant since, FixKind kind) {
        return new Finding(type, n.nodeId(), n.nodeId(), n.cluster(), n.managedInstanceId(), n.containerInstanceArn(),
                null, n.lastRequestId(), detail, since, kind, FixAction.REPORTED, "", null);
    }

    private Finding stray(FindingType type, String subject, String nodeId, String cluster, String mi, String arn,
                          String detail) {
        return new Finding(type, subject, nodeId, cluster, mi, arn, null, null, detail, now, FixKind.MEMBERSHIP,
                FixAction.REPORTED, "", null);
    }

    private static <T> T first(List<T> list) {
        return list == null || list.isEmpty() ? null : list.get(0);
    }
}
