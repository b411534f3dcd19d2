package dev.ecsa.core.fleet;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The nodes a rollout will touch, from the inventory, and the ones it names but will not, with the reason. A
 * deregistration or an upgrade takes REGISTERED nodes (named, in the order named; or selected, by node id); a
 * registration takes every node it lists except those busy with another request (a node already registered is
 * taken too: its request answers ALREADY_REGISTERED at no cost).
 */
public final class RolloutTargets {

    private RolloutTargets() {
    }

    /** The eligible targets and the excluded nodes. */
    public record Resolved(List<RolloutTarget> targets, List<RolloutPlanner.Excluded> excluded) {

        public Resolved {
            targets = List.copyOf(targets);
            excluded = List.copyOf(excluded);
        }
    }

    /**
     * @param node           the inventory's record of a node
     * @param inventory      every node the inventory records (read only for a selector)
     * @param defaultCluster the stack's cluster, for a registration that names none
     */
    public static Resolved resolve(RolloutRequest request, Function<String, Optional<NodeRecord>> node,
                                   Supplier<List<NodeRecord>> inventory, String defaultCluster) {
        List<RolloutTarget> targets = new ArrayList<>();
        List<RolloutPlanner.Excluded> excluded = new ArrayList<>();
        if (request.action() == RolloutAction.REGISTER) {
            for (RegisterRequest r : request.registrations()) {
                Optional<NodeRecord> known = node.apply(r.nodeId());
                if (known.isPresent() && known.get().state().isBusy()) {
                    excluded.add(new RolloutPlanner.Excluded(r.nodeId(), "busy: " + known.get().state()));
                } else {
                    targets.add(new RolloutTarget(r.nodeId(), r.cluster() != null ? r.cluster() : defaultCluster,
                            r.attributes(), null, null));
                }
            }
            return new Resolved(targets, excluded);
        }
        // Named nodes in the order named, the unknown ones among them; selected nodes by node id.
        List<Map.Entry<String, Optional<NodeRecord>>> candidates = new ArrayList<>();
        if (request.selector() != null) {
            inventory.get().stream().filter(request.selector()::matches)
                    .sorted(Comparator.comparing(NodeRecord::nodeId))
                    .forEach(n -> candidates.add(Map.entry(n.nodeId(), Optional.of(n))));
        } else {
            request.nodes().forEach(id -> candidates.add(Map.entry(id, node.apply(id))));
        }
        for (Map.Entry<String, Optional<NodeRecord>> c : candidates) {
            if (c.getValue().isEmpty()) {
                excluded.add(new RolloutPlanner.Excluded(c.getKey(), "the inventory has no record of it"));
                continue;
            }
            NodeRecord n = c.getValue().get();
            if (targets.size() == RolloutRequest.MAX_TARGETS) {
                excluded.add(new RolloutPlanner.Excluded(n.nodeId(), "beyond the " + RolloutRequest.MAX_TARGETS
                        + " nodes one rollout takes"));
            } else if (n.state() != NodeState.REGISTERED) {
                excluded.add(new RolloutPlanner.Excluded(n.nodeId(), "is " + n.state() + ", not REGISTERED"));
            } else {
                targets.add(new RolloutTarget(n.nodeId(), n.cluster(), n.attributes(), n.managedInstanceId(),
                        n.containerInstanceArn()));
            }
        }
        return new Resolved(targets, excluded);
    }
}
