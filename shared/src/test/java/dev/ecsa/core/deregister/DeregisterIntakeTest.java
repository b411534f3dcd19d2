package dev.ecsa.core.deregister;


import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryContainerInstances;
import dev.ecsa.core.fakes.InMemoryDrainWorkflow;
import dev.ecsa.core.fakes.InMemoryEventPublisher;
import dev.ecsa.core.fakes.InMemoryManagedInstances;
import dev.ecsa.core.fakes.InMemoryNodeStore;
import dev.ecsa.core.fakes.MutableClock;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.RequestStatus;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstance;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeregisterIntakeTest {

    private static final int MAX = 5;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private final InMemoryNodeStore store = new InMemoryNodeStore(clock);
    private final InMemoryManagedInstances managed = new InMemoryManagedInstances();
    private final InMemoryContainerInstances containers = new InMemoryContainerInstances();
    private final InMemoryDrainWorkflow workflow = new InMemoryDrainWorkflow();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private DrainWorkflow workflowPort = workflow;

    private DeregisterIntake intake() {
        return new DeregisterIntake(store, managed, containers, workflowPort, events, clock, DeregisterSettings.defaults());
    }

    private static DeregisterRequest request(String id, Integer timeout, TimeoutPolicy policy) {
        return new DeregisterRequest(id, "node-1", timeout, policy, "operator", "retire");
    }

    /** A node REGISTERED by {@code reg-1}, with its SSM and ECS registrations. */
    private NodeRecord registeredNode() {
        RegisterRequest reg = new RegisterRequest("reg-1", "node-1", "10.0.0.7", 22, "ecsa", null, "edge", null,
                null, "p", "");
        store.createNodeIfAbsent(NodeRecord.newRegistration(reg, "edge", clock.instant()));
        managed.add(new ManagedInstance("mi-0aaaaaaaaaaaaaaaa", "act-1", "node-1", PingStatus.ONLINE, "3.3", null));
        ContainerInstance ci = containers.register("edge", "mi-0aaaaaaaaaaaaaaaa", Map.of());
        return store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTERED, 1),
                NodeUpdate.none().withManagedInstanceId("mi-0aaaaaaaaaaaaaaaa").withContainerInstanceArn(ci.arn()))
                .orThrow();
    }

    @Test
    void aRegisteredNodeGoesDrainingAndTheWorkflowStartsWithTheDefaults() {
        NodeRecord node = registeredNode();
        clock.advance(Duration.ofSeconds(5));

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        NodeRecord draining = store.getNode("node-1").orElseThrow();
        assertThat(draining.state()).isEqualTo(NodeState.DRAINING);
        assertThat(draining.lastRequestId()).isEqualTo("dereg-1");
        RequestRecord record = store.getRequest("dereg-1").orElseThrow();
        assertThat(workflow.started()).containsExactly(new DrainStart("dereg-1", "node-1", "edge",
                node.containerInstanceArn(), record.receivedAt().plus(Duration.ofMinutes(10)), TimeoutPolicy.REVERT,
                draining.version()));
        assertThat(record.steps()).extracting(Step::name, Step::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple(DeregisterIntake.STEP_GUARD, StepResult.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(DeregisterIntake.STEP_START_WORKFLOW, StepResult.SUCCEEDED));
        assertThat(containers.statusChanges()).as("draining itself is the workflow's job").isEmpty();
    }

    @Test
    void theRequestsTimeoutIsHeldWithinTheBoundsAndItsPolicyUsed() {
        registeredNode();

        intake().accept(request("dereg-1", 7200, TimeoutPolicy.FORCE), Attempt.first(MAX));

        DrainStart start = workflow.started().get(0);
        RequestRecord record = store.getRequest("dereg-1").orElseThrow();
        assertThat(start.deadline()).isEqualTo(record.receivedAt().plus(Duration.ofHours(1)));
        assertThat(start.policy()).isEqualTo(TimeoutPolicy.FORCE);
    }

    @Test
    void aRedeliveryAfterTheStartIsANoOp() {
        registeredNode();
        intake().accept(request("dereg-1", 300, TimeoutPolicy.KEEP), Attempt.first(MAX));
        clock.advance(Duration.ofMinutes(2));

        IntakeResult again = intake().accept(request("dereg-1", 300, TimeoutPolicy.KEEP), new Attempt(2, MAX, null));

        assertThat(again.replay()).isTrue();
        assertThat(workflow.started()).hasSize(1);
    }

    @Test
    void aCrashBetweenTheGuardAndTheStartIsResumedWithTheSameInput() {
        registeredNode();
        workflowPort = input -> {
            throw new RetryableException(Reason.THROTTLED, "StartExecution throttled");
        };
        assertThatThrownBy(() -> intake().accept(request("dereg-1", null, null), Attempt.first(MAX)))
                .isInstanceOf(RetryableException.class);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DRAINING);
        workflowPort = workflow;
        clock.advance(Duration.ofMinutes(3));

        IntakeResult result = intake().accept(request("dereg-1", null, null), new Attempt(2, MAX, null));

        assertThat(result.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        RequestRecord record = store.getRequest("dereg-1").orElseThrow();
        assertThat(workflow.started()).singleElement().satisfies(s ->
                assertThat(s.deadline()).isEqualTo(record.receivedAt().plus(Duration.ofMinutes(10))));
        // A further redelivery (start's answer lost) computes the same input again: a no-op, not a conflict.
        store.appendStep("dereg-1", new Step("noise", clock.instant(), clock.instant(), StepResult.SKIPPED, ""));
        assertThat(workflow.start(workflow.started().get(0))).isFalse();
    }

    @Test
    void aWorkflowThatCannotBeStartedOnTheLastDeliveryFailsTheRequest() {
        registeredNode();
        workflowPort = input -> {
            throw new PermanentException(Reason.AWS_ACCESS_DENIED, "states:StartExecution denied");
        };

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.failure().reason()).isEqualTo(Reason.AWS_ACCESS_DENIED);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(events.eventsOf(NodeEvent.NodeDeregistrationFailed.class)).hasSize(1);
    }

    @Test
    void aNodeTheWorkflowAlreadyMovedOnIsReportedNotRestarted() {
        registeredNode();
        // StartExecution started the workflow, but its answer was lost (a timeout): the step is recorded as failed.
        workflowPort = input -> {
            workflow.start(input);
            throw new RetryableException(Reason.AWS_UNAVAILABLE, "read timed out");
        };
        assertThatThrownBy(() -> intake().accept(request("dereg-1", null, null), Attempt.first(MAX)))
                .isInstanceOf(RetryableException.class);
        NodeRecord draining = store.getNode("node-1").orElseThrow();
        store.transition("node-1", new Transition(NodeState.DRAINING, NodeState.DEREGISTERING, draining.version()),
                NodeUpdate.none().withLastRequestId("dereg-1"));
        workflowPort = input -> {
            throw new AssertionError("must not start again");
        };

        IntakeResult again = intake().accept(request("dereg-1", null, null), new Attempt(2, MAX, null));

        assertThat(again.replay()).isTrue();
        assertThat(again.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(workflow.started()).hasSize(1);
    }

    @Test
    void aNeverSeenNodeIsRejectedAsNotRegistered() {
        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.failure().reason()).isEqualTo(Reason.NOT_REGISTERED);
        assertThat(workflow.started()).isEmpty();
        assertThat(events.eventsOf(NodeEvent.NodeRequestRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("NOT_REGISTERED"));
    }

    @Test
    void aDeregisteredNodeThatAwsAgreesIsGoneIsAlreadyGone() {
        NodeRecord node = registeredNode();
        moveTo(NodeState.DEREGISTERING, NodeState.DEREGISTERED);
        managed.deregister(node.managedInstanceId());
        containers.deregister("edge", node.containerInstanceArn(), true);

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_GONE);
        assertThat(workflow.started()).isEmpty();
        assertThat(events.eventsOf(NodeEvent.NodeDeregistered.class)).hasSize(1);
    }

    @Test
    void aDeregisteredNodeThatSsmStillListsIsNotRegisteredWithTheLeftoverNamed() {
        NodeRecord node = registeredNode();
        moveTo(NodeState.DEREGISTERING, NodeState.DEREGISTERED);
        containers.deregister("edge", node.containerInstanceArn(), true);

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.failure().reason()).isEqualTo(Reason.NOT_REGISTERED);
        assertThat(result.failure().message()).contains("SSM still lists " + node.managedInstanceId());
    }

    /** node-1 as a registration claims it: REGISTERING, no ids. */
    private void registeringNode() {
        RegisterRequest reg = new RegisterRequest("reg-1", "node-1", "10.0.0.7", 22, "ecsa", null, null, null, null,
                "p", "");
        store.createNodeIfAbsent(NodeRecord.newRegistration(reg, "edge", clock.instant()));
    }

    /** node-1 as a failed registration leaves it, with what {@code update} records. */
    private void failedRegistration(NodeUpdate update) {
        registeringNode();
        store.transition("node-1", new Transition(NodeState.REGISTERING, NodeState.REGISTRATION_FAILED, 1), update)
                .orThrow();
    }

    @Test
    void aFailedRegistrationWithoutIdsIsNotRegistered() {
        failedRegistration(NodeUpdate.none());

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.failure().reason()).isEqualTo(Reason.NOT_REGISTERED);
    }

    @Test
    void aFailedRegistrationThatLeftAManagedInstanceIsTakenForTheWorkflowSoNoRegistrationStartsMeanwhile() {
        managed.add(new ManagedInstance("mi-0bbbbbbbbbbbbbbbb", "act-1", "node-1", PingStatus.ONLINE, "3.3", null));
        failedRegistration(NodeUpdate.none().withManagedInstanceId("mi-0bbbbbbbbbbbbbbbb"));

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        NodeRecord taken = store.getNode("node-1").orElseThrow();
        assertThat(taken.state()).isEqualTo(NodeState.DEREGISTERING);
        assertThat(taken.lastRequestId()).isEqualTo("dereg-1");
        assertThat(workflow.started()).singleElement()
                .satisfies(s -> assertThat(s.nodeVersion()).isEqualTo(taken.version()));
        assertThat(store.getRequest("dereg-1").orElseThrow().steps().get(0).detail())
                .contains("SSM still lists mi-0bbbbbbbbbbbbbbbb");
    }

    @Test
    void aFailedRegistrationThatLeftAnInstanceItsRecordDoesNotNameIsTakenForTheWorkflowToo() {
        // The registration's look for what it left could not reach SSM: no id recorded, but SSM lists one by tag.
        managed.add(new ManagedInstance("mi-0cccccccccccccccc", "act-1", "node-1", PingStatus.ONLINE, "3.3", null));
        failedRegistration(NodeUpdate.none());

        IntakeResult result = intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThat(result.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DEREGISTERING);
        assertThat(workflow.started()).hasSize(1);
        assertThat(store.getRequest("dereg-1").orElseThrow().steps().get(0).detail())
                .contains("SSM still lists mi-0cccccccccccccccc (not recorded on the node)");
    }

    @Test
    void aBusyNodeIsRetriedThenRejectedAtTheBound() {
        registeringNode();

        assertThatThrownBy(() -> intake().accept(request("dereg-1", null, null), new Attempt(1, MAX, null)))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NODE_BUSY));

        IntakeResult last = intake().accept(request("dereg-1", null, null), new Attempt(MAX, MAX, null));

        assertThat(last.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(last.failure().reason()).isEqualTo(Reason.NODE_BUSY);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTERING);
    }

    @Test
    void aKeptDrainCanBeDrainedAgainByANewRequest() {
        registeredNode();
        moveTo(NodeState.DRAINING, NodeState.DRAIN_KEPT);

        IntakeResult result = intake().accept(request("dereg-2", null, null), Attempt.first(MAX));

        assertThat(result.status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.DRAINING);
    }

    @Test
    void aRequestIdReusedForAnotherNodeIsAConflict() {
        registeredNode();
        intake().accept(request("dereg-1", null, null), Attempt.first(MAX));

        assertThatThrownBy(() -> intake().accept(new DeregisterRequest("dereg-1", "node-2", null, null, "o", ""),
                Attempt.first(MAX))).isInstanceOf(dev.ecsa.core.request.RequestIdConflict.class)
                .hasMessageContaining("already used by a deregister request for node node-1");
    }

    @Test
    void aDeregistrationNamingTheHostsNewKeyPinsItForTheCleanup() {
        registeredNode();
        String reinstalled = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8";

        intake().accept(new DeregisterRequest("dereg-1", "node-1", null, null, "operator", "", reinstalled),
                Attempt.first(MAX));

        assertThat(store.getNode("node-1").orElseThrow().hostKeyFingerprint()).isEqualTo(reinstalled);
    }

    private void moveTo(NodeState... path) {
        for (NodeState to : path) {
            NodeRecord n = store.getNode("node-1").orElseThrow();
            store.transition("node-1", new Transition(n.state(), to, n.version()), NodeUpdate.none()).orThrow();
        }
    }
}
