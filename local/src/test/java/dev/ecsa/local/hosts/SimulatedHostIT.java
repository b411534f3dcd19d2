package dev.ecsa.local.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimulatedHostIT {

    @RegisterExtension
    static SimulatedHostsExtension hosts = SimulatedHostsExtension.with(
            HostConfig.builder("plain").build(),
            HostConfig.builder("odd").distro(Distro.RHEL_9).arch("aarch64").systemd(false).passwordlessSudo(false)
                    .memoryCgroup(false).freeDiskKb(1024).dockerInstalled(true).awsCredentialsFile(true)
                    .awsKeyInEtcEnvironment(true).existingInstanceId("mi-0123456789abcdef0").imdsAnswering(true)
                    .build(),
            HostConfig.builder("sles").distro(Distro.SLES_15).arch("armv7l").build());

    private ExecResult ssh(String host, String command, String stdin) throws Exception {
        SimulatedHost h = hosts.host(host);
        return Ssh.run(h.port(), h.hostKeyFingerprint(), hosts.clientKeyPair(), command, stdin);
    }

    @Test
    void sudoBashReadsAScriptFromStdinOverSsh() throws Exception {
        ExecResult r = ssh("plain", "sudo -n bash -s", "set -e\necho \"uid=$(id -u) home=$HOME\"\nexit 3\n");
        assertThat(r.stdout()).contains("uid=0 home=/root");
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void environmentIsACleanLogin() throws Exception {
        ExecResult r = ssh("plain", "env | sort; pwd", null);
        assertThat(r.stdout()).contains("HOME=/root", "PATH=/usr/local/sbin:/usr/local/bin:", "\n/root\n")
                .doesNotContain("MAVEN", "JAVA_HOME");
        assertThat(ssh("plain", "hostname", null).stdout().trim()).isEqualTo("plain");
    }

    @Test
    void scriptsCannotTouchTheRealMachine() throws Exception {
        String canary = "ecsa-canary-" + UUID.randomUUID();
        Path realCanary = Path.of("/var/lib", canary);
        Files.writeString(realCanary, "real");
        try {
            boolean realEtcEcs = Files.exists(Path.of("/etc/ecs"));
            ExecResult r = ssh("plain", "sudo -n bash -s", String.join("\n",
                    "set -e",
                    "test -f /var/lib/" + canary,
                    "mkdir -p /etc/ecs /var/lib/ecs && echo ECS_CLUSTER=x > /etc/ecs/ecs.config",
                    "rm -rf /var/lib/ecs /var/lib/" + canary,
                    "echo fake > /usr/libexec/amazon-ecs-init",
                    "echo junk > /tmp/" + canary + " ; echo junk > /root/" + canary,
                    "test ! -e /var/lib/" + canary, ""));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(Files.readString(realCanary)).isEqualTo("real");
            assertThat(Files.exists(Path.of("/etc/ecs"))).isEqualTo(realEtcEcs);
            assertThat(Path.of("/usr/libexec/amazon-ecs-init")).doesNotExist();
            assertThat(Path.of("/tmp", canary)).doesNotExist();
            assertThat(Path.of("/root", canary)).doesNotExist();
            // ... while the host keeps what it wrote
            assertThat(hosts.host("plain").sandbox().readFile("/etc/ecs/ecs.config")).isEqualTo("ECS_CLUSTER=x\n");
            assertThat(hosts.host("plain").sandbox().readFile("/var/lib/" + canary)).isNull();
        } finally {
            Files.deleteIfExists(realCanary);
        }
    }

    @Test
    void defaultHostLooksHealthyAndSupported() throws Exception {
        ExecResult r = ssh("plain", String.join("; ",
                ". /etc/os-release; echo \"os=$ID/$VERSION_ID\"",
                "echo arch=$(uname -m)",
                "test -d /run/systemd/system && echo systemd=yes",
                "grep -qw memory /sys/fs/cgroup/cgroup.controllers && echo memcg=yes",
                "df -Pk /var/lib | awk 'NR==2{print \"free=\"$4}'",
                "command -v docker || echo docker=no",
                "test -e /root/.aws/credentials || echo creds=no",
                "grep -q AWS_ACCESS_KEY_ID /etc/environment || echo envkey=no",
                "test -e /var/lib/amazon/ssm/Vault/Store/RegistrationKey || echo vault=no",
                "curl -s http://169.254.169.254/latest/meta-data/instance-id; echo imds=$?",
                "command -v apt-get dnf | xargs -n1 basename"), null);
        assertThat(r.stdout()).contains("os=ubuntu/22.04", "arch=x86_64", "systemd=yes", "memcg=yes",
                "free=52428800", "docker=no", "creds=no", "envkey=no", "vault=no", "imds=7", "apt-get")
                .doesNotContain("dnf");
    }

    @Test
    void everyKnobIsVisibleToScripts() throws Exception {
        ExecResult r = ssh("odd", String.join("; ",
                ". /etc/os-release; echo \"os=$ID/$VERSION_ID\"",
                "echo arch=$(uname -m)",
                "test -d /run/systemd/system || echo systemd=no",
                "systemctl is-active ecs; echo systemctl=$?",
                "grep -qw memory /sys/fs/cgroup/cgroup.controllers || echo memcg=no",
                "df -Pk /var/lib | awk 'NR==2{print \"free=\"$4}'",
                "docker version",
                "rpm -q docker",
                "cat /root/.aws/credentials | head -1",
                "grep AWS_ACCESS_KEY_ID /etc/environment",
                "jq -r .instanceID /var/lib/amazon/ssm/Vault/Store/RegistrationKey",
                "curl -s http://169.254.169.254/latest/meta-data/instance-id; echo; echo imds=$?",
                "command -v apt-get || echo apt=no",
                "command -v dnf"), null);
        assertThat(r.stdout()).contains("os=rhel/9.4", "arch=aarch64", "systemd=no", "systemctl=1", "memcg=no",
                "free=1024", "Docker version", "docker-1.0-1", "[default]", "AWS_ACCESS_KEY_ID=",
                "mi-0123456789abcdef0", "i-0123456789abcdef0\nimds=0", "apt=no", "/usr/local/sbin/dnf");
        assertThat(r.stderr()).contains("System has not been booted with systemd");

        ExecResult sudo = ssh("odd", "sudo -n true", null);
        assertThat(sudo.exitCode()).isEqualTo(1);
        assertThat(sudo.stderr()).contains("sudo: a password is required");

        ExecResult sles = ssh("sles", ". /etc/os-release; echo $ID; uname -m; command -v zypper", null);
        assertThat(sles.stdout()).contains("sles", "armv7l", "zypper");
    }

    @Test
    void packageRemovalRemovesTheFakeBinaries() throws Exception {
        ExecResult r = ssh("plain", "sudo -n bash -s", String.join("\n",
                "printf '#!/bin/bash\\n' > /usr/libexec/amazon-ecs-init; chmod +x /usr/libexec/amazon-ecs-init",
                "apt-get install -y amazon-ecs-init >/dev/null",
                "dpkg -s amazon-ecs-init | grep Status",
                "apt remove -y amazon-ecs-init amazon-ssm-agent",
                "test -e /usr/libexec/amazon-ecs-init || echo gone",
                "dpkg -s amazon-ecs-init; echo status=$?", ""));
        assertThat(r.stdout()).contains("install ok installed", "Removing amazon-ecs-init",
                "Package 'amazon-ssm-agent' is not installed", "gone", "status=1");
    }

    @Test
    void systemctlRunsTheUnitOnStartAndTracksState() throws Exception {
        ExecResult r = ssh("plain", "sudo -n bash -s", String.join("\n",
                "cat > /lib/systemd/system/probe.service <<'U'",
                "# ecsa-sim unit",
                "[Service]",
                "EnvironmentFile=-/etc/probe.env",
                "ExecStart=/bin/bash -c 'echo \"$GREETING\" > /var/lib/probe.out'",
                "U",
                "echo 'GREETING={\"a\":\"b c\"}' > /etc/probe.env",
                "systemctl is-enabled probe; echo enabled=$?",
                "systemctl enable probe >/dev/null && systemctl is-enabled probe",
                "systemctl start probe.service; systemctl is-active probe",
                "cat /var/lib/probe.out",
                "systemctl stop probe; systemctl is-active probe; echo active=$?",
                "systemctl start nosuch; echo nosuch=$?", ""));
        assertThat(r.stdout()).contains("disabled\nenabled=1", "enabled\n", "active\n", "{\"a\":\"b c\"}",
                "inactive\nactive=3", "nosuch=5");
    }

    @Test
    void curlShimServesTheAgentIntrospectionOnlyWhenTheAgentWroteIt() throws Exception {
        ExecResult r = ssh("plain", "sudo -n bash -s", String.join("\n",
                "curl -s http://localhost:51678/v1/metadata; echo refused=$?",
                "mkdir -p /run/ecsa-sim/introspection/v1",
                "echo '{\"Cluster\":\"c\",\"ContainerInstanceArn\":\"arn:x\"}' > /run/ecsa-sim/introspection/v1/metadata",
                "curl -s http://localhost:51678/v1/metadata | jq -r .ContainerInstanceArn",
                "curl -sf -o /dev/null -w '%{http_code}' http://127.0.0.1:51678/v1/nope; echo ' fail='$?",
                "rm -rf /run/ecsa-sim/introspection", ""));
        assertThat(r.stdout()).contains("refused=7", "arn:x", "404 fail=22");
    }

    @Test
    void hostKeyIsStableAcrossRestartsAndAReplacedKeyIsRejected() throws Exception {
        Path dir = Files.createTempDirectory("ecsa-host-restart-");
        try {
            HostConfig c = HostConfig.builder("restart").build();
            String first;
            try (SimulatedHost h = SimulatedHost.start(dir, c, java.util.List.of(hosts.clientKeyPair().getPublic()))) {
                first = h.hostKeyFingerprint();
                assertThat(first).startsWith("SHA256:");
                Ssh.run(h.port(), first, hosts.clientKeyPair(), "echo kept > /var/lib/state", null);
            }
            try (SimulatedHost h = SimulatedHost.start(dir, c, java.util.List.of(hosts.clientKeyPair().getPublic()))) {
                assertThat(h.hostKeyFingerprint()).isEqualTo(first);
                assertThat(Ssh.run(h.port(), first, hosts.clientKeyPair(), "cat /var/lib/state", null).stdout())
                        .isEqualTo("kept\n");
                String second = h.replaceHostKey();
                assertThat(second).isNotEqualTo(first);
                assertThatThrownBy(() -> Ssh.run(h.port(), first, hosts.clientKeyPair(), "true", null))
                        .hasMessageContaining("verify");
                assertThat(Ssh.run(h.port(), second, hosts.clientKeyPair(), "echo ok", null).stdout()).isEqualTo("ok\n");
            }
        } finally {
            Dirs.deleteRecursively(dir);
        }
    }

    @Test
    void unknownClientKeysAreRejected() {
        SimulatedHost h = hosts.host("plain");
        assertThatThrownBy(() -> Ssh.run(h.port(), h.hostKeyFingerprint(), SshKeys.generate(), "true", null))
                .hasMessageContaining("Exhausted available authentication methods");
    }
}
