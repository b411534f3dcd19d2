package dev.ecsa.functions.aws;


import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import dev.ecsa.store.AwsFailures;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CreateActivationRequest;
import software.amazon.awssdk.services.ssm.model.CreateActivationResponse;
import software.amazon.awssdk.services.ssm.model.DeleteActivationRequest;
import software.amazon.awssdk.services.ssm.model.DeleteActivationResponse;
import software.amazon.awssdk.services.ssm.model.DeregisterManagedInstanceRequest;
import software.amazon.awssdk.services.ssm.model.DeregisterManagedInstanceResponse;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationRequest;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InvalidActivationIdException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSM adapters' request building, paging and error handling, against a scripted SsmClient. */
class SsmAdaptersTest {

    private static final Instant EXPIRY = Instant.parse("2026-11-25T18:30:00Z");

    /** Answers each operation from a queue of scripted results and records every request. */
    static final class ScriptedSsm implements SsmClient {
        final List<Object> requests = new ArrayList<>();
        final Deque<Function<Object, Object>> answers = new ArrayDeque<>();

        ScriptedSsm then(Function<Object, Object> answer) {
            answers.add(answer);
            return this;
        }

        private Object answer(Object request) {
            requests.add(request);
            Object result = answers.removeFirst().apply(request);
            if (result instanceof RuntimeException e) {
                throw e;
            }
            return result;
        }

        @Override
        public CreateActivationResponse createActivation(CreateActivationRequest r) {
            return (CreateActivationResponse) answer(r);
        }

        @Override
        public DeleteActivationResponse deleteActivation(DeleteActivationRequest r) {
            return (DeleteActivationResponse) answer(r);
        }

        @Override
        public DescribeInstanceInformationResponse describeInstanceInformation(DescribeInstanceInformationRequest r) {
            return (DescribeInstanceInformationResponse) answer(r);
        }

        @Override
        public DeregisterManagedInstanceResponse deregisterManagedInstance(DeregisterManagedInstanceRequest r) {
            return (DeregisterManagedInstanceResponse) answer(r);
        }

        @Override
        public String serviceName() {
            return "ssm";
        }

        @Override
        public void close() {
        }
    }

    private final ScriptedSsm ssm = new ScriptedSsm();
    private final SsmHybridActivations activations = new SsmHybridActivations(ssm, "ecsAnywhereRole", "EcsaTest");
    private final SsmManagedInstances managed = new SsmManagedInstances(ssm, "EcsaTest");

    @Test
    void createsSingleUseActivationNamedAfterTheNodeWithServiceTags() {
        ssm.then(r -> CreateActivationResponse.builder().activationId("a-1").activationCode("SECRETCODE123456789A")
                .build());
        Map<String, String> userTags = new LinkedHashMap<>();
        userTags.put("team", "edge");

        Activation a = activations.create(new ActivationSpec("node-1", "req-1", EXPIRY, userTags));

        CreateActivationRequest sent = (CreateActivationRequest) ssm.requests.get(0);
        assertThat(sent.iamRole()).isEqualTo("ecsAnywhereRole");
        assertThat(sent.registrationLimit()).isEqualTo(1);
        assertThat(sent.expirationDate()).isEqualTo(EXPIRY);
        assertThat(sent.defaultInstanceName()).isEqualTo("node-1");
        assertThat(sent.tags()).extracting(Tag::key, Tag::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("team", "edge"),
                org.assertj.core.groups.Tuple.tuple("ecsa:nodeId", "node-1"),
                org.assertj.core.groups.Tuple.tuple("ecsa:requestId", "req-1"),
                org.assertj.core.groups.Tuple.tuple("ecsa:stack", "EcsaTest"));
        assertThat(a.activationId()).isEqualTo("a-1");
        assertThat(a.code()).isEqualTo("SECRETCODE123456789A");
        assertThat(a.expiresAt()).isEqualTo(EXPIRY);
        assertThat(a.toString()).doesNotContain("SECRETCODE");
    }

    @Test
    void serviceTagsWinOverSpecTagsOfTheSameKey() {
        ssm.then(r -> CreateActivationResponse.builder().activationId("a-1").activationCode("c").build());

        activations.create(new ActivationSpec("node-1", "req-1", EXPIRY, Map.of("ecsa:stack", "spoofed")));

        CreateActivationRequest sent = (CreateActivationRequest) ssm.requests.get(0);
        assertThat(sent.tags()).filteredOn(t -> t.key().equals("ecsa:stack")).extracting(Tag::value)
                .containsExactly("EcsaTest");
    }

    @Test
    void deletingAnUnknownActivationIsDone() {
        ssm.then(r -> AwsFailures.error(InvalidActivationIdException.builder(), "InvalidActivationId", 400, "gone"));

        activations.delete("a-1");

        assertThat(((DeleteActivationRequest) ssm.requests.get(0)).activationId()).isEqualTo("a-1");
    }

    @Test
    void deleteThrottledIsRetryable() {
        ssm.then(r -> AwsFailures.error(SsmException.builder(), "ThrottlingException", 400, "Rate exceeded"));

        assertThatThrownBy(() -> activations.delete("a-1")).isInstanceOf(RetryableException.class)
                .extracting(e -> ((NodeOperationException) e).reason()).isEqualTo(Reason.THROTTLED);
    }

    @Test
    void findManagedInstanceFollowsNextTokenThroughEmptyPages() {
        ssm.then(r -> DescribeInstanceInformationResponse.builder().nextToken("t1").build())
                .then(r -> DescribeInstanceInformationResponse.builder()
                        .instanceInformationList(List.of()).nextToken("t2").build())
                .then(r -> DescribeInstanceInformationResponse.builder().instanceInformationList(
                        InstanceInformation.builder().instanceId("mi-0123456789abcdef0").activationId("a-1")
                                .name("node-1").pingStatus("Online").agentVersion("3.3.0.0")
                                .ipAddress("192.0.2.10").platformName("Ubuntu").platformVersion("22.04").build())
                        .build());

        Optional<ManagedInstance> found = activations.findManagedInstance("a-1");

        assertThat(found).contains(new ManagedInstance("mi-0123456789abcdef0", "a-1", "node-1", PingStatus.ONLINE,
                "3.3.0.0", "192.0.2.10", "Ubuntu", "22.04"));
        assertThat(ssm.requests).hasSize(3).allSatisfy(r -> {
            DescribeInstanceInformationRequest d = (DescribeInstanceInformationRequest) r;
            assertThat(d.maxResults()).isEqualTo(50);
            assertThat(d.filters()).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("ActivationIds");
                assertThat(f.values()).containsExactly("a-1");
            });
        });
        assertThat(ssm.requests).extracting(r -> ((DescribeInstanceInformationRequest) r).nextToken())
                .containsExactly(null, "t1", "t2");
    }

    @Test
    void findManagedInstanceIsEmptyWhenPagesEnd() {
        ssm.then(r -> DescribeInstanceInformationResponse.builder().nextToken("t1").build())
                .then(r -> DescribeInstanceInformationResponse.builder().build());

        assertThat(activations.findManagedInstance("a-1")).isEmpty();
        assertThat(ssm.requests).hasSize(2);
    }

    @Test
    void describeUsesInstanceIdsFilterAndMapsPingStatuses() {
        ssm.then(r -> DescribeInstanceInformationResponse.builder().instanceInformationList(
                InstanceInformation.builder().instanceId("mi-0123456789abcdef0").pingStatus("ConnectionLost")
                        .build()).build());

        assertThat(managed.describe("mi-0123456789abcdef0")).map(ManagedInstance::pingStatus)
                .contains(PingStatus.CONNECTION_LOST);
        DescribeInstanceInformationRequest sent = (DescribeInstanceInformationRequest) ssm.requests.get(0);
        assertThat(sent.filters().get(0).key()).isEqualTo("InstanceIds");
        assertThat(SsmInstances.pingStatus("Inactive")).isEqualTo(PingStatus.INACTIVE);
        assertThat(SsmInstances.pingStatus("Hibernating")).isEqualTo(PingStatus.UNKNOWN);
    }

    @Test
    void describeOfAnIdSsmCallsInvalidIsEmpty() {
        ssm.then(r -> AwsFailures.error(InvalidInstanceIdException.builder(), "InvalidInstanceId", 400, "nope"));

        assertThat(managed.describe("mi-0000000000000000f")).isEmpty();
    }

    @Test
    void deregisteringAnUnknownInstanceIsDone() {
        ssm.then(r -> AwsFailures.error(InvalidInstanceIdException.builder(), "InvalidInstanceId", 400, "nope"));

        managed.deregister("mi-0123456789abcdef0");

        assertThat(((DeregisterManagedInstanceRequest) ssm.requests.get(0)).instanceId())
                .isEqualTo("mi-0123456789abcdef0");
    }

    @Test
    void deregisterDeniedIsPermanentAccessDenied() {
        ssm.then(r -> AwsFailures.error(SsmException.builder(), "AccessDeniedException", 400, "not authorized"));

        assertThatThrownBy(() -> managed.deregister("mi-0123456789abcdef0"))
                .isInstanceOfSatisfying(NodeOperationException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.reason()).isEqualTo(Reason.AWS_ACCESS_DENIED);
                });
    }
}
