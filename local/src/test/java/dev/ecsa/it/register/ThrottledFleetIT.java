package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.sim.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet registered at once against SSM and ECS rate limits far below AWS's (one activation every four seconds,
 * one instance lookup a second), by the function from the zip under the stack's concurrency: AWS answers
 * ThrottlingException many times, and every node is still registered, none failed and nothing dead-lettered.
 * The throttled calls are absorbed by the SDK's adaptive retries, by polls that look again later, and at worst by a
 * redelivery that resumes the registration.
 */
class ThrottledFleetIT {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final List<String> NODES = List.of("thr-1", "thr-2", "thr-3", "thr-4");
    private static final String SSM = "AmazonSSM.";
    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        List<HostConfig> hosts = new ArrayList<>();
        NODES.forEach(n -> hosts.add(HostConfig.builder(n).build()));
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), hosts, List.of());
        service.bench().simulator().enforce(RateLimits.of(List.of(
                new RateLimits.Category("activation writes", List.of(SSM + "CreateActivation",
                        SSM + "DeleteActivation"), 1, 0.25),
                new RateLimits.Category("ssm reads", List.of(SSM + "DescribeInstanceInformation",
                        SSM + "DescribeActivations"), 1, 1),
                new RateLimits.Category("ecs reads", List.of(ECS + "ListContainerInstances",
                        ECS + "DescribeContainerInstances"), 2, 1)), System::nanoTime));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyNodeIsRegisteredThoughAwsThrottles() {
        for (String node : NODES) {
            service.send(ServiceOnBench.registerRequest("thr-register-" + node, service.target(node)));
        }
        for (String node : NODES) {
            RequestRecord r = service.awaitOutcome("thr-register-" + node, WAIT);
            assertThat(r.outcome()).as(node + ": " + r.failure()).isEqualTo(Outcome.REGISTERED);
            assertThat(service.activationsFor(node)).as(node + ": activation deleted").isZero();
        }
        Map<String, Long> throttled = service.bench().simulator().throttlingAnswersByOperation();
        assertThat(throttled).as("AWS throttled the fleet").containsKey(SSM + "CreateActivation");
        assertThat(throttled.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(NODES.size());
        assertThat(service.deadLetters()).isEmpty();
    }
}
