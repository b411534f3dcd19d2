package dev.ecsa.core.deregister;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.port.ContainerInstanceStatus;
import dev.ecsa.core.state.NodeState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Step Functions may run a Task again with the same input (a retry after the function did its work but failed to
 * answer). Every step is run twice here: the second run returns the same state and changes nothing that matters.
 */
class StepReplayTest {

    private final DrainFixture f = new DrainFixture();
    private final DrainTasks tasks = f.tasks();

    /** What a replay must leave as it was (events are at least once and may repeat; steps keep their count). */
    private record World(NodeRecord node, List<String> statusChanges, List<String> deregistered,
                         List<String> stepNames, Outcome outcome, int cleanupRuns) {
    }

    private World world() {
        RequestRecord r = f.request();
        return new World(f.node(), f.containers.statusChanges(), f.managed.deregisteredIds(),
                r.steps().stream().map(s -> s.name()).toList(), r.outcome(), f.cleanupRuns.get());
    }

    @Test
    void startDrainTwice() {
        f.addServiceTask("web-1");
        var input = f.start(TimeoutPolicy.REVERT);
        DrainState first = tasks.startDrain(input);
        World after = world();
        f.clock.advance(Duration.ofSeconds(3));

        DrainState second = tasks.startDrain(input);

        assertThat(second).isEqualTo(first);
        assertThat(second.weSetDraining()).isTrue();
        assertThat(world()).isEqualTo(after);
        assertThat(after.statusChanges()).containsExactly(f.arn + " DRAINING");
        assertThat(after.node().state()).isEqualTo(NodeState.DRAINING);
    }

    @Test
    void checkDrainTwice() {
        f.addStandaloneTask("backup-7");
        DrainState started = tasks.startDrain(f.start(TimeoutPolicy.REVERT));
        DrainState first = tasks.checkDrain(started);
        World after = world();

        DrainState second = tasks.checkDrain(started);

        assertThat(second).isEqualTo(first);
        assertThat(first.checks()).isEqualTo(1);
        assertThat(world()).isEqualTo(after);
    }

    @Test
    void applyTimeoutPolicyTwice() {
        DrainState passed = f.deadlinePassed(tasks);
        assertThat(passed.decision()).isEqualTo(WorkflowDecision.DEADLINE_PASSED);
        DrainState first = tasks.applyTimeoutPolicy(passed);
        World after = world();

        DrainState second = tasks.applyTimeoutPolicy(passed);

        assertThat(second).isEqualTo(first);
        assertThat(world()).isEqualTo(after);
        assertThat(after.node().state()).isEqualTo(NodeState.REGISTERED);
        assertThat(after.statusChanges()).containsExactly(f.arn + " DRAINING", f.arn + " ACTIVE");
        assertThat(after.outcome()).isEqualTo(Outcome.DRAIN_TIMED_OUT);
    }

    @Test
    void deregisterTwice() {
        DrainState started = tasks.startDrain(f.start(TimeoutPolicy.REVERT));
        DrainState first = tasks.deregister(started);
        World after = world();

        DrainState second = tasks.deregister(started);

        assertThat(second).isEqualTo(first);
        assertThat(first.deregistered()).isTrue();
        assertThat(world()).isEqualTo(after);
        assertThat(after.node().state()).isEqualTo(NodeState.DEREGISTERING);
        assertThat(f.instance().status()).isEqualTo(ContainerInstanceStatus.INACTIVE);
    }

    @Test
    void cleanHostTwice() {
        DrainState deregistered = tasks.deregister(tasks.startDrain(f.start(TimeoutPolicy.REVERT)));
        DrainState first = tasks.cleanHost(deregistered);
        World after = world();

        DrainState second = tasks.cleanHost(deregistered);

        assertThat(second).isEqualTo(first);
        // The outcome is recorded: nothing runs again, not even the script.
        assertThat(world()).isEqualTo(after);
        assertThat(after.cleanupRuns()).isEqualTo(1);
        assertThat(after.outcome()).isEqualTo(Outcome.DEREGISTERED);
        assertThat(f.events.eventsOf(NodeEvent.NodeDeregistered.class)).hasSize(1);
    }

    @Test
    void recordFailureTwice() {
        DrainState started = tasks.startDrain(f.start(TimeoutPolicy.REVERT));
        CaughtError error = new CaughtError("dev.ecsa.core.error.PermanentException",
                "AWS_ACCESS_DENIED: ecs:DeregisterContainerInstance denied");
        tasks.recordFailure(started, error);
        World after = world();

        tasks.recordFailure(started, error);

        assertThat(world()).isEqualTo(after);
        assertThat(after.node().state()).isEqualTo(NodeState.DEREGISTRATION_FAILED);
        assertThat(after.outcome()).isEqualTo(Outcome.FAILED);
    }
}
