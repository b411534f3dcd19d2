package dev.ecsa.local.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenSshHostIT {

    @RegisterExtension
    static OpenSshHostExtension host = OpenSshHostExtension.with(
            HostConfig.builder("openssh-host").distro(Distro.DEBIAN_12).arch("aarch64").build());

    private ExecResult ssh(String command, String stdin) throws Exception {
        return Ssh.run(host.sshd().port(), host.sshd().hostKeyFingerprint(), host.clientKeyPair(), command, stdin);
    }

    @Test
    void commandsRunInTheHostSandbox() throws Exception {
        ExecResult r = ssh(". /etc/os-release; echo $ID $(uname -m) $(hostname) $HOME; env | grep -c SSH_", null);
        assertThat(r.stdout()).isEqualTo("debian aarch64 openssh-host /root\n0\n");
    }

    @Test
    void sudoBashReadsAScriptFromStdin() throws Exception {
        ExecResult r = ssh("sudo -n bash -s", "mkdir -p /etc/ecs\necho ECS_CLUSTER=o > /etc/ecs/ecs.config\nexit 4\n");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(host.sandbox().readFile("/etc/ecs/ecs.config")).isEqualTo("ECS_CLUSTER=o\n");
        assertThat(java.nio.file.Path.of("/etc/ecs/ecs.config")).doesNotExist();
    }

    @Test
    void otherKeysAndOtherHostKeysAreRefused() {
        assertThatThrownBy(() -> Ssh.run(host.sshd().port(), host.sshd().hostKeyFingerprint(), SshKeys.generate(), "true", null))
                .hasMessageContaining("Exhausted available authentication methods");
        assertThatThrownBy(() -> Ssh.run(host.sshd().port(), SshKeys.fingerprint(SshKeys.generate().getPublic()),
                host.clientKeyPair(), "true", null)).hasMessageContaining("verify");
    }
}
