package dev.ecsa.core.reconcile;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.ContainerInstances;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import dev.ecsa.core.validation.FieldRules;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The health-gated repair of one reconcile run: keeps each registered node's health streak ({@link NodeHealth}),
 * reports a node unhealthy once its streak outlasts the debounce, quarantines it when enabled, asks for its agents to
 * be restarted (a {@code restart} request on the queue, once per streak) when enabled, and releases a quarantine of
 * its own once the node stayed healthy as long. Two safeties hold every action back: the stack-wide
 * pause ({@link RepairPause}), and a cluster where more than {@link RepairSettings#maxUnhealthyPercent()} of the
 * registered nodes are unhealthy at once (then it reports {@link FindingType#REPAIR_SUSPENDED}; releases still go on,
 * they only add capacity).
 *
 * <p>Every node write is conditional on the node's state (and, for a move, its version) as the run read it: a node a
 * request moved meanwhile is left to the next run. A quarantine moves the node first and sets DRAINING second, a
 * release sets ACTIVE before it forgets the quarantine, so a failure half-way is finished by the next run and a
 * request never finds an instance set ACTIVE under its drain. Cost: nothing for a healthy fleet; one write per node
 * whose health changed, within the run's write budget; two ECS calls and one or two writes per quarantine or release.
 */
final class Repair {

    /** Who the repair's requests name as their sender. */
    static final String REQUESTED_BY = "ecsa-reconciler";
    /** The request's reason field's limit (the validator's). */
    private static final int MAX_REASON = FieldRules.MAX_REASON;

    /** What the run found and did: findings to record, and how many node writes it spent. */
    record Result(List<Finding> findings, int writes) {
    }

    private final ReconcileStore store;
    private final ContainerInstances containers;
    private final EventPublisher events;
    private final Clock clock;
    private final RepairSettings settings;
    private final RepairRequests requests;

    Repair(ReconcileStore store, ContainerInstances containers, EventPublisher events, Clock clock,
           RepairSettings settings, RepairRequests requests) {
        this.store = store;
        this.containers = containers;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.requests = requests;
    }

    Result run(String runId, List<Classifier.HealthCheck> checks, int writeBudget) {
        Instant now = clock.instant();
        List<Finding> findings = new ArrayList<>();
        // Per cluster: registered nodes, unhealthy now (an outage starts all at once: counted before any is past the
        // debounce, so no node of it is acted on), unhealthy past the debounce (only those make the finding worth one).
        Map<String, int[]> clusters = new TreeMap<>();
        List<Seen> seen = new ArrayList<>(checks.size());
        for (Classifier.HealthCheck c : checks) {
            if (c.node().health().reregistering()) {
                continue; // the last resort runs: followUp tracks it
            }
            NodeHealth before = c.node().health();
            NodeHealth after = !c.observed() ? before
                    : c.unhealthy() ? before.unhealthy(c.since(), c.problem()) : before.healthy(now);
            seen.add(new Seen(c, after));
            int[] count = clusters.computeIfAbsent(clusterName(c.node()), k -> new int[3]);
            count[0]++;
            if (c.unhealthy()) {
                count[1]++;
                if (after.unhealthyFor(settings.unhealthyAfter(), now)) {
                    count[2]++;
                }
            }
        }
        Map<String, String> suspended = new TreeMap<>();
        clusters.forEach((cluster, count) -> {
            if (count[1] > 0 && settings.outage(count[1], count[0])) {
                String why = count[1] + " of " + count[0] + " registered nodes of cluster " + cluster + " are unhealthy "
                        + "now (" + (count[1] * 100 / count[0]) + "%), more than the repair's limit of "
                        + settings.maxUnhealthyPercent() + "%";
                suspended.put(cluster, why);
                if (count[2] > 0) {
                    findings.add(new Finding(FindingType.REPAIR_SUSPENDED, cluster, null, cluster, null, null, null,
                            null, why + ": that is a network or AWS problem rather than a node problem, so repair waits "
                            + "in this cluster until fewer are", now, FixKind.NONE, FixAction.REPORTED, "", null));
                }
            }
        });
        Optional<RepairPause> pause = store.repairPause();

        int writes = 0;
        for (Seen e : seen) {
            Classifier.HealthCheck c = e.check();
            NodeRecord n = c.node();
            NodeHealth before = n.health();
            NodeHealth after = e.after();
            String heldBy = pause.map(RepairPause::describe).orElse(suspended.containsKey(clusterName(n))
                    ? "repair is suspended in this cluster: " + suspended.get(clusterName(n)) : null);
            boolean written = false;
            if (c.unhealthy() && after.unhealthyFor(settings.unhealthyAfter(), now)) {
                Finding f = unhealthy(n, after);
                if (heldBy != null) {
                    f = f.acted(FixAction.SKIPPED_SAFETY, heldBy, null);
                } else if (writes >= writeBudget) {
                    f = f.acted(FixAction.REPORTED, "the run's write budget is spent", null);
                } else {
                    Step step = escalate(runId, c, after, now);
                    f = f.acted(step.action(), step.detail(), step.action() == FixAction.FIXED ? now : null);
                    written = step.written();
                    writes += written ? 1 : 0;
                }
                findings.add(f);
            } else if (c.observed() && !c.unhealthy() && after.quarantined() && pause.isEmpty()
                    && !after.healthySince().plus(settings.unhealthyAfter()).isAfter(now) && writes < writeBudget) {
                written = release(runId, c, after);
                writes += written ? 1 : 0;
            }
            if (!written && !after.equals(before) && writes < writeBudget && write(n, after)) {
                writes++;
            }
        }
        return new Result(findings, writes);
    }

    private record Step(FixAction action, String detail, boolean written) {
    }

    /** A node's health as this run leaves it, before any step. */
    private record Seen(Classifier.HealthCheck check, NodeHealth after) {
    }

    /**
     * One step per run for an unhealthy node: the quarantine when it is on and not done yet, else the restart when it is
     * on and due, else a report of where the node stands.
     */
    private Step escalate(String runId, Classifier.HealthCheck c, NodeHealth health, Instant now) {
        Step quarantined = null;
        if (settings.quarantine()) {
            quarantined = quarantine(runId, c, health, now);
            if (quarantined.action() != FixAction.REPORTED) {
                return quarantined;
            }
        }
        if (settings.restart()) {
            return restart(c, health, now, quarantined);
        }
        return quarantined != null ? quarantined
                : new Step(FixAction.REPORTED, "quarantine and restart are turned off (ecsa:repairQuarantine, "
                        + "ecsa:repairRestart)", false);
    }

    /** Sends the streak's one restart request when it is due; reports the one sent before. */
    private Step restart(Classifier.HealthCheck c, NodeHealth health, Instant now, Step quarantined) {
        NodeRecord n = c.node();
        String before = quarantined == null ? "" : quarantined.detail() + "; ";
        if (health.restartRequestedAt() != null) {
            Optional<RequestRecord> record = store.getRequest(health.restartRequestId());
            String outcome = record.map(r -> r.outcome() == null ? "still running"
                    : r.outcome().success() ? "it ended " + r.outcome() + " but the node is unhealthy again"
                    : "it ended " + r.outcome() + (r.failure() == null ? "" : " " + r.failure().reason() + ": "
                    + r.failure().message())).orElse("not recorded yet (queued)");
            String sent = before + "restart request " + health.restartRequestId() + " sent at "
                    + health.restartRequestedAt() + ": " + outcome;
            if (settings.reregister() && record.map(r -> r.outcome() != null).orElse(false)) {
                return reregister(c, health, now, sent);
            }
            return new Step(FixAction.REPORTED, sent + "; no second restart in this streak", false);
        }
        Instant base = health.quarantinedAt() != null ? health.quarantinedAt().plus(settings.stepAfter())
                : settings.quarantine() ? health.unhealthySince().plus(settings.unhealthyAfter())
                .plus(settings.stepAfter()) : now;
        if (base.isAfter(now)) {
            return new Step(FixAction.REPORTED, before + "a restart is due at " + base, false);
        }
        String requestId = restartRequestId(n.nodeId(), health.unhealthySince());
        String reason = "repair: agents unhealthy since " + health.unhealthySince() + ": " + health.problem();
        try {
            requests.send(new RestartRequest(requestId, n.nodeId(), REQUESTED_BY,
                    bounded(reason), null));
        } catch (NodeOperationException e) {
            return new Step(FixAction.FAILED, before + "the restart request could not be sent: " + e.getMessage(),
                    false);
        }
        boolean recorded = write(n, health.withRestartRequested(now, requestId));
        return new Step(FixAction.FIXED, before + "restart requested: request " + requestId
                + " (ecsa watch " + requestId + ")", recorded);
    }

    /**
     * The last resort, {@code stepAfter} after a restart that did not help: the deregistration of a re-registration
     * (policy force, the shortest drain: the node's agents are gone, its tasks cannot be drained anyway). The
     * registration follows in {@link #followUp} once the node is deregistered.
     */
    private Step reregister(Classifier.HealthCheck c, NodeHealth health, Instant now, String sent) {
        NodeRecord n = c.node();
        Instant due = health.restartRequestedAt().plus(settings.stepAfter());
        if (due.isAfter(now)) {
            return new Step(FixAction.REPORTED, sent + "; re-registration (the last resort) is due at " + due, false);
        }
        if (n.address() == null || n.sshUser() == null || n.managedInstanceId() == null) {
            return new Step(FixAction.REPORTED, sent + "; no re-registration: the node has no SSH address or managed "
                    + "instance recorded", false);
        }
        String requestId = reregisterRequestId(n.nodeId(), health.unhealthySince(), "d");
        String reason = "repair, last resort: re-registration of a node unhealthy since " + health.unhealthySince()
                + " whose restart did not help";
        try {
            requests.send(new DeregisterRequest(requestId, n.nodeId(),
                    FieldRules.MIN_DRAIN_TIMEOUT_SECONDS, TimeoutPolicy.FORCE,
                    REQUESTED_BY, bounded(reason), null));
        } catch (NodeOperationException e) {
            return new Step(FixAction.FAILED, sent + "; the re-registration's deregistration could not be sent: "
                    + e.getMessage(), false);
        }
        boolean recorded = write(n, health.withReregisterRequested(now, n.managedInstanceId() + "|"
                + n.containerInstanceArn()));
        return new Step(FixAction.FIXED, sent + "; re-registration started: deregistration " + requestId
                + " (policy force), then a registration from the node's record", recorded);
    }

    /**
     * Follows every re-registration under way, one step per run: once the node is deregistered, sends its
     * registration (the node's address, SSH user, pinned key, cluster, attributes and tags); once it is registered
     * again under a new identity, publishes NodeReregistered and forgets the streak. A re-registration that does not
     * get there (the deregistration did not deregister, the registration failed) ends too: it is reported and the
     * node starts over as any other (it is never retried in a loop).
     */
    Result followUp(String runId, List<NodeRecord> nodes) {
        Instant now = clock.instant();
        List<Finding> findings = new ArrayList<>();
        int writes = 0;
        for (NodeRecord n : nodes) {
            NodeHealth h = n.health();
            if (!h.reregistering()) {
                continue;
            }
            String deregistration = reregisterRequestId(n.nodeId(), h.unhealthySince(), "d");
            String registration = reregisterRequestId(n.nodeId(), h.unhealthySince(), "r");
            String old = h.replacedIdentity() == null ? "" : h.replacedIdentity();
            String oldMi = old.contains("|") ? old.substring(0, old.indexOf('|')) : old;
            String detail;
            FixAction action = FixAction.REPORTED;
            Optional<RequestRecord> reg = store.getRequest(registration);
            Optional<RequestRecord> dereg = store.getRequest(deregistration);
            if (n.state() == NodeState.REGISTERED && n.managedInstanceId() != null
                    && !n.managedInstanceId().equals(oldMi)) {
                publish(new NodeEvent.NodeReregistered(n.nodeId(), registration, oldMi,
                        old.contains("|") ? old.substring(old.indexOf('|') + 1) : null, n.managedInstanceId(),
                        n.containerInstanceArn()));
                writes += write(n, NodeHealth.none()) ? 1 : 0;
                detail = "re-registered: managed instance " + oldMi + " is now " + n.managedInstanceId()
                        + ", container instance " + n.containerInstanceArn();
                action = FixAction.FIXED;
            } else if (n.state() == NodeState.DEREGISTERED && reg.isEmpty()) {
                if (n.address() == null || n.sshUser() == null) {
                    detail = "deregistered, but no SSH address is recorded: register it again by hand";
                    writes += write(n, NodeHealth.none()) ? 1 : 0;
                } else {
                    try {
                        requests.send(new RegisterRequest(registration, n.nodeId(), n.address(),
                                n.port() == 0 ? RegisterRequest.DEFAULT_PORT : n.port(),
                                n.sshUser(), n.hostKeyFingerprint(), n.cluster(), n.attributes(), n.tags(),
                                REQUESTED_BY, bounded("repair, last resort: registration after " + deregistration)));
                        detail = "deregistered by " + deregistration + "; registration " + registration + " sent";
                        action = FixAction.FIXED;
                    } catch (NodeOperationException e) {
                        detail = "deregistered; the registration could not be sent (the next run tries again): "
                                + e.getMessage();
                        action = FixAction.FAILED;
                    }
                }
            } else if (ended(reg) || ended(dereg) && n.state() != NodeState.DEREGISTERED && !n.state().isBusy()
                    && reg.isEmpty()) {
                var last = reg.isPresent() ? reg.get() : dereg.get();
                detail = "the re-registration ended without a new identity: " + last.requestId() + " ended "
                        + last.outcome() + (last.failure() == null ? "" : " " + last.failure().reason() + ": "
                        + last.failure().message()) + "; the node is " + n.state() + " (the repair starts over "
                        + "once it is registered and unhealthy again)";
                writes += write(n, NodeHealth.none()) ? 1 : 0;
                action = FixAction.FAILED;
            } else {
                detail = "re-registration under way since " + h.reregisterRequestedAt() + ": the node is " + n.state()
                        + (reg.isPresent() ? ", registration " + registration : ", deregistration " + deregistration);
            }
            findings.add(new Finding(FindingType.NODE_UNHEALTHY, n.nodeId(), n.nodeId(), n.cluster(),
                    n.managedInstanceId(), n.containerInstanceArn(), null, n.lastRequestId(), "agents unhealthy since "
                    + h.unhealthySince() + "; the repair's last resort re-registers the node", h.unhealthySince(),
                    FixKind.NONE, FixAction.REPORTED, "", null).acted(action, detail,
                    action == FixAction.FIXED ? now : null));
        }
        return new Result(findings, writes);
    }

    private static boolean ended(Optional<RequestRecord> r) {
        return r.isPresent() && r.get().outcome() != null;
    }

    private static String bounded(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason;
    }

    /** A re-registration's request ids ({@code d}eregistration, {@code r}egistration): the same for one streak. */
    static String reregisterRequestId(String nodeId, Instant unhealthySince, String phase) {
        return "repair-" + phase + "-" + UUID.nameUUIDFromBytes((nodeId + "|" + unhealthySince + "|reregister")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The streak's restart request id: the same for every run of one streak, so a resend is a duplicate. */
    static String restartRequestId(String nodeId, Instant unhealthySince) {
        return "repair-" + UUID.nameUUIDFromBytes((nodeId + "|" + unhealthySince).getBytes(StandardCharsets.UTF_8));
    }

    private Step quarantine(String runId, Classifier.HealthCheck c, NodeHealth health, Instant now) {
        NodeRecord n = c.node();
        ContainerInstance ci = c.containerInstance();
        if (health.quarantined()) {
            if (n.state() == NodeState.DRAIN_KEPT && ci != null && ci.status() == ContainerInstanceStatus.ACTIVE) {
                // The quarantine's DRAINING failed or was undone by hand: set it again.
                try {
                    containers.setStatus(ci.cluster(), ci.arn(), ContainerInstanceStatus.DRAINING);
                } catch (NodeOperationException e) {
                    return new Step(FixAction.FAILED, "quarantined at " + health.quarantinedAt() + " but the container "
                            + "instance is ACTIVE and could not be set DRAINING: " + e.getMessage(), false);
                }
                return new Step(FixAction.FIXED, "quarantined at " + health.quarantinedAt() + "; the container "
                        + "instance was ACTIVE again and is DRAINING again", false);
            }
            return new Step(FixAction.REPORTED, "quarantined since " + health.quarantinedAt() + " (container instance "
                    + "DRAINING, node DRAIN_KEPT); released once healthy for " + settings.unhealthyAfter(), false);
        }
        if (n.state() != NodeState.REGISTERED) {
            return new Step(FixAction.REPORTED, "the node is " + n.state() + " (held DRAINING by a drain): not "
                    + "quarantined again", false);
        }
        if (ci == null) {
            return new Step(FixAction.REPORTED, "ECS lists no container instance for the node: nothing to quarantine",
                    false);
        }
        Failure why = new Failure(Reason.AGENT_UNHEALTHY, "quarantined by the reconciler: agents unhealthy since "
                + health.unhealthySince() + " (" + health.problem() + "); released once healthy for "
                + settings.unhealthyAfter());
        TransitionResult moved;
        try {
            moved = store.transition(n.nodeId(), new Transition(NodeState.REGISTERED, NodeState.DRAIN_KEPT,
                    n.version()), NodeUpdate.none().withHealth(health.withQuarantine(now)).withLastError(why));
        } catch (NodeOperationException e) {
            return new Step(FixAction.FAILED, "the node could not be moved to DRAIN_KEPT: " + e.getMessage(), false);
        }
        if (moved.decision() == TransitionDecision.CONFLICT) {
            return new Step(FixAction.RESOLVED_ON_RECHECK, "the node moved on ("
                    + (moved.node() == null ? "gone" : moved.node().state()) + "): left to its request", false);
        }
        try {
            containers.setStatus(ci.cluster(), ci.arn(), ContainerInstanceStatus.DRAINING);
        } catch (NodeOperationException e) {
            return new Step(FixAction.FAILED, "the node is DRAIN_KEPT but its container instance could not be set "
                    + "DRAINING (" + e.getMessage() + "); the next run sets it", true);
        }
        publish(new NodeEvent.NodeQuarantined(n.nodeId(), runId, ci.cluster(), ci.arn(), health.problem(),
                health.unhealthySince().toString()));
        return new Step(FixAction.FIXED, "quarantined: container instance " + ci.arn() + " DRAINING, node DRAIN_KEPT",
                true);
    }

    /** Lifts the repair's own quarantine; returns whether it wrote the node. */
    private boolean release(String runId, Classifier.HealthCheck c, NodeHealth health) {
        NodeRecord n = c.node();
        ContainerInstance ci = c.containerInstance();
        boolean wrote = false;
        try {
            if (n.state() == NodeState.DRAIN_KEPT) {
                // Keep the quarantine's mark until the instance is ACTIVE: a failure below is finished by the next run.
                TransitionResult moved = store.transition(n.nodeId(), new Transition(NodeState.DRAIN_KEPT,
                        NodeState.REGISTERED, n.version()), NodeUpdate.none().withHealth(health).clearingLastError());
                if (moved.decision() == TransitionDecision.CONFLICT) {
                    return false;
                }
                wrote = true;
            }
            if (ci != null && ci.status() == ContainerInstanceStatus.DRAINING) {
                containers.setStatus(ci.cluster(), ci.arn(), ContainerInstanceStatus.ACTIVE);
            }
            store.updateNode(n.nodeId(), NodeState.REGISTERED, NodeUpdate.none().withHealth(health.released()));
            wrote = true;
        } catch (NodeOperationException e) {
            return wrote; // the next run finishes it
        }
        publish(new NodeEvent.NodeQuarantineReleased(n.nodeId(), runId, n.cluster(),
                ci == null ? n.containerInstanceArn() : ci.arn(), health.healthySince().toString()));
        return wrote;
    }

    private boolean write(NodeRecord n, NodeHealth health) {
        try {
            store.updateNode(n.nodeId(), n.state(), NodeUpdate.none().withHealth(health));
            return true;
        } catch (NodeOperationException e) {
            return false; // moved on (CONFLICT) or the store refused: the next run observes it again
        }
    }

    private Finding unhealthy(NodeRecord n, NodeHealth health) {
        return new Finding(FindingType.NODE_UNHEALTHY, n.nodeId(), n.nodeId(), n.cluster(), n.managedInstanceId(),
                n.containerInstanceArn(), null, n.lastRequestId(), "agents unhealthy since " + health.unhealthySince()
                + ", longer than the repair's debounce of " + settings.unhealthyAfter() + ": " + health.problem(),
                health.unhealthySince(), FixKind.NONE, FixAction.REPORTED, "", null);
    }

    private void publish(NodeEvent event) {
        try {
            events.publish(event);
        } catch (NodeOperationException e) {
            // The node's record says what happened; the event is best effort, as the run's other events.
        }
    }

    private static String clusterName(NodeRecord n) {
        return n.cluster() == null ? "(none)" : n.cluster();
    }
}
