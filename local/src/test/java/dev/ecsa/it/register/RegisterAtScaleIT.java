package dev.ecsa.it.register;

import static dev.ecsa.it.flow.ServiceOnBench.registerRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scale check of issue 3: registering one node into an account with 5,000 managed instances and a cluster of
 * 5,000 container instances costs a small, fixed number of SSM and ECS calls (filtered lookups, no listing of the
 * fleet). The counts are the simulator's, per operation, retries included; they are printed for the record.
 */
class RegisterAtScaleIT {

    private static final int FLEET = 5_000;

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), List.of(
                HostConfig.builder("scale-new").build()), List.of());
        service.bench().simulator().seedNodes(Bench.CLUSTER, FLEET, "fleet");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void registeringIntoAFleetOf5000CostsAConstantNumberOfCalls() {
        var sim = service.bench().simulator();
        assertThat(sim.managedInstanceCount()).isEqualTo(FLEET);
        sim.resetCalls();

        service.send(registerRequest("scale-new-1", service.target("scale-new")));
        RequestRecord record = service.awaitOutcome("scale-new-1", Duration.ofSeconds(90));

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        Map<String, Long> calls = new TreeMap<>(sim.faults().allCalls());
        System.out.println("RegisterAtScaleIT: simulator calls for one registration among " + FLEET + " nodes: "
                + calls);
        assertThat(calls).containsEntry("AmazonSSM.CreateActivation", 1L)
                .containsEntry("AmazonSSM.DeleteActivation", 1L)
                .containsEntry("/_sim/agent/ssm/register", 1L)
                .containsEntry("/_sim/agent/ecs/register", 1L);
        assertThat(calls.getOrDefault("AmazonSSM.DescribeInstanceInformation", 0L)).isBetween(1L, 2L);
        assertThat(calls.getOrDefault("AmazonEC2ContainerServiceV20141113.ListContainerInstances", 0L))
                .isBetween(1L, 2L);
        assertThat(calls.getOrDefault("AmazonEC2ContainerServiceV20141113.DescribeContainerInstances", 0L))
                .isBetween(1L, 2L);
        assertThat(calls.getOrDefault("AmazonSSM.DescribeActivations", 0L)).isZero();
        long awsCalls = calls.entrySet().stream().filter(e -> !e.getKey().startsWith("/"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(awsCalls).as("every AWS call of the registration").isLessThanOrEqualTo(10);
    }
}
