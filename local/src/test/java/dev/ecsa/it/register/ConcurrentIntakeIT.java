package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.iam.BenchAuthorizer;
import dev.ecsa.local.sim.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The intake as Lambda's event source mapping runs it: many message groups at once, up to the mapping's maximum
 * concurrency from the template, each in its own execution environment of the function from the zip, and each
 * group (node) in order; and the same against AWS rate limits far below AWS's own. A small fixed fleet; the
 * fleet-scale figures are bin/bench-scale's.
 */
class ConcurrentIntakeIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final List<String> NODES = List.of("con-1", "con-2", "con-3", "con-4");
    private static final List<String> THROTTLED_NODES = List.of("thr-1", "thr-2", "thr-3", "thr-4");
    private static final String SSM = "AmazonSSM.";
    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        List<HostConfig> hosts = new ArrayList<>();
        NODES.forEach(n -> hosts.add(HostConfig.builder(n).build()));
        THROTTLED_NODES.forEach(n -> hosts.add(HostConfig.builder(n).build()));
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), hosts, List.of());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void nodesAreRegisteredAtOnceAndEachNodesRequestsInOrder() {
        for (String node : NODES) {
            service.send(ServiceOnBench.registerRequest("con-register-" + node, service.target(node)));
        }
        // Sent right behind con-1's registration, in the same message group: it may only run after it.
        service.send(Map.of("action", "deregister", "requestId", "con-deregister-con-1", "nodeId", "con-1",
                "requestedBy", "it"));

        List<RequestRecord> registrations = new ArrayList<>();
        for (String node : NODES) {
            RequestRecord r = service.awaitOutcome("con-register-" + node, WAIT);
            assertThat(r.outcome()).as(node + ": " + r.failure()).isEqualTo(Outcome.REGISTERED);
            registrations.add(r);
        }
        RequestRecord deregistration = service.awaitOutcome("con-deregister-con-1", WAIT);
        assertThat(deregistration.outcome()).as(String.valueOf(deregistration.failure()))
                .isEqualTo(Outcome.DEREGISTERED);
        assertThat(deregistration.receivedAt()).as("con-1's deregistration began after its registration ended")
                .isAfterOrEqualTo(registrations.get(0).finishedAt());

        assertThat(overlapping(registrations)).as("registrations that ran at the same time as another").isPositive();
        assertThat(service.stack().nodeRequests().environments()).as("execution environments of the function")
                .hasSizeGreaterThan(1);
        assertThat(service.stack().nodeRequests().environments().size())
                .isLessThanOrEqualTo(service.stack().nodeRequests().limit());
        assertThat(service.iam().authorizer().denials()).extracting(BenchAuthorizer.Decision::toString).isEmpty();
    }

    /**
     * One activation every four seconds, one SSM lookup a second: AWS answers ThrottlingException many times, and
     * every node is still registered, none failed and nothing dead-lettered. The SDK's adaptive retries, polls that
     * look again later and activation calls that wait out the throttling absorb it (docs/bench.md).
     */
    @Test
    void everyNodeIsRegisteredThoughAwsThrottles() {
        service.bench().simulator().enforce(RateLimits.of(List.of(
                new RateLimits.Category("activation writes", List.of(SSM + "CreateActivation",
                        SSM + "DeleteActivation"), 1, 0.25),
                new RateLimits.Category("ssm reads", List.of(SSM + "DescribeInstanceInformation",
                        SSM + "DescribeActivations"), 1, 1),
                new RateLimits.Category("ecs reads", List.of(ECS + "ListContainerInstances",
                        ECS + "DescribeContainerInstances"), 2, 1)), System::nanoTime));
        try {
            for (String node : THROTTLED_NODES) {
                service.send(ServiceOnBench.registerRequest("thr-register-" + node, service.target(node)));
            }
            for (String node : THROTTLED_NODES) {
                RequestRecord r = service.awaitOutcome("thr-register-" + node, Duration.ofMinutes(4));
                assertThat(r.outcome()).as(node + ": " + r.failure()).isEqualTo(Outcome.REGISTERED);
                assertThat(service.activationsFor(node)).as(node + ": activation deleted").isZero();
            }
        } finally {
            service.bench().simulator().enforce(RateLimits.none());
        }
        Map<String, Long> throttled = service.bench().simulator().throttlingAnswersByOperation();
        assertThat(throttled).as("AWS throttled the fleet").containsKey(SSM + "CreateActivation");
        assertThat(throttled.values().stream().mapToLong(Long::longValue).sum())
                .isGreaterThan(THROTTLED_NODES.size());
        assertThat(service.deadLetters()).isEmpty();
    }

    private static long overlapping(List<RequestRecord> records) {
        return records.stream().filter(a -> records.stream().anyMatch(b -> b != a
                && a.receivedAt().isBefore(b.finishedAt()) && b.receivedAt().isBefore(a.finishedAt()))).count();
    }
}
