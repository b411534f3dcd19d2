package dev.ecsa.it.register;

import static dev.ecsa.it.flow.ServiceOnBench.registerRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.Distro;
import dev.ecsa.local.hosts.HostConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pre-flight failure of the bootstrap, end to end through the queue, one simulated host per failure, with the
 * install script pinned by SHA-256 (the other pin mode; {@link RegisterThroughQueueIT} uses GPG). Each must fail with
 * its own finding code, leave no activation and no registration, and not touch the host's ECS configuration.
 */
class RegisterPreflightIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static ServiceOnBench service;

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(HostConfig.builder("pf-nosudo").passwordlessSudo(false).build(), Reason.SUDO_DENIED,
                        "passwordless sudo"),
                Arguments.of(HostConfig.builder("pf-nosystemd").systemd(false).build(), Reason.PREFLIGHT_FAILED,
                        "NO_SYSTEMD"),
                Arguments.of(HostConfig.builder("pf-armv7").arch("armv7l").build(), Reason.PREFLIGHT_FAILED,
                        "UNSUPPORTED_ARCH"),
                Arguments.of(HostConfig.builder("pf-rocky").distro(Distro.ROCKY_9).build(), Reason.PREFLIGHT_FAILED,
                        "UNSUPPORTED_DISTRO"),
                Arguments.of(HostConfig.builder("pf-nomemcg").memoryCgroup(false).build(), Reason.PREFLIGHT_FAILED,
                        "NO_MEMORY_CGROUP"),
                Arguments.of(HostConfig.builder("pf-lowdisk").freeDiskKb(512 * 1024).build(),
                        Reason.PREFLIGHT_FAILED, "LOW_DISK"),
                Arguments.of(HostConfig.builder("pf-registered").existingInstanceId("mi-0123456789abcdef0").build(),
                        Reason.PREFLIGHT_FAILED, "ALREADY_REGISTERED"),
                Arguments.of(HostConfig.builder("pf-credfile").awsCredentialsFile(true).build(),
                        Reason.PREFLIGHT_FAILED, "HIJACKING_CREDENTIALS"),
                Arguments.of(HostConfig.builder("pf-etcenv").awsKeyInEtcEnvironment(true).build(),
                        Reason.PREFLIGHT_FAILED, "HIJACKING_CREDENTIALS"),
                Arguments.of(HostConfig.builder("pf-imds").imdsAnswering(true).build(), Reason.PREFLIGHT_FAILED,
                        "HIJACKING_CREDENTIALS"),
                Arguments.of(HostConfig.builder("pf-rhel").distro(Distro.RHEL_9).build(), Reason.PREFLIGHT_FAILED,
                        "RHEL_WITHOUT_DOCKER"),
                Arguments.of(HostConfig.builder("pf-selinux").selinuxEnforcing(true).build(),
                        Reason.PREFLIGHT_FAILED, "SELINUX_ENFORCING"));
    }

    @BeforeAll
    static void start() {
        List<HostConfig> hosts = Stream.concat(failures().map(a -> (HostConfig) a.get()[0]),
                Stream.of(HostConfig.builder("pf-rhel-docker").distro(Distro.RHEL_9).dockerInstalled(true).build(),
                        HostConfig.builder("pf-sha").build(),
                        HostConfig.builder("pf-sles").distro(Distro.SLES_15).build(),
                        HostConfig.builder("pf-al2023").distro(Distro.AMAZON_LINUX_2023).build())).toList();
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), hosts,
                List.of());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailedPreflightIsRecordedWithItsOwnReasonAndLeavesNothingBehind(HostConfig host, Reason reason,
                                                                          String code) {
        String nodeId = host.name();
        String ecsConfigBefore = service.bench().host(nodeId).exec("cat /etc/ecs/ecs.config 2>/dev/null").stdout();
        service.send(registerRequest(nodeId + "-1", service.target(nodeId)));
        RequestRecord record = service.awaitOutcome(nodeId + "-1", WAIT);

        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).as(record.failure().message()).isEqualTo(reason);
        assertThat(record.failure().message()).contains(code);
        assertThat(service.store().getNode(nodeId).orElseThrow().state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(service.activationsFor(nodeId)).as("activation deleted").isZero();
        assertThat(service.managedInstancesNamed(nodeId)).isZero();
        assertThat(service.containerInstancesOf(nodeId)).isZero();
        assertThat(service.bench().host(nodeId).exec("cat /etc/ecs/ecs.config 2>/dev/null").stdout())
                .as("nothing installed").isEqualTo(ecsConfigBefore);
        assertThat(service.bench().simulator().events()).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistrationFailed");
            assertThat(e.detail()).contains(nodeId + "-1");
        });
    }

    @Test
    void rhelWithDockerPassesThePreflightAndRegisters() {
        service.send(registerRequest("pf-rhel-docker-1", service.target("pf-rhel-docker")));
        RequestRecord record = service.awaitOutcome("pf-rhel-docker-1", WAIT);
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
    }

    /** The install script runs its package-manager path on distributions it does not name (AWS supports both). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"pf-sles", "pf-al2023"})
    void suseAndAmazonLinux2023PassThePreflightAndRegister(String host) {
        service.send(registerRequest(host + "-1", service.target(host)));
        RequestRecord record = service.awaitOutcome(host + "-1", WAIT);
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
    }

    @Test
    void aScriptWhoseSha256DoesNotMatchThePinIsNeverRun() {
        Bench bench = service.bench();
        byte[] tampered = (new String(bench.installScript(), StandardCharsets.UTF_8)
                + "\ntouch /root/tampered-script-ran\n").getBytes(StandardCharsets.UTF_8);
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, tampered);
        try {
            service.send(registerRequest("pf-sha-1", service.target("pf-sha")));
            RequestRecord record = service.awaitOutcome("pf-sha-1", WAIT);
            assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(record.failure().reason()).as(record.failure().message())
                    .isEqualTo(Reason.INSTALL_SCRIPT_UNVERIFIED);
            assertThat(bench.host("pf-sha").exec("ls /root").stdout()).doesNotContain("tampered-script-ran");
            assertThat(service.activationsFor("pf-sha")).isZero();
        } finally {
            bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, bench.installScript());
        }
    }
}
