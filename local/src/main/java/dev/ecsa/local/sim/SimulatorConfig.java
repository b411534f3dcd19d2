package dev.ecsa.local.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ControlPlaneSimulator}.
 *
 * @param region    region in ARNs and agent answers (default {@code us-east-1})
 * @param accountId account in ARNs (default {@code 123456789012})
 * @param port      TCP port on 127.0.0.1; 0 picks a free one
 * @param clock     the simulator's clock: timestamps, activation expiry and task transitions all read it, so a
 *                  {@link MutableClock} makes time-dependent behaviour deterministic in tests
 * @param taskTiming how fast draining replaces and stops service tasks
 * @param stopUnreplaceableServiceTasks when draining finds no other ACTIVE, connected instance for a service
 *                  task: {@code false} (default, like a service with minimumHealthyPercent 100) keeps the task
 *                  running and retries placement; {@code true} (like minimumHealthyPercent 0) stops it anyway
 */
public record SimulatorConfig(String region, String accountId, int port, Clock clock, TaskTiming taskTiming,
                              boolean stopUnreplaceableServiceTasks) {

    public SimulatorConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(taskTiming, "taskTiming");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** us-east-1, account 123456789012, a free port, the system clock, {@link TaskTiming#defaults()}. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig("us-east-1", "123456789012", 0, Clock.systemUTC(), TaskTiming.defaults(), false);
    }

    public SimulatorConfig withRegion(String value) {
        return new SimulatorConfig(value, accountId, port, clock, taskTiming, stopUnreplaceableServiceTasks);
    }

    public SimulatorConfig withAccountId(String value) {
        return new SimulatorConfig(region, value, port, clock, taskTiming, stopUnreplaceableServiceTasks);
    }

    public SimulatorConfig withPort(int value) {
        return new SimulatorConfig(region, accountId, value, clock, taskTiming, stopUnreplaceableServiceTasks);
    }

    public SimulatorConfig withClock(Clock value) {
        return new SimulatorConfig(region, accountId, port, value, taskTiming, stopUnreplaceableServiceTasks);
    }

    public SimulatorConfig withTaskTiming(TaskTiming value) {
        return new SimulatorConfig(region, accountId, port, clock, value, stopUnreplaceableServiceTasks);
    }

    public SimulatorConfig withStopUnreplaceableServiceTasks(boolean value) {
        return new SimulatorConfig(region, accountId, port, clock, taskTiming, value);
    }

    /**
     * Delays of the drain choreography. When an instance starts DRAINING (or is force-deregistered), each of
     * its RUNNING service tasks is, after {@code replacementDelay}, replaced on another instance and given
     * desiredStatus STOPPED; its lastStatus then becomes DEACTIVATING after {@code deactivatingDelay},
     * STOPPING after a further {@code stoppingDelay} and STOPPED after a further {@code stoppedDelay}.
     * Tasks stopped with StopTask follow the same three steps.
     */
    public record TaskTiming(Duration replacementDelay, Duration deactivatingDelay, Duration stoppingDelay,
                             Duration stoppedDelay) {

        public TaskTiming {
            for (Duration d : new Duration[] {replacementDelay, deactivatingDelay, stoppingDelay, stoppedDelay}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("task timing delays must be zero or positive");
                }
            }
        }

        public static TaskTiming defaults() {
            return new TaskTiming(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(2));
        }
    }
}
