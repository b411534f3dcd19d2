package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Activation;
import software.amazon.awssdk.services.ssm.model.CreateActivationResponse;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilter;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilterKeys;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.InternalServerErrorException;
import software.amazon.awssdk.services.ssm.model.InvalidActivationIdException;
import software.amazon.awssdk.services.ssm.model.InvalidFilterKeyException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;
import software.amazon.awssdk.services.ssm.model.Tag;
import software.amazon.awssdk.services.ssm.model.ThrottlingException;
import software.amazon.awssdk.services.ssm.model.ValidationException;

class SsmApiIT {

    private static final String DESCRIBE = "AmazonSSM.DescribeInstanceInformation";
    private static final MutableClock CLOCK = MutableClock.startingNow();

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM =
            new ControlPlaneSimulatorExtension(SimulatorConfig.defaults().withClock(CLOCK));

    private static SsmClient ssm;

    @BeforeAll
    static void clients() {
        ssm = SdkClients.ssm(SIM.simulator());
    }

    @AfterAll
    static void closeClients() {
        ssm.close();
    }

    private static ControlPlaneSimulator sim() {
        return SIM.simulator();
    }

    private static CreateActivationResponse activation(String name, int limit, Tag... tags) {
        return ssm.createActivation(r -> r.iamRole("EcsAnywhereRole").defaultInstanceName(name)
                .registrationLimit(limit).tags(tags));
    }

    private static InstanceInformationStringFilter filter(String key, String... values) {
        return InstanceInformationStringFilter.builder().key(key).values(values).build();
    }

    @Test
    void createActivationDefaultsToOneRegistrationAndTwentyFourHours() {
        CreateActivationResponse created = ssm.createActivation(r -> r.iamRole("EcsAnywhereRole").defaultInstanceName("node-a"));

        assertThat(created.activationId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(created.activationCode()).hasSizeGreaterThanOrEqualTo(20);
        Activation a = ssm.describeActivations(r -> r.filters(DescribeActivationsFilter.builder()
                .filterKey(DescribeActivationsFilterKeys.ACTIVATION_IDS).filterValues(created.activationId()).build())).activationList().get(0);
        assertThat(a.registrationLimit()).isEqualTo(1);
        assertThat(a.registrationsCount()).isZero();
        assertThat(a.expired()).isFalse();
        assertThat(a.defaultInstanceName()).isEqualTo("node-a");
        assertThat(a.expirationDate()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(24)));
    }

    @Test
    void registrationLimitMustBeWithinOneToOneThousand() {
        assertThatThrownBy(() -> activation("n", 0)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> activation("n", 1001)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("registrationLimit");
        assertThat(activation("n", 1000).activationId()).isNotBlank();
    }

    @Test
    void expirationMustBeInTheFutureAndWithinThirtyDays() {
        Instant now = CLOCK.instant();
        assertThatThrownBy(() -> ssm.createActivation(r -> r.iamRole("R").expirationDate(now.plus(Duration.ofDays(31)))))
                .isInstanceOf(InvalidParametersException.class);
        assertThatThrownBy(() -> ssm.createActivation(r -> r.iamRole("R").expirationDate(now.minusSeconds(1))))
                .isInstanceOf(InvalidParametersException.class);
        assertThat(ssm.createActivation(r -> r.iamRole("R").expirationDate(now.plus(Duration.ofDays(30)))).activationId())
                .isNotBlank();
    }

    @Test
    void iamRoleIsRequiredAndInstanceNameFollowsThePattern() {
        assertThatThrownBy(() -> ssm.createActivation(r -> r.defaultInstanceName("x"))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> activation("bad$name", 1)).isInstanceOf(ValidationException.class);
        assertThat(activation("rack-1/node_2@dc=a", 1).activationId()).isNotBlank();
    }

    @Test
    void deletingAnUnknownActivationIsInvalidActivationId() {
        assertThatThrownBy(() -> ssm.deleteActivation(r -> r.activationId(UUID.randomUUID().toString())))
                .isInstanceOf(InvalidActivationIdException.class);
        String id = activation("x", 1).activationId();
        ssm.deleteActivation(r -> r.activationId(id));
        assertThatThrownBy(() -> ssm.deleteActivation(r -> r.activationId(id))).isInstanceOf(InvalidActivationIdException.class);
    }

    @Test
    void registeredInstanceCarriesTheActivationsNameTagsAndRegistrationCount() {
        CreateActivationResponse a = activation("node-42", 1, Tag.builder().key("nodeId").value("node-42").build());
        String mi = sim().registerManagedInstance(a.activationId(), a.activationCode(), "host42", "192.0.2.42");

        InstanceInformation info = ssm.describeInstanceInformation(r -> r.filters(filter("ActivationIds", a.activationId())))
                .instanceInformationList().get(0);
        assertThat(info.instanceId()).isEqualTo(mi).matches("mi-[0-9a-f]{17}");
        assertThat(info.name()).isEqualTo("node-42");
        assertThat(info.ipAddress()).isEqualTo("192.0.2.42");
        assertThat(info.computerName()).isEqualTo("host42");
        assertThat(info.pingStatusAsString()).isEqualTo("Online");
        assertThat(info.resourceTypeAsString()).isEqualTo("ManagedInstance");
        assertThat(info.activationId()).isEqualTo(a.activationId());
        assertThat(info.iamRole()).isEqualTo("EcsAnywhereRole");
        assertThat(ssm.listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.MANAGED_INSTANCE).resourceId(mi)).tagList())
                .containsExactly(Tag.builder().key("nodeId").value("node-42").build());
        assertThat(ssm.describeActivations(r -> r.filters(DescribeActivationsFilter.builder()
                .filterKey(DescribeActivationsFilterKeys.ACTIVATION_IDS).filterValues(a.activationId()).build())).activationList().get(0).registrationsCount()).isEqualTo(1);

        ssm.addTagsToResource(r -> r.resourceType(ResourceTypeForTagging.MANAGED_INSTANCE).resourceId(mi)
                .tags(Tag.builder().key("rack").value("r7").build()));
        assertThat(ssm.describeInstanceInformation(r -> r.filters(filter("tag:rack", "r7"))).instanceInformationList())
                .extracting(InstanceInformation::instanceId).containsExactly(mi);
    }

    @Test
    void defaultPageIsTenAndThePaginatorReturnsEveryInstance() {
        String batch = "page-" + UUID.randomUUID();
        List<String> ids = seedTagged(batch, 23);

        DescribeInstanceInformationResponse first = ssm.describeInstanceInformation(r -> r.filters(filter("tag:batch", batch)));
        assertThat(first.instanceInformationList()).hasSize(10);
        assertThat(first.nextToken()).isNotBlank();

        sim().resetCalls();
        List<String> all = ssm.describeInstanceInformationPaginator(r -> r.filters(filter("tag:batch", batch)))
                .instanceInformationList().stream().map(InstanceInformation::instanceId).toList();
        assertThat(all).containsExactlyElementsOf(ids);
        assertThat(sim().calls(DESCRIBE)).isEqualTo(3);

        List<String> big = ssm.describeInstanceInformationPaginator(r -> r.maxResults(50).filters(filter("tag:batch", batch)))
                .instanceInformationList().stream().map(InstanceInformation::instanceId).toList();
        assertThat(big).containsExactlyElementsOf(ids);
    }

    @Test
    void maxResultsOutsideFiveToFiftyIsRejected() {
        assertThatThrownBy(() -> ssm.describeInstanceInformation(r -> r.maxResults(4))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ssm.describeInstanceInformation(r -> r.maxResults(51))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ssm.describeActivations(r -> r.maxResults(51))).isInstanceOf(ValidationException.class);
    }

    @Test
    void filtersByPingStatusInstanceIdsAndRejectsUnknownKeys() {
        String batch = "ping-" + UUID.randomUUID();
        List<String> ids = seedTagged(batch, 6);
        sim().setPingStatus(ids.get(1), "ConnectionLost");
        sim().setPingStatus(ids.get(4), "ConnectionLost");

        List<String> lost = ssm.describeInstanceInformationPaginator(r -> r.filters(filter("tag:batch", batch),
                filter("PingStatus", "ConnectionLost"))).instanceInformationList().stream()
                .map(InstanceInformation::instanceId).toList();
        assertThat(lost).containsExactly(ids.get(1), ids.get(4));
        assertThat(ssm.describeInstanceInformation(r -> r.filters(filter("InstanceIds", ids.get(2), ids.get(3))))
                .instanceInformationList()).extracting(InstanceInformation::instanceId).containsExactly(ids.get(2), ids.get(3));
        assertThat(ssm.describeInstanceInformation(r -> r.filters(filter("tag-key", "batch"), filter("ResourceType", "EC2Instance")))
                .instanceInformationList()).isEmpty();
        assertThatThrownBy(() -> ssm.describeInstanceInformation(r -> r.filters(filter("IpAddress", "10.0.0.1"))))
                .isInstanceOf(InvalidFilterKeyException.class);
    }

    @Test
    void deregisteredInstancesDisappearAndCannotBeDeregisteredTwice() {
        String batch = "dereg-" + UUID.randomUUID();
        List<String> ids = seedTagged(batch, 2);
        ssm.deregisterManagedInstance(r -> r.instanceId(ids.get(0)));

        assertThat(ssm.describeInstanceInformation(r -> r.filters(filter("tag:batch", batch))).instanceInformationList())
                .extracting(InstanceInformation::instanceId).containsExactly(ids.get(1));
        assertThatThrownBy(() -> ssm.deregisterManagedInstance(r -> r.instanceId(ids.get(0))))
                .isInstanceOf(InvalidInstanceIdException.class);
        assertThatThrownBy(() -> ssm.deregisterManagedInstance(r -> r.instanceId("mi-0123456789abcdef0")))
                .isInstanceOf(InvalidInstanceIdException.class);
        assertThat(sim().managedInstance(ids.get(0))).hasValueSatisfying(v -> assertThat(v.deregistered()).isTrue());
    }

    @Test
    void throttlingIsRetriedBySdkAndSurfacesWhenAttemptsRunOut() {
        sim().resetCalls();
        sim().faults().failNext(DESCRIBE, Fault.throttling(), SdkClients.MAX_ATTEMPTS - 1);
        assertThat(ssm.describeInstanceInformation(r -> r.maxResults(5)).instanceInformationList()).isNotNull();
        assertThat(sim().calls(DESCRIBE)).isEqualTo(SdkClients.MAX_ATTEMPTS);

        sim().resetCalls();
        sim().faults().failNext(DESCRIBE, Fault.throttling(), SdkClients.MAX_ATTEMPTS + 1);
        assertThatThrownBy(() -> ssm.describeInstanceInformation(r -> r.maxResults(5)))
                .isInstanceOf(ThrottlingException.class)
                .satisfies(e -> assertThat(((ThrottlingException) e).isThrottlingException()).isTrue());
        assertThat(sim().calls(DESCRIBE)).isEqualTo(SdkClients.MAX_ATTEMPTS);
        sim().faults().clear();
    }

    @Test
    void serverErrorsAreRetriedAndSurfaceAsInternalServerError() {
        sim().resetCalls();
        sim().faults().failNext("AmazonSSM.CreateActivation", Fault.serverError(), SdkClients.MAX_ATTEMPTS);
        assertThatThrownBy(() -> activation("x", 1)).isInstanceOf(InternalServerErrorException.class)
                .satisfies(e -> assertThat(((InternalServerErrorException) e).statusCode()).isEqualTo(500));
        assertThat(sim().calls("AmazonSSM.CreateActivation")).isEqualTo(SdkClients.MAX_ATTEMPTS);
        assertThat(activation("x", 1).activationId()).isNotBlank();
    }

    private static List<String> seedTagged(String batch, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(n -> {
            CreateActivationResponse a = activation(batch + "-" + n, 1,
                    Tag.builder().key("batch").value(batch).build());
            return sim().registerManagedInstance(a.activationId(), a.activationCode(), "h" + n, "10.1.0." + n);
        }).toList();
    }

}
