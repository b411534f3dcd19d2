package dev.ecsa.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.ExecResult;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.FingerprintVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CreateActivationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.Tag;

/**
 * The bench as a whole: a simulated host, reached over real SSH with a verified host key, fetches the install-script
 * stand-in from the simulator, checks its SHA-256, runs it with a fresh single-use activation, and the node then
 * shows up in SSM and ECS through unmodified SDK clients.
 */
class BenchIT {

    static Bench bench;
    static SsmClient ssm;
    static EcsClient ecs;

    @BeforeAll
    static void start() {
        bench = Bench.start(HostConfig.builder("node-a").build());
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
        ssm = SsmClient.builder().endpointOverride(bench.simulator().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build();
        ecs = EcsClient.builder().endpointOverride(bench.simulator().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        ssm.close();
        ecs.close();
        bench.close();
    }

    @Test
    void aHostRegisteredThroughTheStandInOverSshIsSeenInSsmAndEcs() throws Exception {
        SimulatedHost host = bench.host("node-a");
        CreateActivationResponse activation = ssm.createActivation(b -> b.iamRole("ecsAnywhereRole")
                .registrationLimit(1).defaultInstanceName("node-a")
                .tags(Tag.builder().key("nodeId").value("node-a").build()));

        String script = String.join("\n",
                "set -euo pipefail",
                "cd \"$(mktemp -d)\"",
                "curl -fsS -o install.sh '" + bench.installScriptUrl() + "'",
                "echo '" + bench.installScriptSha256() + "  install.sh' | sha256sum -c --quiet",
                "bash install.sh --region us-east-1 --cluster " + Bench.CLUSTER
                        + " --activation-id '" + activation.activationId() + "'"
                        + " --activation-code '" + activation.activationCode() + "' >/dev/null",
                "jq -r .instanceID /var/lib/amazon/ssm/Vault/Store/RegistrationKey",
                "");
        ExecResult result = runOverSsh(host, script);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        String managedInstanceId = result.stdout().trim();
        assertThat(managedInstanceId).matches("mi-[0-9a-f]{17}");

        List<InstanceInformation> found = ssm.describeInstanceInformation(b -> b.filters(
                InstanceInformationStringFilter.builder().key("ActivationIds").values(activation.activationId()).build()))
                .instanceInformationList();
        assertThat(found).singleElement().satisfies(info -> {
            assertThat(info.instanceId()).isEqualTo(managedInstanceId);
            assertThat(info.name()).isEqualTo("node-a");
            assertThat(info.pingStatusAsString()).isEqualTo("Online");
        });
        assertThat(ssm.describeActivations(b -> b.filters(f -> f.filterKey("ActivationIds")
                .filterValues(activation.activationId()))).activationList())
                .singleElement().satisfies(a -> assertThat(a.registrationsCount()).isEqualTo(1));

        List<String> arns = ecs.listContainerInstances(b -> b.cluster(Bench.CLUSTER)
                .filter("ec2InstanceId == " + managedInstanceId)).containerInstanceArns();
        assertThat(arns).hasSize(1);
        ContainerInstance instance = ecs.describeContainerInstances(b -> b.cluster(Bench.CLUSTER)
                .containerInstances(arns)).containerInstances().get(0);
        assertThat(instance.ec2InstanceId()).isEqualTo(managedInstanceId);
        assertThat(instance.status()).isEqualTo("ACTIVE");
        assertThat(instance.agentConnected()).isTrue();

        // The single-use activation cannot register a second host.
        ExecResult reuse = runOverSsh(host, "rm -f /var/lib/amazon/ssm/Vault/Store/RegistrationKey\n"
                + "curl -fsS -o /tmp/i.sh '" + bench.installScriptUrl() + "'\n"
                + "bash /tmp/i.sh --region us-east-1 --activation-id '" + activation.activationId()
                + "' --activation-code '" + activation.activationCode() + "'\n");
        assertThat(reuse.exitCode()).isNotZero();
        assertThat(reuse.stdout() + reuse.stderr()).doesNotContain(activation.activationCode());
    }

    @Test
    void describesItselfAsOneJsonObjectWithoutSecrets() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode described = mapper.readTree(bench.describe(mapper).toString());
        assertThat(described.path("endpoints").path("ssm").asText()).isEqualTo(bench.simulator().endpoint().toString());
        assertThat(described.path("endpoints").path("dynamodb").asText()).isEqualTo(bench.dynamo().endpoint().toString());
        assertThat(described.path("queues").path("nodeRequests").asText()).endsWith("node-requests.fifo");
        assertThat(described.path("hosts").get(0).path("hostKeyFingerprint").asText()).startsWith("SHA256:");
        assertThat(described.path("installScript").path("gpgFingerprint").asText()).matches("[0-9A-F]{40}");
        assertThat(described.toString()).doesNotContain("PRIVATE KEY");
    }

    private static ExecResult runOverSsh(SimulatedHost host, String script) throws Exception {
        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier(FingerprintVerifier.getInstance(host.hostKeyFingerprint()));
            ssh.connect(host.address(), host.port());
            // The same PEM the service reads from the bench's Secrets Manager secret.
            ssh.authPublickey(Bench.SSH_USER, ssh.loadKeys(bench.sshPrivateKeyPem(), null, null));
            try (Session session = ssh.startSession(); Session.Command cmd = session.exec("sudo -n bash -s")) {
                cmd.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
                cmd.getOutputStream().close();
                String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(cmd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                cmd.join();
                return new ExecResult(cmd.getExitStatus(), out, err);
            }
        }
    }
}
