package dev.ecsa.core.register;


import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.fakes.InMemoryRemoteHost;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.request.Attempt;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import dev.ecsa.core.port.HybridActivations;
import java.util.concurrent.atomic.AtomicInteger;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.state.Transition;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.ecsa.core.register.RegisterWorld.ADDRESS;
import static dev.ecsa.core.register.RegisterWorld.HOST_KEY;
import static dev.ecsa.core.register.RegisterWorld.OTHER_KEY;
import static dev.ecsa.core.register.RegisterWorld.PORT;
import static dev.ecsa.core.register.RegisterWorld.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegisterNodeTest {

    private final RegisterWorld w = new RegisterWorld();

    @Test
    void registersANewNodeAndRecordsEverything() {
        IntakeResult result = w.register(request("req-1", "node-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(result.replay()).isFalse();
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.managedInstanceId()).isEqualTo(w.host.managedInstanceId).startsWith("mi-");
        assertThat(node.containerInstanceArn()).isEqualTo(w.host.containerInstanceArn);
        assertThat(node.cluster()).isEqualTo("edge");
        assertThat(node.hostKeyFingerprint()).as("pinned on first use").isEqualTo(HOST_KEY);
        assertThat(node.agentVersions().ssmAgent()).isEqualTo("3.3.0.0");
        assertThat(node.agentVersions().ecsAgent()).as("as ECS reports it (and the reconciler records it), not as the "
                + "host's agent introspects itself").isEqualTo("1.90.0");
        assertThat(node.lastRequestId()).isEqualTo("req-1");
        assertThat(node.attributes()).as("the request's ECS attributes, for selecting nodes by them")
                .isEqualTo(Map.of("rack", "r12"));

        RequestRecord record = w.store.getRequest("req-1").orElseThrow();
        assertThat(record.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(record.steps()).extracting(Step::name).containsExactly(RegisterNode.STEP_GUARD,
                RegisterNode.STEP_SSH_KEY, RegisterNode.STEP_ACTIVATION, RegisterNode.STEP_BOOTSTRAP,
                RegisterNode.STEP_HOST_KEY, RegisterNode.STEP_VERIFY, RegisterNode.STEP_RECORD,
                RegisterNode.STEP_DELETE_ACTIVATION);
        assertThat(record.steps()).allSatisfy(s -> {
            assertThat(s.result()).isEqualTo(StepResult.SUCCEEDED);
            assertThat(s.endedAt()).isNotNull().isAfterOrEqualTo(s.startedAt());
        });

        // One activation, single-purpose, deleted after use.
        InMemoryHybridActivations.Stored activation = w.activations.all().get(0);
        assertThat(w.activations.all()).hasSize(1);
        assertThat(activation.deleted()).isTrue();
        assertThat(activation.spec().nodeId()).isEqualTo("node-1");
        assertThat(activation.spec().requestId()).isEqualTo("req-1");
        assertThat(activation.spec().tags()).containsEntry(RegistrationSettings.STACK_TAG, "EcsaTest")
                .containsEntry("team", "edge");
        assertThat(activation.spec().expiresAt()).isBeforeOrEqualTo(record.receivedAt().plus(Duration.ofHours(1)));

        BootstrapInput input = w.scripts.rendered().get(0);
        assertThat(input.attributes()).containsEntry(RegistrationSettings.NODE_ATTRIBUTE, "node-1")
                .containsEntry("rack", "r12");
        assertThat(input.tags()).containsEntry(RegistrationSettings.NODE_TAG, "node-1")
                .containsEntry(RegistrationSettings.REQUEST_TAG, "req-1").containsEntry("team", "edge");

        ScriptRun run = w.remote.runs().get(0);
        assertThat(run.command()).isEqualTo(ScriptRun.DEFAULT_COMMAND);
        assertThat(run.hostKeyPolicy()).isInstanceOf(HostKeyPolicy.PinOnFirstUse.class);
        assertThat(run.connectTimeout().plus(run.commandTimeout()))
                .isLessThanOrEqualTo(w.settings.budget().minus(w.settings.verifyReserve()));
        assertThat(input.agentWait()).isLessThanOrEqualTo(run.commandTimeout());

        assertThat(w.events.events()).containsExactly(new NodeEvent.NodeRegistered("node-1", "req-1", "edge",
                node.managedInstanceId(), node.containerInstanceArn()));
    }

    /** ECS may not report the mi- id as ec2InstanceId; the ecsa.nodeId attribute the bootstrap wrote finds it. */
    @Test
    void findsTheContainerInstanceByTheNodeAttributeWhenEcsLacksTheManagedInstanceId() {
        w.host.ecsWithoutManagedInstanceId = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.store.getNode("node-1").orElseThrow().containerInstanceArn())
                .isEqualTo(w.host.containerInstanceArn);
    }

    @Test
    void aRedeliveredCompletedRequestIsReportedNotRepeated() {
        w.register(request("req-1", "node-1"));
        int writes = w.store.writeCount();

        IntakeResult again = w.register(request("req-1", "node-1"), 2);

        assertThat(again.replay()).isTrue();
        assertThat(again.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.activations.all()).hasSize(1);
        assertThat(w.remote.runs()).hasSize(1);
        assertThat(w.store.writeCount()).isEqualTo(writes);
    }

    @Test
    void aBusyNodeIsRetriedThenRejectedAtTheBound() {
        RegisterRequest other = request("req-other", "node-1");
        w.store.createNodeIfAbsent(NodeRecord.newRegistration(other, "edge", w.clock.instant()));

        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 1))
                .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NODE_BUSY));
        assertThat(w.activations.all()).isEmpty();
        assertThat(w.store.getRequest("req-1").orElseThrow().completed()).isFalse();

        IntakeResult last = w.register(request("req-1", "node-1"), RegisterWorld.MAX_RECEIVES);

        assertThat(last.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(last.failure().reason()).isEqualTo(Reason.NODE_BUSY);
        assertThat(w.activations.all()).isEmpty();
        assertThat(w.remote.runs()).isEmpty();
        assertThat(w.store.getNode("node-1").orElseThrow().lastRequestId()).isEqualTo("req-other");
        assertThat(w.events.eventsOf(NodeEvent.NodeRequestRejected.class)).hasSize(1);
    }

    @Test
    void anAlreadyRegisteredNodeIsCheckedCheaplyAndNotRegisteredAgain() {
        w.register(request("req-1", "node-1"));

        IntakeResult second = w.register(request("req-2", "node-1"));

        assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_REGISTERED);
        assertThat(w.activations.all()).hasSize(1);
        assertThat(w.remote.runs()).hasSize(1);
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistered.class)).extracting(NodeEvent::requestId)
                .containsExactly("req-1", "req-2");
    }

    @Test
    void aRegisteredNodeThatAwsNoLongerKnowsIsRejectedWithAReason() {
        w.register(request("req-1", "node-1"));
        w.managed.deregister(w.host.managedInstanceId);

        IntakeResult second = w.register(request("req-2", "node-1"));

        assertThat(second.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(second.failure().reason()).isEqualTo(Reason.INVALID_STATE);
        assertThat(second.failure().message()).contains("SSM does not list").contains("deregister");
        assertThat(w.activations.all()).hasSize(1);
    }

    /** Before the node guard was shared, DEREGISTRATION_FAILED reached no case and crashed the handler. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = NodeState.class, names = {"DRAIN_KEPT", "DEREGISTRATION_FAILED"})
    void aNodeStillPartlyRegisteredIsRejectedUntilDeregistered(NodeState state) {
        w.register(request("req-1", "node-1"));
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        w.store.transition("node-1", new Transition(NodeState.REGISTERED, NodeState.DRAINING, node.version()),
                NodeUpdate.none());
        w.store.transition("node-1", new Transition(NodeState.DRAINING, state, node.version() + 1),
                NodeUpdate.none());

        IntakeResult second = w.register(request("req-2", "node-1"));

        assertThat(second.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(second.failure().reason()).isEqualTo(Reason.INVALID_STATE);
        assertThat(second.failure().message()).contains("is " + state).contains("deregister it first");
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(state);
        assertThat(w.activations.all()).hasSize(1);
        assertThat(w.remote.runs()).hasSize(1);
    }

    @Test
    void aNodeRegisteredInAnotherClusterIsRejected() {
        w.register(request("req-1", "node-1"));

        IntakeResult second = w.register(request("req-2", "node-1", null, "other-cluster"));

        assertThat(second.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(second.failure().message()).contains("registered in cluster edge");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "preflight:PREFLIGHT_FAILED:NO_SYSTEMD, PREFLIGHT_FAILED, NO_SYSTEMD",
        "preflight:SUDO_DENIED:NOT_ROOT, SUDO_DENIED, NOT_ROOT",
        "verify:INSTALL_SCRIPT_UNVERIFIED:SIGNATURE_INVALID, INSTALL_SCRIPT_UNVERIFIED, SIGNATURE_INVALID",
        "install:INSTALL_FAILED:INSTALL_FAILED, INSTALL_FAILED, last lines of the install",
        "internal:INTERNAL:INTERNAL_ERROR, INTERNAL, INTERNAL_ERROR",
    })
    void aHostFailureIsRecordedWithItsStepAndTheActivationIsDeleted(String failure, Reason reason, String detail) {
        w.host.failure = failure;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, reason, RegisterNode.STEP_BOOTSTRAP);
        assertThat(result.failure().message()).contains(detail).contains("host's " + failure.split(":")[0]);
    }

    /**
     * Soak seed 11 (10,000 requests): a registration failed on the host, moved the node to REGISTRATION_FAILED, and
     * EventBridge refused its NodeRegistrationFailed; the redeliveries came within the lease of that node write, each
     * waited for "another delivery", and the last one was acknowledged with the request still IN_PROGRESS.
     */
    @Test
    void aFailureWhoseEventIsRefusedAfterTheNodeMovedIsFinishedByTheLastDeliveryWithinTheLease() {
        w.host.failure = "preflight:PREFLIGHT_FAILED:NO_SYSTEMD";
        w.events.refuse(1, NodeEvent.NodeRegistrationFailed.class,
                new RetryableException(Reason.THROTTLED, "EventBridge PutEvents: 400 ThrottlingException"));
        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 1)).isInstanceOf(RetryableException.class);
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);

        // Redelivered seconds later, well within the lease of the failed delivery's node write.
        w.clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 2)).isInstanceOf(RetryableException.class);
        w.clock.advance(Duration.ofSeconds(2));
        IntakeResult last = w.register(request("req-1", "node-1"), RegisterWorld.MAX_RECEIVES);

        assertThat(last.status()).isEqualTo(dev.ecsa.core.model.RequestStatus.COMPLETED);
        assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(last.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(w.store.getRequest("req-1").orElseThrow().completed()).isTrue();
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistrationFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.requestId()).isEqualTo("req-1"));
    }

    @Test
    void unparseableOutputIsRecordedWithTheStderrTail() {
        w.host.garbage = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.SCRIPT_OUTPUT_INVALID, RegisterNode.STEP_BOOTSTRAP);
        assertThat(result.failure().message()).contains("stderr tail: bash: syntax error");
    }

    @Test
    void idsThatDoNotMatchAwsFailTheRegistration() {
        w.host.wrongManagedInstanceId = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.IDS_MISMATCH, RegisterNode.STEP_VERIFY);
        assertThat(result.failure().message()).contains("mi-0123456789abcdef0").contains(w.host.managedInstanceId);
    }

    @Test
    void aContainerInstanceMissingFromEcsIsAMismatch() {
        w.host.skipEcs = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.IDS_MISMATCH, RegisterNode.STEP_VERIFY);
        assertThat(result.failure().message()).contains("ECS lists no container instance");
    }

    @Test
    void aFailedRegistrationRecordsTheManagedInstanceTheHostLeftSoADeregistrationRemovesIt() {
        w.host.skipEcs = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(node.managedInstanceId()).as("the host registered in SSM before ECS failed")
                .isNotNull().isEqualTo(w.managed.all().get(0).instanceId());
        IntakeResult deregistration = new dev.ecsa.core.deregister.DeregisterIntake(w.store, w.managed, w.containers,
                new dev.ecsa.core.fakes.InMemoryDrainWorkflow(), w.events, w.clock,
                dev.ecsa.core.deregister.DeregisterSettings.defaults()).accept(new dev.ecsa.core.model.DeregisterRequest(
                "dereg-1", "node-1", null, null, "operator", ""), Attempt.first(RegisterWorld.MAX_RECEIVES));
        assertThat(deregistration.outcome()).as("handed to the drain workflow, which removes it and cleans the host")
                .isNull();
    }

    @Test
    void theLookForWhatAFailedRegistrationLeftIsRepeatedWhenSsmFailsIt() {
        // The host registers in SSM, then its ECS agent never comes up; SSM fails the first two looks for what the
        // registration left.
        w.remote.addHost(RegisterWorld.ADDRESS, RegisterWorld.PORT, RegisterWorld.HOST_KEY, RegisterWorld.USER,
                RegisterWorld.KEY_TEXT, run -> {
                    w.host.skipEcs = true;
                    w.host.apply(run);
                    w.activations.failNextLookups(RegistrationCheck.LEFTOVER_LOOKS - 1);
                    return new InMemoryRemoteHost.Reply(3, "RESULT ok=false|step=wait|reason=AGENT_NOT_READY"
                            + "|code=AGENT_NOT_REGISTERED|message=the ECS agent did not report a container instance\n",
                            "");
                });

        IntakeResult result = w.register(request("req-1", "node-1"), RegisterWorld.MAX_RECEIVES);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(w.store.getNode("node-1").orElseThrow().managedInstanceId())
                .as("recorded on the third look, so a deregistration removes it")
                .isEqualTo(w.managed.all().get(0).instanceId());
    }

    @Test
    void aManagedInstanceAnEarlierDeliveryLeftUnusedIsDeregisteredWhenTheRegistrationCompletes() {
        // The first delivery's bootstrap gets as far as SSM (the host registers, ECS never hears of it), then the
        // connection drops: the host kept nothing, and the next delivery registers it afresh.
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        w.remote.addHost(RegisterWorld.ADDRESS, RegisterWorld.PORT, RegisterWorld.HOST_KEY, RegisterWorld.USER,
                RegisterWorld.KEY_TEXT, run -> {
                    if (runs.incrementAndGet() == 1) {
                        w.host.skipEcs = true;
                        w.host.apply(run);
                        w.host.skipEcs = false;
                        w.host.managedInstanceId = null; // the identity was never written on the host
                        w.host.containerInstanceArn = null;
                        throw new RetryableException(Reason.HOST_UNREACHABLE, "connection reset mid-script");
                    }
                    return w.host.apply(run);
                });
        assertThatThrownBy(() -> w.register(request("req-1", "node-1"))).isInstanceOf(RetryableException.class);
        String stray = w.managed.all().get(0).instanceId();

        IntakeResult result = w.register(request("req-1", "node-1"), 2);

        assertThat(result.outcome()).as(String.valueOf(result.failure())).isEqualTo(Outcome.REGISTERED);
        String kept = w.store.getNode("node-1").orElseThrow().managedInstanceId();
        assertThat(kept).isNotEqualTo(stray);
        assertThat(w.managed.deregisteredIds()).containsExactly(stray);
        assertThat(w.store.getRequest("req-1").orElseThrow().steps()).anySatisfy(st ->
                assertThat(st.name()).isEqualTo(RegisterNode.STEP_STRAYS));
    }

    @Test
    void aRejectedSshKeyFailsWithoutRunningAnything() {
        w.secrets.put(RegisterWorld.SECRET_ID, "another key");

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.SSH_AUTH_FAILED, RegisterNode.STEP_BOOTSTRAP);
        assertThat(w.remote.runs()).isEmpty();
    }

    @Test
    void anUnreachableHostIsRetriedThenFailsOnTheLastDelivery() {
        w.remote.setReachable(ADDRESS, PORT, false);

        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 1))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.HOST_UNREACHABLE));
        NodeRecord waiting = w.store.getNode("node-1").orElseThrow();
        assertThat(waiting.state()).isEqualTo(NodeState.REGISTERING);
        assertThat(waiting.lastError().reason()).isEqualTo(Reason.HOST_UNREACHABLE);
        assertThat(w.liveActivations()).as("deleted although the message will come back").isZero();

        IntakeResult last = w.register(request("req-1", "node-1"), RegisterWorld.MAX_RECEIVES);

        assertFailedCleanly(last, Outcome.FAILED, Reason.HOST_UNREACHABLE, RegisterNode.STEP_BOOTSTRAP);
        assertThat(last.failure().message()).contains("gave up after 5 deliveries");
        assertThat(w.activations.all()).hasSize(2);
    }

    @Test
    void aRetriedRegistrationSucceedsOnceTheHostAnswers() {
        w.remote.setReachable(ADDRESS, PORT, false);
        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 1)).isInstanceOf(RetryableException.class);
        w.remote.setReachable(ADDRESS, PORT, true);

        IntakeResult result = w.register(request("req-1", "node-1"), 2);

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.store.getNode("node-1").orElseThrow().lastError()).isNull();
        assertThat(w.liveActivations()).isZero();
        assertThat(w.store.getRequest("req-1").orElseThrow().steps())
                .filteredOn(s -> s.name().equals(RegisterNode.STEP_RESUME)).extracting(Step::detail)
                .as("the first delivery deleted its activation: the resume says so rather than deleting it again")
                .containsExactly("no registration from the 1 earlier activation(s); each was already deleted");
    }

    @Test
    void aMissingSecretOnTheLastDeliveryFailsBeforeAnyActivation() {
        w.secrets.put("unused", "x");
        w.settings = new RegistrationSettings("EcsaTest", "edge", "no-such-secret", Duration.ofHours(1),
                Duration.ofMinutes(12), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(90),
                Duration.ofSeconds(5), Duration.ofMinutes(5));

        IntakeResult result = w.register(request("req-1", "node-1"), RegisterWorld.MAX_RECEIVES);

        assertFailedCleanly(result, Outcome.FAILED, Reason.SECRET_UNAVAILABLE, RegisterNode.STEP_SSH_KEY);
        assertThat(w.activations.all()).isEmpty();
    }

    @Test
    void aRequestFingerprintThatDoesNotMatchIsRejectedAndNothingRuns() {
        IntakeResult result = w.register(request("req-1", "node-1", OTHER_KEY, null));

        assertFailedCleanly(result, Outcome.REJECTED, Reason.HOST_KEY_CHANGED, RegisterNode.STEP_BOOTSTRAP);
        assertThat(w.remote.runs()).isEmpty();
    }

    @Test
    void aChangedPinnedHostKeyIsRefusedOnTheNextRegistration() {
        w.host.failure = "preflight:PREFLIGHT_FAILED:NO_SYSTEMD";
        w.register(request("req-1", "node-1"));
        assertThat(w.store.getNode("node-1").orElseThrow().hostKeyFingerprint()).isEqualTo(HOST_KEY);
        w.host.failure = null;
        w.remote.changeHostKey(ADDRESS, PORT, OTHER_KEY);

        IntakeResult result = w.register(request("req-2", "node-1"));

        assertFailedCleanly(result, Outcome.REJECTED, Reason.HOST_KEY_CHANGED, RegisterNode.STEP_BOOTSTRAP);
        assertThat(w.remote.runs()).hasSize(1);
        assertThat(w.store.getNode("node-1").orElseThrow().hostKeyFingerprint()).isEqualTo(HOST_KEY);
    }

    @Test
    void aFingerprintInTheRequestReplacesThePinnedOne() {
        w.host.failure = "preflight:PREFLIGHT_FAILED:NO_SYSTEMD";
        w.register(request("req-1", "node-1"));
        w.host.failure = null;
        w.remote.changeHostKey(ADDRESS, PORT, OTHER_KEY);

        IntakeResult result = w.register(request("req-2", "node-1", OTHER_KEY, null));

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.remote.runs().get(1).hostKeyPolicy()).isEqualTo(new HostKeyPolicy.Expect(OTHER_KEY));
        assertThat(w.store.getNode("node-1").orElseThrow().hostKeyFingerprint()).isEqualTo(OTHER_KEY);
    }

    @Test
    void aBudgetTooSmallToStartTimesOutBeforeCreatingAnActivation() {
        w.settings = w.settings.withBudget(Duration.ofSeconds(100));

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.failure().message()).contains("not enough for starting the bootstrap");
        assertThat(w.activations.all()).isEmpty();
        assertThat(w.store.getNode("node-1").orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
    }

    @Test
    void theLambdaTimeLeftShortensTheBudget() {
        IntakeResult result = w.registerNode().register(request("req-1", "node-1"),
                new Attempt(1, RegisterWorld.MAX_RECEIVES, Duration.ofSeconds(60)));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(w.activations.all()).isEmpty();
    }

    @Test
    void aBootstrapThatOutrunsTheBudgetTimesOutAndDeletesTheActivation() {
        w.host.hang = true;

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.TIMED_OUT, Reason.TIMED_OUT, RegisterNode.STEP_BOOTSTRAP);
        ScriptRun run = w.remote.runs().get(0);
        assertThat(run.commandTimeout()).isLessThanOrEqualTo(w.settings.budget().minus(w.settings.verifyReserve()));
    }

    @Test
    void aHostAlreadyRegisteredAsThisNodeIsAdoptedNotRegisteredTwice() {
        // An earlier run registered the host (SSM + ECS) but its request ended before recording it.
        w.host.runTime = Duration.ofSeconds(10);
        var earlier = w.activations.create(new dev.ecsa.core.port.ActivationSpec("node-1", "req-0",
                w.clock.instant().plus(Duration.ofHours(1)), java.util.Map.of()));
        var mi = w.activations.registerHost(earlier.activationId(), earlier.code(), ADDRESS);
        var ci = w.containers.register("edge", mi.instanceId(), java.util.Map.of());
        w.activations.delete(earlier.activationId());
        w.host.managedInstanceId = mi.instanceId();
        w.host.containerInstanceArn = ci.arn();

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        assertThat(node.managedInstanceId()).isEqualTo(mi.instanceId());
        assertThat(node.containerInstanceArn()).isEqualTo(ci.arn());
        assertThat(w.managed.all()).hasSize(1);
        assertThat(w.liveActivations()).isZero();
    }

    /** The host's SSM agent registered (by an activation since deleted) under {@code name}; no ECS agent. */
    private dev.ecsa.core.port.ManagedInstance hostAlreadyRegisteredAs(String name) {
        var activation = w.activations.create(new dev.ecsa.core.port.ActivationSpec(name, "req-0",
                w.clock.instant().plus(Duration.ofHours(1)), java.util.Map.of()));
        var mi = w.activations.registerHost(activation.activationId(), activation.code(), ADDRESS);
        w.activations.delete(activation.activationId());
        w.host.managedInstanceId = mi.instanceId();
        return mi;
    }

    @Test
    void aHostRegisteredAsSomethingElseFailsPreflight() {
        hostAlreadyRegisteredAs("someone-else");

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.PREFLIGHT_FAILED, RegisterNode.STEP_VERIFY);
        assertThat(result.failure().message()).contains("ALREADY_REGISTERED")
                .contains("SSM does not list that registration for node node-1");
    }

    @Test
    void aHostItsOwnEarlierRunLeftWithoutAnEcsAgentFailsAfterTheVerifyReserveNotTheWholeBudget() {
        var mi = hostAlreadyRegisteredAs("node-1");

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.PREFLIGHT_FAILED, RegisterNode.STEP_VERIFY);
        assertThat(result.failure().message()).contains("ECS lists no container instance for " + mi.instanceId());
        var verify = w.store.getRequest("req-1").orElseThrow().steps().stream()
                .filter(st -> st.name().equals(RegisterNode.STEP_VERIFY)).reduce((a, b) -> b).orElseThrow();
        assertThat(Duration.between(verify.startedAt(), verify.endedAt()))
                .as("the verification's reserve, not the 12-minute budget")
                .isLessThanOrEqualTo(RegistrationSettings.DEFAULT_VERIFY_RESERVE);
    }

    @Test
    void anAgentThatIsNotActiveYetIsRetriedAndTheRedeliveryFindsIt() {
        w.host.runTime = Duration.ofSeconds(10);
        // The container instance exists but is not ACTIVE while verify looks (e.g. still REGISTERING in ECS).
        BootstrapHost host = w.host;
        w.remote.addHost(ADDRESS, PORT, HOST_KEY, RegisterWorld.USER, RegisterWorld.KEY_TEXT, run -> {
            var reply = host.apply(run);
            if (host.containerInstanceArn != null) {
                w.containers.forceStatus(host.containerInstanceArn, ContainerInstanceStatus.DRAINING);
            }
            return reply;
        });

        assertThatThrownBy(() -> w.register(request("req-1", "node-1"), 1))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AGENT_NOT_READY));
        assertThat(w.liveActivations()).isZero();
        w.containers.forceStatus(host.containerInstanceArn, ContainerInstanceStatus.ACTIVE);

        IntakeResult result = w.register(request("req-1", "node-1"), 2);

        assertThat(result.outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(w.remote.runs()).as("the redelivery did not run the bootstrap again").hasSize(1);
        assertThat(w.managed.all()).hasSize(1);
    }

    @Test
    void anExpiredActivationIsReportedAsSuch() {
        w.settings = new RegistrationSettings("EcsaTest", "edge", RegisterWorld.SECRET_ID, Duration.ofSeconds(30),
                Duration.ofMinutes(12), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(90),
                Duration.ofSeconds(5), Duration.ofMinutes(5));

        IntakeResult result = w.register(request("req-1", "node-1"));

        assertFailedCleanly(result, Outcome.FAILED, Reason.ACTIVATION_INVALID, RegisterNode.STEP_BOOTSTRAP);
    }

    private void assertFailedCleanly(IntakeResult result, Outcome outcome, Reason reason, String failedStep) {
        assertThat(result.outcome()).isEqualTo(outcome);
        assertThat(result.failure().reason()).isEqualTo(reason);
        NodeRecord node = w.store.getNode("node-1").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(node.lastError()).isEqualTo(result.failure());
        RequestRecord record = w.store.getRequest(result.requestId()).orElseThrow();
        assertThat(record.failure()).isEqualTo(result.failure());
        List<Step> failed = record.steps().stream().filter(s -> s.result() == StepResult.FAILED).toList();
        assertThat(failed).extracting(Step::name).containsExactly(failedStep);
        assertThat(failed.get(0).detail()).startsWith(reason.name());
        assertThat(w.liveActivations()).as("no activation left live").isZero();
        assertThat(w.activations.all()).allSatisfy(a -> assertThat(a.deleted()).isTrue());
        assertThat(w.events.eventsOf(NodeEvent.NodeRegistrationFailed.class)).last()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(reason.name()));
    }

    /** The world's activations, with {@code method} answering THROTTLED for its first {@code times} calls. */
    private HybridActivations throttling(String method, AtomicInteger times) {
        return (HybridActivations) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HybridActivations.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(method) && times.getAndDecrement() > 0) {
                        throw new RetryableException(Reason.THROTTLED, "Rate exceeded");
                    }
                    try {
                        return m.invoke(w.activations, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private IntakeResult registerWith(HybridActivations activations) {
        return new RegisterNode(w.store, activations, w.managed, w.containers, w.remote, w.secrets, w.scripts,
                w.events, w.clock, w.clock::advance, w.settings)
                .register(request("req-1", "node-1"), Attempt.first(RegisterWorld.MAX_RECEIVES));
    }

    @Test
    void aThrottledLookWhileWaitingForTheNodeIsLookedAgainNotFailed() {
        AtomicInteger throttles = new AtomicInteger(3);

        assertThat(registerWith(throttling("findManagedInstance", throttles)).outcome())
                .isEqualTo(Outcome.REGISTERED);
        assertThat(throttles.get()).as("every throttled look was followed by another").isNegative();
    }

    @Test
    void aThrottledActivationIsCreatedAfterJitteredWaitsWithinTheDelivery() {
        AtomicInteger throttles = new AtomicInteger(4);
        Instant before = w.clock.instant();

        assertThat(registerWith(throttling("create", throttles)).outcome()).isEqualTo(Outcome.REGISTERED);
        // waits of 0.5-1, 1-2, 2-4 and 4-8 s: at least 7.5 s of the delivery went to waiting
        assertThat(Duration.between(before, w.clock.instant())).isGreaterThanOrEqualTo(Duration.ofMillis(7500));
        assertThat(w.activations.all()).allMatch(InMemoryHybridActivations.Stored::deleted);
    }

    @Test
    void throttlingPastAQuarterOfTheBudgetGoesBackToTheQueue() {
        AtomicInteger forever = new AtomicInteger(1_000_000);

        assertThatThrownBy(() -> registerWith(throttling("create", forever)))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
        assertThat(1_000_000 - forever.get()).as("calls before giving the delivery back").isBetween(5, 60);
    }
}
