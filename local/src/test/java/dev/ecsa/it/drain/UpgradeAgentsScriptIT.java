package dev.ecsa.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.port.HostKeyPolicy;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.port.SshPrivateKey;
import dev.ecsa.core.port.SshTarget;
import dev.ecsa.core.upgrade.UpgradeScript;
import dev.ecsa.functions.drain.HostScriptsUpgrade;
import dev.ecsa.functions.ssh.SshjRemoteHost;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.AgentPackageRepository.Component;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sim.ContainerInstanceView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-place upgrade script on simulated hosts registered through the service: real package-manager shims, packages
 * and signatures served by the bench's repository, agents that report their versions to the simulator. Each fault the
 * issue names (a download, a signature, the package manager, an agent that does not start, a rollback that fails too)
 * is injected at its step.
 */
class UpgradeAgentsScriptIT {

    private static final String ECS_NEW = AgentPackageRepository.NEWER_ECS_VERSION;
    private static final String SSM_NEW = AgentPackageRepository.NEWER_SSM_VERSION;
    private static final String ECS_OLD = AgentPackageRepository.INSTALLED_ECS_VERSION;
    private static final String SSM_OLD = AgentPackageRepository.INSTALLED_SSM_VERSION;

    private static DrainBench bench;
    private static HostScriptsUpgrade script;
    private final SshjRemoteHost ssh = new SshjRemoteHost();

    @BeforeAll
    static void start() {
        bench = DrainBench.start(
                HostConfig.builder("up-ok").build(),
                HostConfig.builder("up-rpm").distro(dev.ecsa.local.hosts.Distro.AMAZON_LINUX_2023).build(),
                HostConfig.builder("up-pkgfail").build(),
                HostConfig.builder("up-broken").build(),
                HostConfig.builder("up-ssmbroken").build(),
                HostConfig.builder("up-tampered").build(),
                HostConfig.builder("up-noway").build(),
                HostConfig.builder("up-stuck").build(),
                HostConfig.builder("up-cut").build());
        script = new HostScriptsUpgrade(DrainBench.upgradeSettings(bench.bench));
    }

    @AfterAll
    static void stop() {
        if (bench != null) {
            bench.close();
        }
    }

    private UpgradeScript.Report upgrade(SimulatedHost host, NodeRecord node, TargetVersions targets) {
        ScriptRun run = new ScriptRun(new SshTarget(host.address(), host.port(), Bench.SSH_USER),
                new HostKeyPolicy.Expect(host.hostKeyFingerprint()),
                new SshPrivateKey(Bench.SSH_KEY_SECRET, bench.bench.sshPrivateKeyPem()), ScriptRun.DEFAULT_COMMAND,
                script.text(new UpgradeScript.Input(targets, node.managedInstanceId(), node.containerInstanceArn())),
                Duration.ofSeconds(10), Duration.ofMinutes(3));
        ScriptResult result = ssh.run(run);
        return script.interpret(result);
    }

    private ContainerInstanceView instance(NodeRecord node) {
        return bench.bench.simulator().containerInstance(node.containerInstanceArn()).orElseThrow();
    }

    private String ssmVersion(NodeRecord node) {
        return bench.bench.simulator().managedInstance(node.managedInstanceId()).orElseThrow().agentVersion();
    }

    private void assertStillRunsTheOldVersionsUnderTheSameIds(SimulatedHost host, NodeRecord node) {
        assertThat(host.installedVersion("amazon-ecs-init")).contains(ECS_OLD + "-1");
        assertThat(host.installedVersion("amazon-ssm-agent")).contains(SSM_OLD + "-1");
        ContainerInstanceView ci = instance(node);
        assertThat(ci.agentConnected()).isTrue();
        assertThat(ci.agentVersion()).isEqualTo(ECS_OLD);
        assertThat(ci.ec2InstanceId()).isEqualTo(node.managedInstanceId());
        assertThat(ssmVersion(node)).isEqualTo(SSM_OLD);
    }

    @Test
    void upgradesBothAgentsKeepingTheManagedInstanceAndTheContainerInstance() {
        SimulatedHost host = bench.host("up-ok");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        assertThat(instance(node).agentVersion()).isEqualTo(ECS_OLD);
        assertThat(ssmVersion(node)).isEqualTo(SSM_OLD);

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, SSM_NEW));

        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.upgraded()).containsExactly("amazon-ecs-init " + ECS_OLD + "-1 -> " + ECS_NEW + "-1",
                "amazon-ssm-agent " + SSM_OLD + "-1 -> " + SSM_NEW + "-1");
        assertThat(host.installedVersion("amazon-ecs-init")).contains(ECS_NEW + "-1");
        ContainerInstanceView ci = instance(node);
        assertThat(ci.agentVersion()).isEqualTo(ECS_NEW);
        assertThat(ci.agentConnected()).isTrue();
        assertThat(ci.ec2InstanceId()).isEqualTo(node.managedInstanceId());
        assertThat(ssmVersion(node)).isEqualTo(SSM_NEW);
        assertThat(bench.bench.simulator().allContainerInstances())
                .filteredOn(c -> node.managedInstanceId().equals(c.ec2InstanceId())).hasSize(1);

        // A second run finds nothing to do.
        UpgradeScript.Report again = upgrade(host, node, new TargetVersions(ECS_NEW, SSM_NEW));
        assertThat(again.ok()).isTrue();
        assertThat(again.changed()).isFalse();
        assertThat(again.upgraded()).isEmpty();
    }

    @Test
    void upgradesWithRpmOnAmazonLinux() {
        SimulatedHost host = bench.host("up-rpm");
        NodeRecord node = bench.register(host, Bench.CLUSTER);

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, null));

        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(host.installedVersion("amazon-ecs-init")).contains(ECS_NEW + "-1");
        assertThat(host.installedVersion("amazon-ssm-agent")).contains(SSM_OLD + "-1");
        assertThat(instance(node).agentVersion()).isEqualTo(ECS_NEW);
    }

    @Test
    void aPackageThatFailsToInstallIsRolledBack() {
        SimulatedHost host = bench.host("up-pkgfail");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        host.failPackageInstall("amazon-ssm-agent", SSM_NEW + "-1");

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, SSM_NEW));

        assertThat(report.ok()).isFalse();
        assertThat(report.reason()).isEqualTo("UPGRADE_ROLLED_BACK");
        assertThat(report.rolledBack()).isTrue();
        assertThat(report.notes()).anyMatch(n -> n.contains("could not install " + SSM_NEW));
        // The ECS agent had been upgraded already: it is put back too.
        assertStillRunsTheOldVersionsUnderTheSameIds(host, node);
    }

    @Test
    void anAgentThatDoesNotStartAfterTheUpgradeIsRolledBack() {
        UpgradeScript.Report report = upgradeWithABrokenVersion("up-broken", "amazon-ecs-init", ECS_NEW);
        assertThat(report.step()).isEqualTo("rollback");
        assertThat(report.notes()).anyMatch(n -> n.contains("did not report " + ECS_NEW));
    }

    @Test
    void aFailedSsmAgentUpgradeTakesTheEcsAgentBackToo() {
        UpgradeScript.Report report = upgradeWithABrokenVersion("up-ssmbroken", "amazon-ssm-agent", SSM_NEW);
        assertThat(report.notes()).anyMatch(n -> n.contains("SSM agent"));
    }

    /** Upgrades both agents on a host where the new version of one does not start; both must be put back. */
    private UpgradeScript.Report upgradeWithABrokenVersion(String hostName, String packageName, String version) {
        SimulatedHost host = bench.host(hostName);
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        host.breakAgentVersion(packageName, version + "-1");

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, SSM_NEW));

        assertThat(report.reason()).as(report.toString()).isEqualTo("UPGRADE_ROLLED_BACK");
        assertThat(report.rolledBack()).isTrue();
        assertStillRunsTheOldVersionsUnderTheSameIds(host, node);
        return report;
    }

    @Test
    void aPackageThatDoesNotMatchItsSignatureChangesNothing() {
        SimulatedHost host = bench.host("up-tampered");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        bench.bench.agentPackages().tamper(Component.SSM_AGENT, SSM_NEW);
        try {
            UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, SSM_NEW));

            assertThat(report.reason()).as(report.toString()).isEqualTo("SIGNATURE_INVALID");
            assertThat(report.changed()).isFalse();
            assertStillRunsTheOldVersionsUnderTheSameIds(host, node);
        } finally {
            bench.bench.agentPackages().publish(Component.SSM_AGENT, SSM_NEW);
        }
    }

    @Test
    void noWayBackMeansNoUpgrade() {
        SimulatedHost host = bench.host("up-noway");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        bench.bench.agentPackages().withdraw(Component.ECS_INIT, ECS_OLD);
        try {
            UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, null));

            assertThat(report.reason()).as(report.toString()).isEqualTo("DOWNLOAD_FAILED");
            assertThat(report.message()).contains("amazon-ecs-init-" + ECS_OLD);
            assertThat(report.changed()).isFalse();
            assertStillRunsTheOldVersionsUnderTheSameIds(host, node);
        } finally {
            bench.bench.agentPackages().publish(Component.ECS_INIT, ECS_OLD);
        }
    }

    @Test
    void aRollbackThatFailsTooIsReportedAsSuch() {
        SimulatedHost host = bench.host("up-stuck");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        host.breakAgentVersion("amazon-ecs-init", ECS_NEW + "-1");
        host.failPackageInstall("amazon-ecs-init", ECS_OLD + "-1");

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, null));

        assertThat(report.reason()).as(report.toString()).isEqualTo("ROLLBACK_FAILED");
        assertThat(report.rolledBack()).isFalse();
        assertThat(report.leftChanged()).isTrue();
        assertThat(instance(node).agentConnected()).isFalse();
    }

    @Test
    void anAgentLeftOnItsOldVersionBehindAnInstalledTargetIsRestarted() {
        // As after a run cut off between the package and the restart: the target is installed, the agent runs the old.
        SimulatedHost host = bench.host("up-cut");
        NodeRecord node = bench.register(host, Bench.CLUSTER);
        var served = bench.bench.simulator().endpoint().resolve("/" + "amazon-ecs-agent-"
                + bench.bench.simulator().config().region() + "/amazon-ecs-init-" + ECS_NEW + "-1.amd64.deb");
        assertThat(host.exec("curl -fsS -o /tmp/new.deb " + served + " && dpkg -i /tmp/new.deb").exitCode()).isZero();
        assertThat(instance(node).agentVersion()).isEqualTo(ECS_OLD);

        UpgradeScript.Report report = upgrade(host, node, new TargetVersions(ECS_NEW, null));

        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.upgraded()).containsExactly("amazon-ecs-init " + ECS_NEW + "-1 (restarted)");
        assertThat(instance(node).agentVersion()).isEqualTo(ECS_NEW);
        assertThat(instance(node).agentConnected()).isTrue();
    }
}
