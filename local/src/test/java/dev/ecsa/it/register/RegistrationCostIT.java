package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.iam.BenchAuthorizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one registration and one deregistration cost in DynamoDB calls, counted where the deployed functions make them:
 * the functions from the zip, every call through the bench's IAM front, which records each authorized action. Prints
 * the figures per action (the benchmark the fleet-scale issue asks for) and holds the registration to its budget of
 * 12 calls with a complete trail.
 *
 * <pre>
 * ./mvnw -B -pl local verify -Dit.test=RegistrationCostIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class RegistrationCostIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The fleet-scale issue's goal for one registration. */
    private static final int REGISTRATION_BUDGET = 12;

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(),
                List.of(HostConfig.builder("cost-1").build(), HostConfig.builder("cost-2").build()), List.of());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aRegistrationMakesAtMostTwelveDynamoDbCallsAndRecordsEveryStep() {
        // A first registration warms the function (its init reads nothing from DynamoDB, but be sure).
        awaitOutcome(ServiceOnBench.registerRequest("cost-warm", service.target("cost-2")));

        int from = service.iam().authorizer().decisions().size();
        RequestRecord record = awaitOutcome(ServiceOnBench.registerRequest("cost-register", service.target("cost-1")));
        Map<String, Long> calls = dynamoDbCalls("NodeRequest", from);

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(record.steps()).extracting(Step::name).containsExactly(RegisterNode.STEP_GUARD,
                RegisterNode.STEP_SSH_KEY, RegisterNode.STEP_ACTIVATION, RegisterNode.STEP_BOOTSTRAP,
                RegisterNode.STEP_HOST_KEY, RegisterNode.STEP_VERIFY, RegisterNode.STEP_RECORD,
                RegisterNode.STEP_DELETE_ACTIVATION);
        assertThat(record.steps()).extracting(Step::result).containsOnly(StepResult.SUCCEEDED);
        long total = print("one registration (NodeRequest)", calls);
        assertThat(total).as("DynamoDB calls of one registration: " + calls).isLessThanOrEqualTo(REGISTRATION_BUDGET);
    }

    @Test
    void aDeregistrationsCallsArePrinted() {
        awaitOutcome(ServiceOnBench.registerRequest("cost-register-2", service.target("cost-2")));
        int from = service.iam().authorizer().decisions().size();
        RequestRecord record = awaitOutcome(Map.of("action", "deregister", "requestId", "cost-deregister",
                "nodeId", "cost-2", "requestedBy", "it"));
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.DEREGISTERED);
        long intake = print("one deregistration, intake (NodeRequest)", dynamoDbCalls("NodeRequest", from));
        long drain = print("one deregistration, drain workflow (DrainStep)", dynamoDbCalls("DrainStep", from));
        assertThat(intake + drain).isPositive();
    }

    private static RequestRecord awaitOutcome(Map<String, Object> body) {
        service.send(body);
        return service.awaitOutcome((String) body.get("requestId"), WAIT);
    }

    private static Map<String, Long> dynamoDbCalls(String function, int fromDecision) {
        List<BenchAuthorizer.Decision> decisions = service.iam().authorizer().decisions();
        List<BenchAuthorizer.Decision> slice = decisions.subList(fromDecision, decisions.size()).stream()
                .filter(d -> d.action().startsWith("dynamodb:")).toList();
        return service.iam().callCounts(function, slice);
    }

    private static long print(String what, Map<String, Long> calls) {
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("DynamoDB calls, %s: %d %s%n", what, total, calls);
        return total;
    }
}
