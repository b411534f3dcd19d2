package dev.ecsa.it.localmode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.Json;
import dev.ecsa.local.Bench;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.mode.LocalMode;
import dev.ecsa.local.mode.LocalModeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A register and a deregister for the same node, sent back to back, are applied in that order: they share the FIFO
 * message group (the node id), so the deregister is not delivered until the register's message is gone, and it then
 * finds a registered node to drain. Runs on the local mode: real queue, poller, handlers, drain workflow.
 */
class RequestOrderIT {

    @TempDir
    static Path dir;
    static LocalMode mode;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        mode = LocalMode.start(LocalModeSettings.defaults(DynaliteServer.locateRepoRoot()).withHosts(1)
                .withStateFile(dir.resolve("local.json")));
        sqs = SqsClient.builder().endpointOverride(mode.bench().sqs().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (mode != null) {
            mode.close();
        }
    }

    @Test
    void aDeregisterSentRightAfterARegisterWaitsForIt() throws Exception {
        SimulatedHost host = mode.bench().hosts().get(0);
        String node = host.config().name();
        Map<String, Object> register = new LinkedHashMap<>();
        register.put("action", "register");
        register.put("requestId", "order-reg");
        register.put("nodeId", node);
        register.put("address", host.address());
        register.put("port", host.port());
        register.put("sshUser", Bench.SSH_USER);
        register.put("hostKeyFingerprint", host.hostKeyFingerprint());
        register.put("requestedBy", "RequestOrderIT");
        register.put("reason", "back to back");
        Map<String, Object> deregister = new LinkedHashMap<>();
        deregister.put("action", "deregister");
        deregister.put("requestId", "order-dereg");
        deregister.put("nodeId", node);
        // If the only node's service task is already placed it has nowhere to go: force ends the drain at the deadline.
        deregister.put("onTimeout", "force");
        deregister.put("requestedBy", "RequestOrderIT");
        deregister.put("reason", "back to back");

        send(register);
        send(deregister);

        RequestRecord registered = await("order-reg", Duration.ofSeconds(90));
        RequestRecord deregistered = await("order-dereg", Duration.ofSeconds(120));

        assertThat(registered.outcome()).isEqualTo(Outcome.REGISTERED);
        // Drained at once if the local mode had not yet placed its service task on the node, else forced at the
        // deadline: either way a deregistration of a registered node, never NOT_REGISTERED.
        assertThat(deregistered.outcome()).isIn(Outcome.DEREGISTERED, Outcome.FORCE_DEREGISTERED);
        Instant registerDone = registered.finishedAt();
        Instant firstDeregisterStep = deregistered.steps().stream().map(Step::startedAt).min(Instant::compareTo)
                .orElseThrow();
        assertThat(firstDeregisterStep).isAfterOrEqualTo(registerDone);
        assertThat(mode.store().getNode(node).orElseThrow().state()).isEqualTo(NodeState.DEREGISTERED);
        // Every call the functions made, from the zip, was allowed by their roles' policies from the template.
        assertThat(mode.stack().iam().authorizer().decisions()).isNotEmpty();
        assertThat(mode.stack().iam().authorizer().denials()).isEmpty();
    }

    private static void send(Map<String, Object> body) throws Exception {
        String json = Json.mapper().writeValueAsString(body);
        sqs.sendMessage(b -> b.queueUrl(mode.bench().queues().queueUrl()).messageBody(json)
                .messageGroupId((String) body.get("nodeId")).messageDeduplicationId((String) body.get("requestId")));
    }

    private static RequestRecord await(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<RequestRecord> r = mode.store().getRequest(requestId);
            if (r.isPresent() && r.get().completed()) {
                return r.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("request " + requestId + " did not complete within " + timeout);
    }
}
