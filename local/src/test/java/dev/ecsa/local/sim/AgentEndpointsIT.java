package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CreateActivationResponse;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilter;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilterKeys;

/** The simulator's own agent endpoints, called over HTTP as the install-script stand-in calls them. */
class AgentEndpointsIT {

    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ControlPlaneSimulatorExtension SIM =
            new ControlPlaneSimulatorExtension(SimulatorConfig.defaults().withClock(CLOCK));

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SsmClient ssm;
    private static EcsClient ecs;

    @BeforeAll
    static void setUp() {
        ssm = SdkClients.ssm(SIM.simulator());
        ecs = SdkClients.ecs(SIM.simulator());
        SIM.simulator().createCluster("agents");
    }

    @AfterAll
    static void tearDown() {
        ssm.close();
        ecs.close();
    }

    private record Answer(int status, JsonNode body) {
        String type() {
            return body.path("__type").asText();
        }
    }

    private static Answer post(String path, Map<String, Object> body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(SIM.simulator().endpoint().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static Answer registerSsm(String activationId, String code) throws Exception {
        return post("/_sim/agent/ssm/register", Map.of("activationId", activationId, "activationCode", code,
                "region", "us-east-1", "hostname", "host-1", "ipAddress", "192.0.2.10",
                "platformName", "Ubuntu", "platformVersion", "22.04"));
    }

    private static CreateActivationResponse activation(int limit) {
        return ssm.createActivation(r -> r.iamRole("EcsAnywhereRole").defaultInstanceName("node-1").registrationLimit(limit));
    }

    @Test
    void registersWithAValidActivationAndRefusesTheUsedUpOne() throws Exception {
        CreateActivationResponse a = activation(1);

        Answer ok = registerSsm(a.activationId(), a.activationCode());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().get("instanceId").asText()).matches("mi-[0-9a-f]{17}");
        assertThat(ok.body().get("region").asText()).isEqualTo("us-east-1");
        assertThat(ok.body().toString()).doesNotContain(a.activationCode());

        Answer again = registerSsm(a.activationId(), a.activationCode());
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.type()).isEqualTo("InvalidActivation");
        assertThat(again.body().get("message").asText()).contains("limit").doesNotContain(a.activationCode());
    }

    @Test
    void refusesAWrongCodeAnUnknownIdAndAnExpiredActivation() throws Exception {
        CreateActivationResponse a = activation(2);

        Answer wrongCode = registerSsm(a.activationId(), "not-the-code-xxxxxxxxxx");
        assertThat(wrongCode.status()).isEqualTo(400);
        assertThat(wrongCode.type()).isEqualTo("InvalidActivation");

        Answer unknown = registerSsm("00000000-0000-4000-8000-000000000000", a.activationCode());
        assertThat(unknown.type()).isEqualTo("InvalidActivationId");

        CLOCK.advance(Duration.ofHours(25));
        Answer expired = registerSsm(a.activationId(), a.activationCode());
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.type()).isEqualTo("ActivationExpired");
        assertThat(ssm.describeActivations(r -> r.filters(DescribeActivationsFilter.builder()
                .filterKey(DescribeActivationsFilterKeys.ACTIVATION_IDS).filterValues(a.activationId()).build())).activationList().get(0).expired()).isTrue();
    }

    @Test
    void pingChangesThePingStatusAndUnknownInstancesAreRefused() throws Exception {
        CreateActivationResponse a = activation(1);
        String mi = registerSsm(a.activationId(), a.activationCode()).body().get("instanceId").asText();

        assertThat(post("/_sim/agent/ssm/ping", Map.of("instanceId", mi, "pingStatus", "ConnectionLost")).status())
                .isEqualTo(200);
        assertThat(SIM.simulator().managedInstance(mi)).hasValueSatisfying(v ->
                assertThat(v.pingStatus()).isEqualTo("ConnectionLost"));
        Answer unknown = post("/_sim/agent/ssm/ping", Map.of("instanceId", "mi-0000000000000000a", "pingStatus", "Online"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.type()).isEqualTo("InvalidInstanceId");
    }

    @Test
    void ecsRegistrationIsIdempotentAndAddsTheExternalAttributes() throws Exception {
        CreateActivationResponse a = activation(1);
        String mi = registerSsm(a.activationId(), a.activationCode()).body().get("instanceId").asText();
        Map<String, Object> body = Map.of("cluster", "agents", "instanceId", mi,
                "attributes", Map.of("hostId", "node-1"), "tags", Map.of("nodeId", "node-1"), "agentVersion", "1.89.2");

        Answer first = post("/_sim/agent/ecs/register", body);
        Answer second = post("/_sim/agent/ecs/register", body);
        assertThat(first.status()).isEqualTo(200);
        String arn = first.body().get("containerInstanceArn").asText();
        assertThat(arn).matches("arn:aws:ecs:us-east-1:123456789012:container-instance/agents/[0-9a-f]{32}");
        assertThat(first.body().get("cluster").asText()).isEqualTo("agents");
        assertThat(second.body().get("containerInstanceArn").asText()).isEqualTo(arn);

        ContainerInstance ci = ecs.describeContainerInstances(r -> r.cluster("agents").containerInstances(arn)
                .includeWithStrings("TAGS")).containerInstances().get(0);
        assertThat(ci.ec2InstanceId()).isEqualTo(mi);
        assertThat(ci.status()).isEqualTo("ACTIVE");
        assertThat(ci.agentConnected()).isTrue();
        assertThat(ci.versionInfo().agentVersion()).isEqualTo("1.89.2");
        assertThat(ci.attributes()).anySatisfy(at -> assertThat(at.name()).isEqualTo("ecs.capability.external"));
        assertThat(ci.attributes()).anySatisfy(at -> {
            assertThat(at.name()).isEqualTo("hostId");
            assertThat(at.value()).isEqualTo("node-1");
        });
        assertThat(ci.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("nodeId=node-1"));

        assertThat(post("/_sim/agent/ecs/connect", Map.of("containerInstanceArn", arn, "connected", false)).status())
                .isEqualTo(200);
        assertThat(ecs.listContainerInstances(r -> r.cluster("agents").filter("agentConnected == false"))
                .containerInstanceArns()).containsExactly(arn);
    }

    @Test
    void ecsRegistrationNeedsALiveManagedInstanceAndAnExistingCluster() throws Exception {
        CreateActivationResponse a = activation(1);
        String mi = registerSsm(a.activationId(), a.activationCode()).body().get("instanceId").asText();

        Answer noCluster = post("/_sim/agent/ecs/register", Map.of("cluster", "nope", "instanceId", mi));
        assertThat(noCluster.status()).isEqualTo(400);
        assertThat(noCluster.type()).isEqualTo("ClusterNotFoundException");

        ssm.deregisterManagedInstance(r -> r.instanceId(mi));
        Answer gone = post("/_sim/agent/ecs/register", Map.of("cluster", "agents", "instanceId", mi));
        assertThat(gone.status()).isEqualTo(400);
        assertThat(gone.type()).isEqualTo("InvalidInstanceId");
    }

    @Test
    void servesPublishedFilesAndCountsAgentCalls() throws Exception {
        byte[] script = "#!/bin/bash\necho stand-in\n".getBytes(StandardCharsets.UTF_8);
        SIM.simulator().serveFile("/ecs-anywhere-install-latest.sh", script);

        HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(
                SIM.simulator().endpoint().resolve("/ecs-anywhere-install-latest.sh")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(script);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(SIM.simulator().endpoint() + "/missing")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

        SIM.simulator().resetCalls();
        SIM.simulator().faults().failNext("/_sim/agent/ssm/register", Fault.serverError(), 1);
        CreateActivationResponse a = activation(1);
        assertThat(registerSsm(a.activationId(), a.activationCode()).status()).isEqualTo(500);
        assertThat(registerSsm(a.activationId(), a.activationCode()).status()).isEqualTo(200);
        assertThat(SIM.simulator().calls("/_sim/agent/ssm/register")).isEqualTo(2);
    }
}
