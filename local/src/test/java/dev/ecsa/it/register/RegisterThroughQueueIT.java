package dev.ecsa.it.register;

import static dev.ecsa.it.flow.ServiceOnBench.registerRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.core.register.RegistrationSettings;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.it.flow.Intercepts.Point;
import dev.ecsa.it.flow.ServiceOnBench;
import dev.ecsa.it.flow.ServiceOnBench.OpenSshSpec;
import dev.ecsa.it.flow.ServiceOnBench.Target;
import dev.ecsa.it.flow.SimulatedCrash;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.Distro;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.ThrowawayGpgKey;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.PublishedEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registration end to end (issue 3), every request a message on the node-request FIFO queue (ElasticMQ) consumed by
 * the {@link dev.ecsa.functions.NodeRequestHandler} on the composition root's production adapters: SSM, ECS, Secrets
 * Manager and EventBridge from the control-plane simulator, the inventory in dynalite, SSHJ to hosts behind Apache
 * MINA and Debian's OpenSSH running the real bootstrap, which fetches the install-script stand-in and checks its GPG
 * signature against the pinned (bench) key. The pre-flight failures are in {@link RegisterPreflightIT}, the fleet of
 * 5,000 in {@link RegisterAtScaleIT}.
 */
class RegisterThroughQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SSM = "AmazonSSM.";
    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";

    static ServiceOnBench service;

    @BeforeAll
    static void start() {
        List<HostConfig> mina = new ArrayList<>();
        for (String name : List.of("q-ok", "q-inject", "q-rekey", "q-sig", "q-install", "q-expired", "q-ids",
                "q-throttle-ssm", "q-throttle-ecs", "q-crash-verify", "q-crash-create", "q-dup", "q-dup-fifo")) {
            mina.add(HostConfig.builder(name).systemd(!name.equals("q-rekey")).build());
        }
        service = ServiceOnBench.start(ServiceOnBench.Options.defaults(), mina, List.of(
                new OpenSshSpec(HostConfig.builder("q-openssh").distro(Distro.DEBIAN_12).build(), true),
                new OpenSshSpec(HostConfig.builder("q-denied").build(), false)));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @AfterEach
    void undoTestChanges() {
        service.intercepts().clear();
        service.simulatorClock().reset();
        service.bench().simulator().faults().clear();
        Bench bench = service.bench();
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, bench.installScript());
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH + ".asc",
                bench.signingKey().detachSign(bench.installScript()));
    }

    private static RequestRecord run(Map<String, Object> request) {
        service.send(request);
        return service.awaitOutcome((String) request.get("requestId"), WAIT);
    }

    private static long calls(String op) {
        return service.bench().simulator().calls(op);
    }

    private static void assertConverged(String nodeId) {
        assertThat(service.activationsFor(nodeId)).as("activations left in SSM for " + nodeId).isZero();
        assertThat(service.managedInstancesNamed(nodeId)).as("managed instances of " + nodeId).isEqualTo(1);
        assertThat(service.containerInstancesOf(nodeId)).as("container instances of " + nodeId).isEqualTo(1);
    }

    private static void assertFailed(RequestRecord r, Outcome outcome, Reason reason, String nodeId) {
        assertThat(r.outcome()).as(String.valueOf(r.failure())).isEqualTo(outcome);
        assertThat(r.failure().reason()).as(r.failure().message()).isEqualTo(reason);
        assertThat(service.activationsFor(nodeId)).as("activations left in SSM for " + nodeId).isZero();
    }

    // ------------------------------------------------------------------------------------------- happy paths

    @Test
    void aHostBehindMinaIsRegisteredAndTheActivationCodeAppearsInNoLogItemEventOrMessage() {
        Target host = service.target("q-ok");
        Map<String, Object> request = registerRequest("q-ok-1", host);
        int codesBefore = service.intercepts().codes().size();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(logs, true, StandardCharsets.UTF_8);
        RequestRecord record;
        System.setOut(capture);
        System.setErr(capture);
        try {
            record = run(request);
            // The outcome is stored before the handler logs it: keep capturing until that last line is out too
            // (bounded; the assertions below say what is missing if it never comes).
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!logs.toString(StandardCharsets.UTF_8).contains("request q-ok-1 completed")
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        NodeRecord node = service.store().getNode("q-ok").orElseThrow();
        assertThat(node.state()).isEqualTo(NodeState.REGISTERED);
        assertThat(node.hostKeyFingerprint()).isEqualTo(host.hostKeyFingerprint());
        assertThat(node.managedInstanceId()).matches("mi-[0-9a-f]{17}");
        var ci = service.bench().simulator().containerInstance(node.containerInstanceArn()).orElseThrow();
        assertThat(ci.ec2InstanceId()).isEqualTo(node.managedInstanceId());
        assertThat(ci.attributes()).containsEntry(RegistrationSettings.NODE_ATTRIBUTE, "q-ok")
                .containsEntry("rack", "r12");
        assertThat(ci.tags()).containsEntry("team", "edge").containsEntry(RegistrationSettings.NODE_TAG, "q-ok");
        assertConverged("q-ok");
        // Under the stack's IAM: the function's role made these calls, each allowed by the template's policy.
        assertThat(service.iam().authorizer().decisions()).filteredOn(d -> d.role().startsWith("NodeRequest"))
                .extracting(dev.ecsa.local.iam.BenchAuthorizer.Decision::action)
                .contains("ssm:CreateActivation", "iam:PassRole", "ssm:DeleteActivation", "dynamodb:PutItem",
                        "ecs:DescribeContainerInstances", "secretsmanager:GetSecretValue");
        assertThat(service.iam().authorizer().denials()).isEmpty();
        assertThat(service.bench().simulator().events()).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistered");
            assertThat(e.detail()).contains(node.managedInstanceId());
        });

        List<String> codes = service.intercepts().codes();
        assertThat(codes).hasSize(codesBefore + 1);
        String code = codes.get(codesBefore);
        assertThat(code).isNotBlank();
        List<String> everything = new ArrayList<>(service.tableItems());
        service.bench().simulator().events().forEach(e -> everything.add(e.detailType() + " " + e.detail()));
        everything.add(ServiceOnBench.json(request));
        everything.add(service.bench().host("q-ok").exec("cat /var/log/ecsa-bootstrap.log").stdout());
        everything.addAll(service.deadLetters());
        String logText = logs.toString(StandardCharsets.UTF_8);
        assertThat(logText).as("the run logged something (the capture works)").contains("q-ok-1");
        everything.add(logText);
        assertThat(everything).as("the activation code is in no item, event, message or log line")
                .allSatisfy(text -> assertThat(text).doesNotContain(code));
    }

    @Test
    void aHostBehindOpenSshIsRegisteredAndASecondRequestOnlyLooks() {
        Target host = service.target("q-openssh");
        RequestRecord record = run(registerRequest("q-openssh-1", host));
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(service.store().getNode("q-openssh").orElseThrow().hostKeyFingerprint())
                .isEqualTo(host.hostKeyFingerprint());
        assertConverged("q-openssh");

        long creates = calls(SSM + "CreateActivation");
        RequestRecord again = run(registerRequest("q-openssh-2", host));
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_REGISTERED);
        assertThat(calls(SSM + "CreateActivation")).isEqualTo(creates);
        assertConverged("q-openssh");
    }

    // ------------------------------------------------------------------------------------------- bad input

    @Test
    void badJsonIsRejectedAcknowledgedAndNeverRetried() {
        String messageId = service.send("{\"action\": \"register\", \"requestId\": ", "bad-json", "bad-json-1");
        RequestRecord record = service.awaitOutcome("sqs-" + messageId, WAIT);
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(record.failure().message()).contains("not valid JSON");
        service.awaitQueueDrained(WAIT);
        assertThat(service.deadLetters()).isEmpty();
    }

    @Test
    void injectionAttemptsAreRejectedByFieldAndNothingReachesAHost() throws Exception {
        Target host = service.target("q-inject");
        long creates = calls(SSM + "CreateActivation");
        long secrets = calls("secretsmanager.GetSecretValue");
        Map<String, Object> hostile = Map.of(
                "nodeId", "q-inject;touch /root/pwned",
                "address", "127.0.0.1 -oProxyCommand=touch /root/pwned",
                "sshUser", "root$(touch /root/pwned)",
                "cluster", "x';touch /root/pwned;'",
                "hostKeyFingerprint", "SHA256:'$(touch /root/pwned)'",
                "attributes", Map.of("rack", "$(touch /root/pwned)"),
                "tags", Map.of("team", "`touch /root/pwned`"));
        int n = 0;
        for (Map.Entry<String, Object> field : hostile.entrySet()) {
            Map<String, Object> request = registerRequest("q-inject-" + (++n), host);
            request.put(field.getKey(), field.getValue());
            RequestRecord record = run(request);
            assertThat(record.outcome()).as(field.getKey()).isEqualTo(Outcome.REJECTED);
            assertThat(record.failure().reason()).isEqualTo(Reason.INVALID_REQUEST);
            assertThat(record.failure().message()).as("the reason names the field").contains(field.getKey());
        }
        assertThat(calls(SSM + "CreateActivation")).as("no activation for a rejected request").isEqualTo(creates);
        assertThat(calls("secretsmanager.GetSecretValue")).as("no SSH key read").isEqualTo(secrets);
        assertThat(service.store().getNode("q-inject")).as("no node was taken").isEmpty();
        assertThat(service.bench().host("q-inject").exec("ls /root").stdout()).doesNotContain("pwned");

        // Free-text fields may hold anything printable: they are recorded, never put in the script.
        Map<String, Object> request = registerRequest("q-inject-ok", host);
        request.put("requestedBy", "ops'$(touch /root/pwned-by)'`touch /root/pwned-by2`");
        request.put("reason", "'; touch /root/pwned-reason; echo '\" $(touch /root/pwned-reason2)");
        RequestRecord record = run(request);
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(service.bench().host("q-inject").exec("ls -a /root").stdout()).doesNotContain("pwned");
    }

    // ------------------------------------------------------------------------------------------- SSH

    @Test
    void anUnreachableHostIsRetriedUpToTheStacksMaxReceiveCountThenFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Target nowhere = new Target("q-unreachable", "127.0.0.1", port, Bench.SSH_USER, null);
        long creates = calls(SSM + "CreateActivation");

        RequestRecord record = run(registerRequest("q-unreachable-1", nowhere));

        assertFailed(record, Outcome.FAILED, Reason.HOST_UNREACHABLE, "q-unreachable");
        assertThat(record.failure().message()).contains("gave up after 5 deliveries");
        assertThat(calls(SSM + "CreateActivation") - creates).as("one activation per delivery, each deleted")
                .isEqualTo(5);
        service.awaitQueueDrained(WAIT);
        assertThat(service.deadLetters()).isEmpty();
    }

    @Test
    void aHostThatDoesNotAuthorizeTheServiceKeyFailsWithoutRetries() {
        RequestRecord record = run(registerRequest("q-denied-1", service.target("q-denied")));
        assertFailed(record, Outcome.FAILED, Reason.SSH_AUTH_FAILED, "q-denied");
        assertThat(service.store().getNode("q-denied").orElseThrow().state())
                .isEqualTo(NodeState.REGISTRATION_FAILED);
    }

    @Test
    void aChangedHostKeyIsRefusedAndNothingRuns() {
        Target host = service.target("q-rekey");
        // The first run pins the key on first use, then fails its pre-flight (no systemd): the node may be retried.
        RequestRecord first = run(registerRequest("q-rekey-1", host));
        assertThat(first.failure().reason()).isEqualTo(Reason.PREFLIGHT_FAILED);
        assertThat(service.store().getNode("q-rekey").orElseThrow().hostKeyFingerprint())
                .isEqualTo(host.hostKeyFingerprint());
        long secretsBefore = calls("secretsmanager.GetSecretValue");
        service.bench().host("q-rekey").replaceHostKey();

        RequestRecord record = run(registerRequest("q-rekey-2", host));

        assertFailed(record, Outcome.REJECTED, Reason.HOST_KEY_CHANGED, "q-rekey");
        assertThat(service.store().getNode("q-rekey").orElseThrow().hostKeyFingerprint())
                .isEqualTo(host.hostKeyFingerprint());
        assertThat(record.failure().message()).contains("nothing was run");
        assertThat(record.steps()).noneMatch(s -> s.name().equals(RegisterNode.STEP_BOOTSTRAP)
                && s.result() == dev.ecsa.core.model.StepResult.SUCCEEDED);
        assertThat(calls("secretsmanager.GetSecretValue")).isGreaterThan(secretsBefore);
    }

    // ------------------------------------------------------------------------------------------- install script

    @Test
    void aTamperedScriptOrOneSignedByAnotherKeyIsNeverRun() {
        Bench bench = service.bench();
        byte[] tampered = (new String(bench.installScript(), StandardCharsets.UTF_8)
                + "\ntouch /root/tampered-script-ran\n").getBytes(StandardCharsets.UTF_8);
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, tampered);
        Target host = service.target("q-sig");

        RequestRecord record = run(registerRequest("q-sig-1", host));
        assertFailed(record, Outcome.FAILED, Reason.INSTALL_SCRIPT_UNVERIFIED, "q-sig");

        try (ThrowawayGpgKey other = ThrowawayGpgKey.create("not the pinned key <other@ecsa.invalid>")) {
            bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, tampered);
            bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH + ".asc", other.detachSign(tampered));
            RequestRecord second = run(registerRequest("q-sig-2", host));
            assertFailed(second, Outcome.FAILED, Reason.INSTALL_SCRIPT_UNVERIFIED, "q-sig");
        }
        assertThat(bench.host("q-sig").exec("ls /root").stdout()).doesNotContain("tampered-script-ran");
        assertThat(service.managedInstancesNamed("q-sig")).isZero();
    }

    @Test
    void aFailingInstallScriptIsReportedWithItsOutput() {
        Bench bench = service.bench();
        byte[] failing = "#!/bin/bash\necho 'install exploded: no package repository' >&2\nexit 3\n"
                .getBytes(StandardCharsets.UTF_8);
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH, failing);
        bench.simulator().serveFile(Bench.INSTALL_SCRIPT_PATH + ".asc", bench.signingKey().detachSign(failing));

        RequestRecord record = run(registerRequest("q-install-1", service.target("q-install")));

        assertFailed(record, Outcome.FAILED, Reason.INSTALL_FAILED, "q-install");
        assertThat(record.failure().message()).contains("install exploded");
        assertThat(service.bench().simulator().events()).anySatisfy(e -> {
            assertThat(e.detailType()).isEqualTo("NodeRegistrationFailed");
            assertThat(e.detail()).contains("q-install-1");
        });
    }

    @Test
    void anActivationThatExpiredBeforeTheHostUsedItFailsTheRegistration() {
        service.intercepts().hook((point, id) -> {
            if (point == Point.ACTIVATION_CREATED) {
                service.simulatorClock().shift(Duration.ofHours(2));
            }
        });

        RequestRecord record = run(registerRequest("q-expired-1", service.target("q-expired")));

        assertThat(record.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(record.failure().reason()).as(record.failure().message()).isEqualTo(Reason.ACTIVATION_INVALID);
        assertThat(service.managedInstancesNamed("q-expired")).isZero();
    }

    // ------------------------------------------------------------------------------------------- AWS

    @Test
    void ssmThrottlingIsRetriedByTheSdkAndThenByTheQueue() {
        var faults = service.bench().simulator().faults();
        long creates = calls(SSM + "CreateActivation");
        long describes = calls(SSM + "DescribeInstanceInformation");
        // Three attempts of the first delivery fail (the SDK's standard retries), the redelivery's first succeeds.
        faults.failNext(SSM + "CreateActivation", Fault.throttling(), 3);
        faults.failNext(SSM + "DescribeInstanceInformation", Fault.throttling(), 2);

        RequestRecord record = run(registerRequest("q-throttle-ssm-1", service.target("q-throttle-ssm")));

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(SSM + "CreateActivation") - creates).isEqualTo(4);
        assertThat(calls(SSM + "DescribeInstanceInformation") - describes).isEqualTo(3);
        assertConverged("q-throttle-ssm");
    }

    @Test
    void ecsThrottlingIsRetried() {
        var faults = service.bench().simulator().faults();
        long lists = calls(ECS + "ListContainerInstances");
        long describes = calls(ECS + "DescribeContainerInstances");
        faults.failNext(ECS + "ListContainerInstances", Fault.throttling(), 2);
        faults.failNext(ECS + "DescribeContainerInstances", Fault.throttling(), 1);

        RequestRecord record = run(registerRequest("q-throttle-ecs-1", service.target("q-throttle-ecs")));

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(ECS + "ListContainerInstances") - lists).isEqualTo(3);
        assertThat(calls(ECS + "DescribeContainerInstances") - describes).isEqualTo(2);
        assertConverged("q-throttle-ecs");
    }

    @Test
    void idsThatDoNotMatchFailTheRegistration() {
        AtomicBoolean done = new AtomicBoolean();
        service.intercepts().hook((point, mi) -> {
            if (point == Point.FIND_CONTAINER_INSTANCE && done.compareAndSet(false, true)) {
                // Between the host's report and the check, the agent's container instance is replaced by another
                // registration of the same managed instance (as a re-run ecs-init with a lost checkpoint would).
                var ecs = service.aws().ecs();
                String arn = ecs.listContainerInstances(b -> b.cluster(Bench.CLUSTER)
                        .filter("ec2InstanceId == " + mi)).containerInstanceArns().get(0);
                ecs.deregisterContainerInstance(b -> b.cluster(Bench.CLUSTER).containerInstance(arn).force(true));
                service.bench().simulator().registerContainerInstance(Bench.CLUSTER, mi,
                        Map.of(RegistrationSettings.NODE_ATTRIBUTE, "q-ids"), Map.of());
            }
        });

        RequestRecord record = run(registerRequest("q-ids-1", service.target("q-ids")));

        assertFailed(record, Outcome.FAILED, Reason.IDS_MISMATCH, "q-ids");
        assertThat(record.failure().message()).contains("the host reported");
    }

    // ------------------------------------------------------------------------------------------- convergence

    @Test
    void aCrashAfterTheHostRegisteredConvergesOnRedelivery() {
        AtomicBoolean crashed = new AtomicBoolean();
        service.intercepts().hook((point, arg) -> {
            if (point == Point.FIND_CONTAINER_INSTANCE && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash("verify");
            }
        });
        long creates = calls(SSM + "CreateActivation");

        RequestRecord record = run(registerRequest("q-crash-verify-1", service.target("q-crash-verify")));

        assertThat(crashed).isTrue();
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(SSM + "CreateActivation") - creates).as("one activation, used once").isEqualTo(1);
        assertThat(record.steps()).extracting(Step::name).contains(RegisterNode.STEP_RESUME);
        assertConverged("q-crash-verify");
    }

    @Test
    void aCrashBeforeTheBootstrapConvergesOnRedeliveryWithNoActivationLeftLive() {
        AtomicBoolean crashed = new AtomicBoolean();
        service.intercepts().hook((point, arg) -> {
            if (point == Point.ACTIVATION_CREATED && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash("after CreateActivation");
            }
        });
        long creates = calls(SSM + "CreateActivation");

        RequestRecord record = run(registerRequest("q-crash-create-1", service.target("q-crash-create")));

        assertThat(crashed).isTrue();
        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(SSM + "CreateActivation") - creates).as("the lost one and the used one").isEqualTo(2);
        assertConverged("q-crash-create");
    }

    @Test
    void twoCopiesInTheNodesGroupAreTakenOneAfterTheOtherAndTheSecondOnlyReports() {
        service.addConsumer();
        Map<String, Object> request = registerRequest("q-dup-fifo-1", service.target("q-dup-fifo"));
        String body = ServiceOnBench.json(request);
        long creates = calls(SSM + "CreateActivation");
        service.send(body, "q-dup-fifo", "copy-1");
        service.send(body, "q-dup-fifo", "copy-2");

        RequestRecord record = service.awaitOutcome("q-dup-fifo-1", WAIT);
        service.awaitQueueDrained(WAIT);

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(SSM + "CreateActivation") - creates).isEqualTo(1);
        assertConverged("q-dup-fifo");
    }

    @Test
    void twoCopiesOfOneRequestAtOnceRegisterTheNodeOnce() {
        service.addConsumer();
        Map<String, Object> request = registerRequest("q-dup-1", service.target("q-dup"));
        String body = ServiceOnBench.json(request);
        long creates = calls(SSM + "CreateActivation");
        // The same request twice, in different groups with different deduplication ids: FIFO ordering does not
        // serialize them, so two consumers take them at once.
        service.send(body, "dup-a", "dup-a");
        service.send(body, "dup-b", "dup-b");

        RequestRecord record = service.awaitOutcome("q-dup-1", WAIT);
        service.awaitQueueDrained(WAIT);

        assertThat(record.outcome()).as(String.valueOf(record.failure())).isEqualTo(Outcome.REGISTERED);
        assertThat(service.store().getRequest("q-dup-1").orElseThrow().outcome()).isEqualTo(Outcome.REGISTERED);
        assertThat(calls(SSM + "CreateActivation") - creates).as("activations created").isEqualTo(1);
        assertConverged("q-dup");
        assertThat(service.bench().simulator().events().stream().map(PublishedEvent::detail)
                .filter(d -> d.contains("q-dup-1"))).hasSize(1);
    }
}
