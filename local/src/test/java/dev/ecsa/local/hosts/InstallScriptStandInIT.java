package dev.ecsa.local.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InstallScriptStandInIT {

    @RegisterExtension
    static SimulatedHostsExtension hosts = SimulatedHostsExtension.with(
            HostConfig.builder("good").build(),
            HostConfig.builder("rerun").distro(Distro.DEBIAN_12).build(),
            HostConfig.builder("alreadyreg").distro(Distro.AMAZON_LINUX_2).existingInstanceId("mi-00000000000000abc").build(),
            HostConfig.builder("badact").build(),
            HostConfig.builder("nosystemd").systemd(false).build(),
            HostConfig.builder("arm7").arch("armv7l").build(),
            HostConfig.builder("never").agentNeverRegisters(true).build(),
            HostConfig.builder("nocluster").build());

    static AgentApiStub stub;
    static byte[] script;

    @BeforeAll
    static void startStub() throws Exception {
        stub = new AgentApiStub();
        script = InstallScriptStandIn.render(stub.endpoint());
    }

    @AfterAll
    static void stopStub() {
        stub.close();
    }

    private static ExecResult install(String host, String args) throws Exception {
        SimulatedHost h = hosts.host(host);
        return Ssh.run(h.port(), h.hostKeyFingerprint(), hosts.clientKeyPair(), "sudo -n bash -s -- " + args,
                new String(script, StandardCharsets.UTF_8));
    }

    @Test
    void registersTheHostThroughTheSimulator() throws Exception {
        SimulatedHost h = hosts.host("good");
        h.exec("mkdir -p /etc/ecs && printf '%s\\n' 'ECS_INSTANCE_ATTRIBUTES={\"rack\":\"r1\"}' "
                + "'ECS_CONTAINER_INSTANCE_TAGS={\"team\":\"blue\"}' > /etc/ecs/ecs.config");

        ExecResult r = install("good", "--region us-east-1 --activation-id act-good --activation-code code-good --cluster prod");

        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("Successfully registered the instance with AWS SSM using Managed instance-id: mi-",
                "Container instance arn: arn:aws:ecs:us-east-1:000000000000:container-instance/prod/")
                .doesNotContain("code-good");
        String mi = h.exec("jq -r .instanceID /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout().trim();
        assertThat(mi).matches("mi-[0-9a-f]{17}");
        assertThat(h.sandbox().readFile("/var/lib/amazon/ssm/registration")).contains(mi, "us-east-1");
        assertThat(h.sandbox().readFile("/etc/ecs/ecs.config")).startsWith("ECS_INSTANCE_ATTRIBUTES=").endsWith("ECS_CLUSTER=prod\n");
        assertThat(h.sandbox().readFile("/var/lib/ecs/ecs.config")).isEqualTo("AWS_DEFAULT_REGION=us-east-1\nECS_EXTERNAL=true\n");
        assertThat(h.exec("curl -s http://localhost:51678/v1/metadata").stdout())
                .contains("\"Cluster\":\"prod\"", "container-instance/prod/" + mi.substring(3), "Amazon ECS Agent - v");
        assertThat(h.exec("systemctl is-active ecs amazon-ssm-agent; systemctl is-enabled ecs amazon-ssm-agent").stdout())
                .isEqualTo("active\nactive\nenabled\nenabled\n");
        assertThat(h.exec("dpkg -s amazon-ecs-init amazon-ssm-agent >/dev/null && echo pkgs").stdout()).isEqualTo("pkgs\n");

        var ecs = stub.ecsRegistrations.stream().filter(b -> b.path("instanceId").asText().equals(mi)).findFirst().orElseThrow();
        assertThat(ecs.path("cluster").asText()).isEqualTo("prod");
        assertThat(ecs.path("attributes").path("rack").asText()).isEqualTo("r1");
        assertThat(ecs.path("tags").path("team").asText()).isEqualTo("blue");
        var ssm = stub.ssmRegistrations.stream().filter(b -> b.path("hostname").asText().equals("good")).findFirst().orElseThrow();
        assertThat(ssm.path("platformName").asText()).isEqualTo("Ubuntu");
        assertThat(ssm.path("platformVersion").asText()).isEqualTo("22.04");
        assertThat(stub.pings).anyMatch(p -> p.path("instanceId").asText().equals(mi) && p.path("pingStatus").asText().equals("Online"));
        assertThat(stub.connects).anyMatch(c -> c.path("containerInstanceArn").asText().endsWith(mi.substring(3))
                && c.path("connected").asBoolean());

        // the documented cleanup undoes the install
        ExecResult cleanup = Ssh.run(h.port(), h.hostKeyFingerprint(), hosts.clientKeyPair(), "sudo -n bash -s",
                "systemctl stop ecs amazon-ssm-agent\napt remove -y amazon-ecs-init amazon-ssm-agent\n"
                        + "rm -rf /var/lib/ecs /etc/ecs /var/lib/amazon/ssm /var/log/ecs /var/log/amazon/ssm\n"
                        + "test -x /usr/libexec/amazon-ecs-init || echo no-ecs-init\n"
                        + "curl -s http://localhost:51678/v1/metadata; echo curl=$?\n");
        assertThat(cleanup.stdout()).contains("no-ecs-init", "curl=7");
        assertThat(stub.connects).anyMatch(c -> c.path("containerInstanceArn").asText().endsWith(mi.substring(3))
                && !c.path("connected").asBoolean());
    }

    @Test
    void aSecondRunDoesNotRegisterAgain() throws Exception {
        assertThat(install("rerun", "--region eu-west-1 --activation-id act-good --activation-code code-good").exitCode()).isZero();
        long before = stub.ssmRegistrations.stream().filter(b -> b.path("hostname").asText().equals("rerun")).count();
        ExecResult again = install("rerun", "--region eu-west-1 --activation-id act-good --activation-code code-good");
        assertThat(again.exitCode()).as(again.stdout()).isZero();
        assertThat(again.stdout()).contains("SSM agent is already installed", "SSM agent is already registered. Managed instance ID: mi-",
                "ecs agent is already installed", "registered successfully");
        assertThat(stub.ssmRegistrations.stream().filter(b -> b.path("hostname").asText().equals("rerun")).count()).isEqualTo(before);
        assertThat(hosts.host("rerun").sandbox().readFile("/etc/ecs/ecs.config")).isEqualTo("ECS_CLUSTER=default\n");
    }

    @Test
    void anExistingRegistrationIsKeptAndUsedForEcs() throws Exception {
        ExecResult r = install("alreadyreg", "--region us-east-1 --activation-id act-good --activation-code code-good --docker-install-source none");
        assertThat(r.exitCode()).as(r.stdout()).isZero();
        assertThat(r.stdout()).contains("SSM agent is already registered. Managed instance ID: mi-00000000000000abc");
        assertThat(stub.ssmRegistrations).noneMatch(b -> b.path("hostname").asText().equals("alreadyreg"));
        assertThat(stub.ecsRegistrations).anyMatch(b -> b.path("instanceId").asText().equals("mi-00000000000000abc"));
    }

    @Test
    void badActivationsFail() throws Exception {
        for (String[] c : new String[][] {
                {"act-good", "wrong", "InvalidActivation"},
                {"act-expired", "code-good", "ActivationExpired"},
                {"act-unknown", "code-good", "InvalidActivationId"}}) {
            ExecResult r = install("badact", "--region us-east-1 --activation-id " + c[0] + " --activation-code " + c[1]);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout() + r.stderr()).contains(c[2], "Install failed");
        }
        assertThat(hosts.host("badact").sandbox().readFile("/var/lib/amazon/ssm/Vault/Store/RegistrationKey")).isNull();
        assertThat(hosts.host("badact").exec("test -e /usr/libexec/amazon-ecs-init").exitCode()).isEqualTo(1);
    }

    @Test
    void unsuitableHostsFailBeforeRegistering() throws Exception {
        String args = "--region us-east-1 --activation-id act-good --activation-code code-good";
        ExecResult noSystemd = install("nosystemd", args);
        assertThat(noSystemd.exitCode()).isEqualTo(1);
        assertThat(noSystemd.stdout()).contains("supports only systemd");
        // A distribution the real script does not name (Rocky here) is not refused by the script itself: it goes on
        // with its package manager, as AWS's script does; the bootstrap's pre-flight is what refuses it.
        ExecResult arm = install("arm7", args);
        assertThat(arm.exitCode()).isEqualTo(1);
        assertThat(arm.stdout()).contains("Unsupported architecture: armv7l");
        assertThat(stub.ssmRegistrations).noneMatch(b -> b.path("hostname").asText().matches("nosystemd|arm7"));
    }

    @Test
    void anAgentThatNeverRegistersTimesOut() throws Exception {
        ExecResult r = install("never", "--region us-east-1 --activation-id act-good --activation-code code-good");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout()).contains("Waiting for the ECS agent to register (try 10 of 10)",
                "Timed out waiting for ECS Agent to start");
        assertThat(hosts.host("never").exec("curl -s http://localhost:51678/v1/metadata | jq .ContainerInstanceArn").stdout()).isEqualTo("null\n");
    }

    @Test
    void aMissingClusterLeavesTheAgentUnregistered() throws Exception {
        ExecResult r = install("nocluster", "--region us-east-1 --activation-id act-good --activation-code code-good --cluster missing");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(hosts.host("nocluster").sandbox().readFile("/var/log/ecs/ecs-agent.log")).contains("ClusterNotFoundException");
        assertThat(hosts.host("nocluster").exec("systemctl is-active ecs").stdout()).isEqualTo("failed\n");
    }

    @Test
    void flagsAreCheckedLikeTheRealScript() throws Exception {
        ExecResult unknown = install("badact", "--region us-east-1 --bogus");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stdout()).contains("--bogus: invalid option");
        ExecResult empty = install("badact", "--region --activation-id x");
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.stdout()).contains("--region was passed an invalid value");
        ExecResult noRegion = install("badact", "--activation-id x --activation-code y");
        assertThat(noRegion.stdout()).contains("--region is required");
        ExecResult noCode = install("badact", "--region us-east-1 --activation-id x");
        assertThat(noCode.exitCode()).isEqualTo(1);
        assertThat(noCode.stdout()).contains("--activation-code are required");
        ExecResult help = install("badact", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("--skip-registration", "--ecs-endpoint");
    }

    @Test
    void renderedScriptHasAStableDigestAndAVerifiableSignature() throws Exception {
        byte[] a = InstallScriptStandIn.render(URI.create("http://127.0.0.1:4566/"));
        assertThat(new String(a, StandardCharsets.UTF_8)).contains("SIM_ENDPOINT=\"http://127.0.0.1:4566\"")
                .doesNotContain(InstallScriptStandIn.ENDPOINT_TOKEN);
        assertThat(InstallScriptStandIn.sha256Hex(a)).isEqualTo(InstallScriptStandIn.sha256Hex(InstallScriptStandIn.render(URI.create("http://127.0.0.1:4566"))))
                .isNotEqualTo(InstallScriptStandIn.sha256Hex(script)).matches("[0-9a-f]{64}");
        assertThatThrownBy(() -> InstallScriptStandIn.render(URI.create("http://x/\"$(reboot)"))).isInstanceOf(IllegalArgumentException.class);

        Path dir = Files.createTempDirectory("ecsa-verify-");
        try (ThrowawayGpgKey key = ThrowawayGpgKey.create("ECSA bench <bench@ecsa.invalid>")) {
            assertThat(key.fingerprint()).matches("[0-9A-F]{40}");
            Files.write(dir.resolve("s.sh"), a);
            Files.write(dir.resolve("s.sh.asc"), key.detachSign(a));
            Files.writeString(dir.resolve("k.asc"), key.armoredPublicKey());
            String verify = "export GNUPGHOME=" + dir.resolve("g") + "; mkdir -m 700 $GNUPGHOME; cd " + dir
                    + "; gpg --batch -q --import k.asc 2>/dev/null; gpg --batch --status-fd 1 --verify s.sh.asc s.sh 2>/dev/null | grep VALIDSIG | cut -d' ' -f3;"
                    + " gpgconf --kill all";
            Process ok = new ProcessBuilder("bash", "-c", verify).start();
            assertThat(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo(key.fingerprint());
            ok.waitFor();
            Files.write(dir.resolve("s.sh"), "tampered".getBytes(StandardCharsets.UTF_8));
            Process bad = new ProcessBuilder("bash", "-c", verify).start();
            assertThat(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEmpty();
            bad.waitFor();
        } finally {
            Dirs.deleteRecursively(dir);
        }
    }
}
