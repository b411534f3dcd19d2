package dev.ecsa.core.register;

import dev.ecsa.core.deregister.DeregisterIntake;
import dev.ecsa.core.deregister.DeregisterSettings;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.restart.RestartWorld;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every node state (and no node at all) × every action (register, deregister, restart, upgrade) × a first and a last
 * delivery
 * has one defined answer: an outcome, a running workflow, or a retry that only a non-last delivery may get. Nothing else may escape (an
 * unhandled state once sent a registration to the dead-letter queue with its request left without an outcome).
 * The node in each cell was put there by another request, as it is when a producer sends the action.
 */
class StateActionTableTest {

    private static final String ABSENT = "(none)";

    /** The path from REGISTERING to each state. */
    private static final Map<NodeState, List<NodeState>> PATHS = Map.of(
            NodeState.REGISTERING, List.of(),
            NodeState.REGISTERED, List.of(NodeState.REGISTERED),
            NodeState.REGISTRATION_FAILED, List.of(NodeState.REGISTRATION_FAILED),
            NodeState.DRAINING, List.of(NodeState.REGISTERED, NodeState.DRAINING),
            NodeState.DRAIN_KEPT, List.of(NodeState.REGISTERED, NodeState.DRAINING, NodeState.DRAIN_KEPT),
            NodeState.DEREGISTERING, List.of(NodeState.REGISTERED, NodeState.DEREGISTERING),
            NodeState.DEREGISTERED, List.of(NodeState.REGISTERED, NodeState.DEREGISTERING, NodeState.DEREGISTERED),
            NodeState.DEREGISTRATION_FAILED, List.of(NodeState.REGISTERED, NodeState.DEREGISTERING,
                    NodeState.DEREGISTRATION_FAILED));

    @Test
    void everyStateHasADefinedAnswerForEveryActionAtEveryDelivery() {
        Map<String, String> expected = new LinkedHashMap<>();
        // state                           register (first | last)                  deregister (first | last)
        //                                  restart (first | last)               upgrade (first | last)
        row(expected, ABSENT, "REGISTERED", "REGISTERED", "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED");
        row(expected, "REGISTERING", "retry NODE_BUSY", "REJECTED NODE_BUSY", "retry NODE_BUSY",
                "REJECTED NODE_BUSY", "retry NODE_BUSY", "REJECTED NODE_BUSY",
                "retry NODE_BUSY", "REJECTED NODE_BUSY");
        row(expected, "REGISTERED", "REJECTED INVALID_STATE", "REJECTED INVALID_STATE", "workflow started",
                "workflow started", "AGENTS_RESTARTED", "AGENTS_RESTARTED",
                "workflow started", "workflow started");
        row(expected, "REGISTRATION_FAILED", "REGISTERED", "REGISTERED", "REJECTED NOT_REGISTERED",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED");
        row(expected, "DRAINING", "retry NODE_BUSY", "REJECTED NODE_BUSY", "retry NODE_BUSY", "REJECTED NODE_BUSY",
                "retry NODE_BUSY", "REJECTED NODE_BUSY",
                "retry NODE_BUSY", "REJECTED NODE_BUSY");
        row(expected, "DRAIN_KEPT", "REJECTED INVALID_STATE", "REJECTED INVALID_STATE", "workflow started",
                "workflow started", "AGENTS_RESTARTED", "AGENTS_RESTARTED",
                "REJECTED INVALID_STATE", "REJECTED INVALID_STATE");
        row(expected, "DEREGISTERING", "retry NODE_BUSY", "REJECTED NODE_BUSY", "retry NODE_BUSY",
                "REJECTED NODE_BUSY", "retry NODE_BUSY", "REJECTED NODE_BUSY",
                "retry NODE_BUSY", "REJECTED NODE_BUSY");
        row(expected, "DEREGISTERED", "REGISTERED", "REGISTERED", "ALREADY_GONE", "ALREADY_GONE",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED",
                "REJECTED NOT_REGISTERED", "REJECTED NOT_REGISTERED");
        row(expected, "DEREGISTRATION_FAILED", "REJECTED INVALID_STATE", "REJECTED INVALID_STATE",
                "workflow started", "workflow started", "REJECTED INVALID_STATE", "REJECTED INVALID_STATE",
                "REJECTED INVALID_STATE", "REJECTED INVALID_STATE");

        Map<String, String> actual = new LinkedHashMap<>();
        List<String> states = new ArrayList<>();
        states.add(ABSENT);
        for (NodeState s : NodeState.values()) {
            states.add(s.name());
        }
        for (String state : states) {
            for (String action : List.of("register", "deregister", "restart", "upgrade")) {
                for (boolean last : List.of(false, true)) {
                    actual.put(key(state, action, last), action.equals("restart") ? restartAnswer(state, last)
                            : action.equals("upgrade") ? upgradeAnswer(state, last) : answer(state, action, last));
                }
            }
        }

        assertThat(actual).as("every cell of the table, state x action x delivery").isEqualTo(expected);
    }

    private static void row(Map<String, String> table, String state, String regFirst, String regLast,
                            String deregFirst, String deregLast, String restartFirst, String restartLast,
                            String upgradeFirst, String upgradeLast) {
        table.put(key(state, "register", false), regFirst);
        table.put(key(state, "register", true), regLast);
        table.put(key(state, "deregister", false), deregFirst);
        table.put(key(state, "deregister", true), deregLast);
        table.put(key(state, "restart", false), restartFirst);
        table.put(key(state, "restart", true), restartLast);
        table.put(key(state, "upgrade", false), upgradeFirst);
        table.put(key(state, "upgrade", true), upgradeLast);
    }

    /** A restart's cell: the node put there as requests leave it (registered ones with both ids and their host). */
    private static String restartAnswer(String state, boolean last) {
        RestartWorld w = placedInRestartWorld(state);
        Attempt attempt = new Attempt(last ? RegisterWorld.MAX_RECEIVES : 1, RegisterWorld.MAX_RECEIVES, null);
        IntakeResult result;
        try {
            result = w.restartAgents().accept(RestartWorld.request("req-restart"), attempt);
        } catch (RetryableException e) {
            assertThat(w.store.getRequest("req-restart").orElseThrow().completed())
                    .as("a retried request stays open: " + state).isFalse();
            return "retry " + e.reason();
        }
        assertThat(w.store.getRequest("req-restart").orElseThrow().outcome()).isEqualTo(result.outcome());
        return result.outcome() + (result.failure() == null ? "" : " " + result.failure().reason());
    }

    /** An upgrade's cell, on the same nodes as a restart's. */
    private static String upgradeAnswer(String state, boolean last) {
        RestartWorld w = placedInRestartWorld(state);
        InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();
        Attempt attempt = new Attempt(last ? RegisterWorld.MAX_RECEIVES : 1, RegisterWorld.MAX_RECEIVES, null);
        IntakeResult result;
        try {
            result = new dev.ecsa.core.deregister.UpgradeIntake(w.store, w.managed, w.containers, workflow, w.events,
                    w.clock, DeregisterSettings.defaults(), dev.ecsa.core.model.TargetVersions.none())
                    .accept(new dev.ecsa.core.model.UpgradeRequest("req-upgrade", "node-1", "9.9.0", null, null,
                            null, "operator", "", null), attempt);
        } catch (RetryableException e) {
            assertThat(w.store.getRequest("req-upgrade").orElseThrow().completed())
                    .as("a retried request stays open: " + state).isFalse();
            return "retry " + e.reason();
        }
        if (result.outcome() == null) {
            assertThat(workflow.started()).as("a request without an outcome is owned by its workflow").hasSize(1);
            return "workflow started";
        }
        assertThat(w.store.getRequest("req-upgrade").orElseThrow().outcome()).isEqualTo(result.outcome());
        return result.outcome() + (result.failure() == null ? "" : " " + result.failure().reason());
    }

    private static RestartWorld placedInRestartWorld(String state) {
        RestartWorld w = new RestartWorld();
        if (!state.equals(ABSENT)) {
            List<NodeState> path = PATHS.get(NodeState.valueOf(state));
            List<NodeState> rest = path;
            if (path.contains(NodeState.REGISTERED)) {
                w.registered(false);
                rest = path.subList(path.indexOf(NodeState.REGISTERED) + 1, path.size());
            } else {
                RegisterRequest other = RegisterWorld.request("req-earlier", "node-1");
                w.store.createNodeIfAbsent(NodeRecord.newRegistration(other, "edge", w.clock.instant()));
            }
            for (NodeState to : rest) {
                NodeRecord n = w.store.getNode("node-1").orElseThrow();
                w.store.transition("node-1", new Transition(n.state(), to, n.version()), NodeUpdate.none()).orThrow();
            }
        }
        return w;
    }

    private static String key(String state, String action, boolean last) {
        return state + " / " + action + " / " + (last ? "last delivery" : "first delivery");
    }

    /** Runs one cell in a world of its own and describes what the request got. */
    private static String answer(String state, String action, boolean last) {
        RegisterWorld w = new RegisterWorld();
        if (!state.equals(ABSENT)) {
            placeNode(w, NodeState.valueOf(state));
        }
        InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();
        Attempt attempt = new Attempt(last ? RegisterWorld.MAX_RECEIVES : 1, RegisterWorld.MAX_RECEIVES, null);
        String requestId = "req-" + action;
        IntakeResult result;
        try {
            result = action.equals("register")
                    ? w.registerNode().register(RegisterWorld.request(requestId, "node-1"), attempt)
                    : new DeregisterIntake(w.store, w.managed, w.containers, workflow, w.events, w.clock,
                            DeregisterSettings.defaults()).accept(new DeregisterRequest(requestId, "node-1", null,
                            null, "operator", ""), attempt);
        } catch (RetryableException e) {
            RequestRecord record = w.store.getRequest(requestId).orElseThrow();
            assertThat(record.completed()).as("a retried request stays open: " + state).isFalse();
            return "retry " + e.reason();
        }
        RequestRecord record = w.store.getRequest(requestId).orElseThrow();
        if (result.outcome() == null) {
            assertThat(workflow.started()).as("a request without an outcome is owned by its workflow").hasSize(1);
            return "workflow started";
        }
        assertThat(record.outcome()).isEqualTo(result.outcome());
        return result.outcome() + (result.failure() == null ? "" : " " + result.failure().reason());
    }

    /** Puts node-1 into {@code target} as another request would have left it. */
    private static void placeNode(RegisterWorld w, NodeState target) {
        RegisterRequest other = RegisterWorld.request("req-earlier", "node-1");
        w.store.createNodeIfAbsent(NodeRecord.newRegistration(other, "edge", w.clock.instant()));
        for (NodeState to : PATHS.get(target)) {
            NodeRecord n = w.store.getNode("node-1").orElseThrow();
            w.store.transition("node-1", new Transition(n.state(), to, n.version()), NodeUpdate.none()).orThrow();
        }
    }
}
