package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Failure;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.port.NodeCreation;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.core.port.TransitionResult;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.core.reconcile.RepairPause;
import dev.ecsa.core.reconcile.ReconcileStore;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import dev.ecsa.core.state.TransitionDecision;
import dev.ecsa.core.state.Transitions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link NodeStore} in memory with the same conditional-write contract as the DynamoDB adapter: every method is
 * atomic (one lock stands in for DynamoDB's single-item atomicity), and transitions use the shared
 * {@link Transitions#decide} rule.
 */
public final class InMemoryNodeStore implements ReconcileStore {

    private Runnable beforeNextUpdate;
    private Runnable beforeNextTransition;
    private final Clock clock;
    private final Map<String, NodeRecord> nodes = new HashMap<>();
    private final Map<String, RequestRecord> requests = new HashMap<>();
    private final List<ReconcileRun> runs = new ArrayList<>();
    private final List<NodeState> stateQueries = new ArrayList<>();
    private RepairPause pause;
    private int writes;
    private RuntimeException requestWriteRefusal;

    public InMemoryNodeStore(Clock clock) {
        this.clock = clock;
    }

    /** Every later request write throws {@code refusal}, as DynamoDB refuses an item it cannot store. */
    public synchronized void refuseRequestWrites(RuntimeException refusal) {
        this.requestWriteRefusal = refusal;
    }

    @Override
    public synchronized boolean putRequestIfAbsent(RequestRecord request) {
        if (requestWriteRefusal != null) {
            throw requestWriteRefusal;
        }
        if (requests.containsKey(request.requestId())) {
            return false;
        }
        requests.put(request.requestId(), request);
        writes++;
        return true;
    }

    @Override
    public synchronized Optional<RequestRecord> getRequest(String requestId) {
        return Optional.ofNullable(requests.get(requestId));
    }

    @Override
    public synchronized Optional<NodeRecord> getNode(String nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    @Override
    public synchronized NodeCreation createNodeIfAbsent(NodeRecord initial) {
        if (initial.state() != NodeState.initial() || initial.version() != 1) {
            throw new IllegalArgumentException("a node item is created in " + NodeState.initial() + " at version 1");
        }
        NodeRecord existing = nodes.get(initial.nodeId());
        if (existing != null) {
            return new NodeCreation(false, existing);
        }
        nodes.put(initial.nodeId(), initial);
        writes++;
        return new NodeCreation(true, initial);
    }

    @Override
    public synchronized TransitionResult transition(String nodeId, Transition move, NodeUpdate update) {
        Runnable first = beforeNextTransition;
        beforeNextTransition = null;
        if (first != null) {
            first.run();
        }
        NodeRecord current = nodes.get(nodeId);
        TransitionDecision decision = current == null
                ? Transitions.decide(null, 0, move)
                : Transitions.decide(current.state(), current.version(), move);
        if (decision != TransitionDecision.APPLY) {
            return new TransitionResult(decision, current);
        }
        NodeRecord next = current.with(update, clock.instant()).movedTo(move.to(), move.resultingVersion(),
                clock.instant());
        nodes.put(nodeId, next);
        writes++;
        return new TransitionResult(TransitionDecision.APPLY, next);
    }

    /** Runs {@code interloper} at the start of the next {@link #transition}: a request moving the node first. */
    public synchronized void beforeNextTransition(Runnable interloper) {
        beforeNextTransition = interloper;
    }

    /** Runs {@code interloper} at the start of the next {@link #updateNode}: another writer getting there first. */
    public synchronized void beforeNextUpdate(Runnable interloper) {
        beforeNextUpdate = interloper;
    }

    @Override
    public synchronized NodeRecord updateNode(String nodeId, NodeState expectedState, NodeUpdate update) {
        Runnable first = beforeNextUpdate;
        beforeNextUpdate = null;
        if (first != null) {
            first.run();
        }
        NodeRecord current = nodes.get(nodeId);
        if (current == null || current.state() != expectedState) {
            throw new PermanentException(Reason.CONFLICT, "node " + nodeId + " is "
                    + (current == null ? "absent" : current.state()) + ", expected " + expectedState);
        }
        NodeRecord next = current.with(update, clock.instant());
        nodes.put(nodeId, next);
        writes++;
        return next;
    }

    @Override
    public synchronized Optional<NodeRecord> claimNode(NodeRecord seen, NodeUpdate update) {
        NodeRecord current = nodes.get(seen.nodeId());
        if (current == null || current.state() != seen.state() || current.version() != seen.version()
                || !current.updatedAt().equals(seen.updatedAt())) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        NodeRecord next = current.with(update, now.isAfter(seen.updatedAt()) ? now : seen.updatedAt().plusNanos(1));
        nodes.put(seen.nodeId(), next);
        writes++;
        return Optional.of(next);
    }

    @Override
    public synchronized RequestRecord appendSteps(String requestId, List<Step> steps) {
        RequestRecord next = request(requestId);
        for (Step step : steps) {
            next = next.withStep(step);
        }
        requests.put(requestId, next);
        writes++;
        return next;
    }

    @Override
    public synchronized RequestRecord finishRequest(String requestId, Outcome outcome, Failure failure,
                                                    List<Step> lastSteps) {
        RequestRecord current = request(requestId);
        if (current.completed()) {
            return lastSteps.isEmpty() ? current : appendSteps(requestId, lastSteps);
        }
        RequestRecord next = current;
        for (Step step : lastSteps) {
            next = next.withStep(step);
        }
        next = next.finished(outcome, failure, clock.instant());
        requests.put(requestId, next);
        writes++;
        return next;
    }

    @Override
    public synchronized List<NodeRecord> listNodesByState(NodeState state) {
        stateQueries.add(state);
        List<NodeRecord> out = new ArrayList<>();
        for (NodeRecord n : nodes.values()) {
            if (n.state() == state) {
                out.add(n);
            }
        }
        return out;
    }

    /** The states {@link #listNodesByState} was asked for, in order (what the state index would be queried for). */
    public synchronized List<NodeState> stateQueries() {
        return List.copyOf(stateQueries);
    }

    /** Forgets the queries so far. */
    public synchronized void clearStateQueries() {
        stateQueries.clear();
    }

    /** Replaces a run of the same id and start, else adds it (the DynamoDB item key is start time + id). */
    @Override
    public synchronized Optional<RepairPause> repairPause() {
        return Optional.ofNullable(pause);
    }

    @Override
    public synchronized void pauseRepair(RepairPause p) {
        pause = p;
    }

    @Override
    public synchronized void resumeRepair() {
        pause = null;
    }

    @Override
    public synchronized void putReconcileRun(ReconcileRun run) {
        runs.removeIf(r -> r.runId().equals(run.runId()) && r.startedAt().equals(run.startedAt()));
        runs.add(run);
        writes++;
    }

    @Override
    public synchronized Optional<ReconcileRun> lastReconcileRun() {
        return runs.stream().max(java.util.Comparator.comparing(ReconcileRun::startedAt)
                .thenComparing(ReconcileRun::runId));
    }

    /** Every stored reconcile run, in write order. */
    public synchronized List<ReconcileRun> reconcileRuns() {
        return List.copyOf(runs);
    }

    /** How many writes changed something, so tests can show a replay wrote nothing. */
    public synchronized int writeCount() {
        return writes;
    }

    private RequestRecord request(String requestId) {
        RequestRecord r = requests.get(requestId);
        if (r == null) {
            throw new PermanentException(Reason.NOT_FOUND, "no record for request " + requestId);
        }
        return r;
    }
}
