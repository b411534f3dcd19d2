package dev.ecsa.it.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.iam.BenchAuthorizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An installation that stopped between the SSM registration and the ECS agent's (found by the soak: a connection cut
 * mid-script left every later registration of the node failing PREFLIGHT_FAILED for good). A registration of the same
 * node completes it with the same managed instance: no second SSM identity, the new activation unused and deleted.
 * The interruption here is the ecs-init package failing to install, which leaves the host exactly as a cut does.
 */
class InterruptedInstallationIT {

    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final String ECS_INIT = "amazon-ecs-init";

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults().onTheZip(), List.of(
                HostConfig.builder("cut-before-ecs-init").build(),
                HostConfig.builder("cut-before-agent-start").build(),
                HostConfig.builder("deregistered-meanwhile").build()), List.of());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @AfterEach
    void noCallWasDenied() {
        assertThat(service.iam().authorizer().denials()).extracting(BenchAuthorizer.Decision::toString).isEmpty();
    }

    private static RequestRecord register(String requestId, String nodeId) {
        Map<String, Object> body = ServiceOnBench.registerRequest(requestId, service.target(nodeId));
        service.send(body);
        return service.awaitOutcome(requestId, WAIT);
    }

    /** Registers {@code nodeId} with the ecs-init package failing: SSM registered, no ECS agent. */
    private static String interrupt(String nodeId) {
        SimulatedHost host = service.bench().host(nodeId);
        host.failPackageInstall(ECS_INIT, AgentPackageRepository.INSTALLED_ECS_VERSION + "-1");
        RequestRecord failed = register(nodeId + "-1", nodeId);
        assertThat(failed.outcome()).as(String.valueOf(failed.failure())).isEqualTo(Outcome.FAILED);
        assertThat(failed.failure().reason()).isEqualTo(Reason.INSTALL_FAILED);
        NodeRecord node = service.store().getNode(nodeId).orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTRATION_FAILED);
        assertThat(node.managedInstanceId()).as("the leftover SSM registration is recorded").startsWith("mi-");
        assertThat(service.bench().simulator().managedInstance(node.managedInstanceId())).isPresent();
        host.clearFaults();
        return node.managedInstanceId();
    }

    private static void assertCompletedWith(String nodeId, String mi, RequestRecord record) {
        assertThat(record.outcome()).as(record.steps() + " " + record.failure()).isEqualTo(Outcome.REGISTERED);
        assertThat(record.steps()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo(RegisterNode.STEP_COMPLETE_INSTALL);
            assertThat(s.result()).isEqualTo(StepResult.SUCCEEDED);
            assertThat(s.detail()).contains(mi);
        });
        NodeRecord node = service.store().getNode(nodeId).orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.managedInstanceId()).as("the identity is kept").isEqualTo(mi);
        assertThat(service.bench().simulator().containerInstance(node.containerInstanceArn()))
                .hasValueSatisfying(ci -> assertThat(ci.ec2InstanceId()).isEqualTo(mi));
        assertThat(service.bench().simulator().allManagedInstances()).as("one SSM identity")
                .filteredOn(m -> nodeId.equals(m.name()) && !m.deregistered()).hasSize(1);
        assertThat(service.activationsFor(nodeId)).as("the unused activation was deleted").isZero();
    }

    @Test
    void anInstallationCutBeforeEcsInitIsCompletedWithTheSameManagedInstance() {
        String mi = interrupt("cut-before-ecs-init");
        // As if the cut came before the package was unpacked: nothing of ecs-init on the host.
        service.bench().host("cut-before-ecs-init").exec("rm -f /usr/libexec/amazon-ecs-init");

        assertCompletedWith("cut-before-ecs-init", mi, register("cut-before-ecs-init-2", "cut-before-ecs-init"));
        assertThat(service.bench().host("cut-before-ecs-init").installedVersion(ECS_INIT))
                .hasValue(AgentPackageRepository.INSTALLED_ECS_VERSION + "-1");
    }

    @Test
    void anInstallationCutBeforeTheAgentStartedIsCompletedByStartingIt() {
        String mi = interrupt("cut-before-agent-start");
        // ecs-init is on the host, so AWS's script skips its configuration and start: the bootstrap does them.
        assertThat(service.bench().host("cut-before-agent-start").exec("test -x /usr/libexec/amazon-ecs-init")
                .exitCode()).isZero();

        RequestRecord record = register("cut-before-agent-start-2", "cut-before-agent-start");

        assertCompletedWith("cut-before-agent-start", mi, record);
        assertThat(service.bench().host("cut-before-agent-start").exec("cat /etc/ecs/ecs.config").stdout())
                .containsOnlyOnce("ECS_CLUSTER=");
    }

    @Test
    void aRegistrationSsmNoLongerListsIsNotCompleted() {
        // Someone deregistered the managed instance meanwhile: the host's identity is no longer this node's to use.
        String mi = interrupt("deregistered-meanwhile");
        service.bench().simulator().deregisterManagedInstance(mi);

        RequestRecord record = register("deregistered-meanwhile-2", "deregistered-meanwhile");

        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(record.failure().message()).contains("ALREADY_REGISTERED").contains("SSM does not list");
        assertThat(record.steps()).extracting(Step::name).doesNotContain(RegisterNode.STEP_COMPLETE_INSTALL);
    }
}
