package dev.ecsa.local.mode;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.store.Json;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sim.ContainerInstanceView;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The scripted tour {@code ./ecsa local demo} runs on a {@link LocalMode} with three hosts: register all three,
 * deregister {@code node-1} (its service task moves away, it drains and is removed), deregister {@code node-2} while a
 * standalone task pins it (the deadline passes and the drain is reverted), run a reconcile, and check every outcome.
 * Requests go through the queue exactly as the CLI sends them.
 */
public final class Demo {

    /** One expectation and what was found. */
    public record Check(String what, String expected, String actual, boolean passed) {
    }

    /** Every check, in order, and how long the demo took. */
    public record Result(List<Check> checks, Duration elapsed) {
        public boolean passed() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    private static final Duration REGISTER_TIMEOUT = Duration.ofMinutes(2);
    private static final String BLOCKING_FAMILY = "nightly-report";

    private final LocalMode mode;
    private final PrintStream out;
    private final List<Check> checks = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public Demo(LocalMode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    /** Runs the tour; needs the node-request function and at least three hosts. */
    public Result run() throws InterruptedException {
        if (mode.bench().hosts().size() < 3) {
            throw new IllegalStateException("the demo needs three hosts");
        }
        Instant start = Instant.now();
        List<SimulatedHost> hosts = mode.bench().hosts().subList(0, 3);
        try (SqsClient sqs = sqsClient()) {
            say("1. register node-1, node-2 and node-3 (SSH bootstrap, SSM activation, ECS registration)");
            Map<String, String> registrations = new LinkedHashMap<>();
            for (SimulatedHost host : hosts) {
                registrations.put(host.config().name(), send(sqs, register(host)));
            }
            for (Map.Entry<String, String> e : registrations.entrySet()) {
                RequestRecord r = await(e.getValue(), REGISTER_TIMEOUT);
                expect("register " + e.getKey(), Outcome.REGISTERED, r);
            }
            awaitServiceTasks(hosts);

            say("2. deregister node-1: its service task is replaced elsewhere, the drain completes, node-1 is removed");
            String first = send(sqs, deregister("node-1"));
            expect("deregister node-1", Outcome.DEREGISTERED, await(first, drainBudget()));
            NodeRecord node1 = mode.store().getNode("node-1").orElseThrow();
            check("node-1 state", NodeState.DEREGISTERED.name(), node1.state().name());
            check("node-1 in SSM", "deregistered", mode.bench().simulator().managedInstance(node1.managedInstanceId())
                    .map(mi -> mi.deregistered() ? "deregistered" : "registered").orElse("absent"));

            NodeRecord node2 = mode.store().getNode("node-2").orElseThrow();
            String blocker = mode.bench().simulator().runStandaloneTask(node2.cluster(), node2.containerInstanceArn(),
                    BLOCKING_FAMILY, "demo");
            say("3. deregister node-2 while standalone task " + shortId(blocker) + " (" + BLOCKING_FAMILY
                    + ") runs on it: draining never stops it, the " + mode.settings().drainTimeout().toSeconds()
                    + " s deadline passes and the drain is reverted");
            String second = send(sqs, deregister("node-2"));
            RequestRecord timedOut = await(second, drainBudget());
            expect("deregister node-2", Outcome.DRAIN_TIMED_OUT, timedOut);
            check("node-2 timeout names the task", "mentions " + BLOCKING_FAMILY,
                    timedOut.failure() != null && timedOut.failure().message().contains(BLOCKING_FAMILY)
                            ? "mentions " + BLOCKING_FAMILY : String.valueOf(timedOut.failure()));
            check("node-2 state", NodeState.REGISTERED.name(),
                    mode.store().getNode("node-2").orElseThrow().state().name());
            check("node-2 container instance", "ACTIVE", containerStatus(node2.containerInstanceArn()));

            say("4. reconcile");
            try {
                say("   " + mode.reconcileNow());
                // The inventory, SSM and ECS agree after these flows: nothing to report.
                check("reconcile findings", "0", mode.store().lastReconcileRun()
                        .map(r -> Integer.toString(r.totalFindings())).orElse("no run recorded"));
            } catch (Exception e) {
                check("reconcile findings", "0", "failed: " + e.getMessage());
            }
            check("node-3 state", NodeState.REGISTERED.name(),
                    mode.store().getNode("node-3").orElseThrow().state().name());
        } catch (DemoTimeout e) {
            checks.add(new Check(e.what, "completed", "still running after " + e.after.toSeconds() + " s", false));
        }
        Duration elapsed = Duration.between(start, Instant.now());
        printSummary(hosts, elapsed);
        return new Result(List.copyOf(checks), elapsed);
    }

    private void printSummary(List<SimulatedHost> hosts, Duration elapsed) {
        out.println();
        out.printf("%-8s %-14s %-19s %-18s %-40s%n", "NODE", "STATE", "CONTAINER INSTANCE", "LAST OUTCOME",
                "LAST REQUEST");
        for (SimulatedHost host : hosts) {
            Optional<NodeRecord> node = mode.store().getNode(host.config().name());
            String state = node.map(n -> n.state().name()).orElse("-");
            String container = node.map(NodeRecord::containerInstanceArn).map(this::containerStatus).orElse("-");
            String last = node.map(NodeRecord::lastRequestId).orElse("-");
            String outcome = node.map(NodeRecord::lastRequestId).flatMap(id -> mode.store().getRequest(id))
                    .map(r -> r.outcome() == null ? r.status().name() : r.outcome().name()).orElse("-");
            out.printf("%-8s %-14s %-19s %-18s %-40s%n", host.config().name(), state, container, outcome, last);
        }
        out.println();
        out.printf("%-32s %-24s %-24s %s%n", "CHECK", "EXPECTED", "ACTUAL", "");
        for (Check c : checks) {
            out.printf("%-32s %-24s %-24s %s%n", c.what(), c.expected(), c.actual(), c.passed() ? "ok" : "FAILED");
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        out.printf("%n%s: %d checks, %d failed, in %.1f s%n", failed == 0 && !checks.isEmpty() ? "PASSED" : "FAILED",
                checks.size(), failed, elapsed.toMillis() / 1000.0);
        out.flush();
    }

    // ---- requests ----

    private Map<String, Object> register(SimulatedHost host) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", "demo-" + run + "-reg-" + host.config().name());
        b.put("nodeId", host.config().name());
        b.put("address", host.address());
        b.put("port", host.port());
        b.put("sshUser", Bench.SSH_USER);
        b.put("hostKeyFingerprint", host.hostKeyFingerprint());
        b.put("requestedBy", "ecsa local demo");
        b.put("reason", "demo");
        return b;
    }

    private Map<String, Object> deregister(String nodeId) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "deregister");
        b.put("requestId", "demo-" + run + "-dereg-" + nodeId);
        b.put("nodeId", nodeId);
        b.put("requestedBy", "ecsa local demo");
        b.put("reason", "demo");
        return b;
    }

    private String send(SqsClient sqs, Map<String, Object> body) {
        String requestId = (String) body.get("requestId");
        try {
            String json = Json.mapper().writeValueAsString(body);
            sqs.sendMessage(b -> b.queueUrl(mode.bench().queues().queueUrl()).messageBody(json)
                    .messageGroupId((String) body.get("nodeId")).messageDeduplicationId(requestId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        say("   sent " + body.get("action") + " " + body.get("nodeId") + " (request " + requestId + ")");
        return requestId;
    }

    /** Waits for the request to complete, printing each new step. */
    private RequestRecord await(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int printed = 0;
        while (System.nanoTime() < deadline) {
            Optional<RequestRecord> r = mode.store().getRequest(requestId);
            if (r.isPresent()) {
                var steps = r.get().steps();
                for (; printed < steps.size(); printed++) {
                    say("     " + r.get().nodeId() + ": " + steps.get(printed).name());
                }
                if (r.get().completed()) {
                    RequestRecord done = r.get();
                    say("   " + done.nodeId() + " " + done.action().wireName() + ": " + done.outcome()
                            + (done.failure() == null ? "" : " (" + done.failure().reason() + ": "
                            + abbreviate(done.failure().message()) + ")"));
                    return done;
                }
            }
            Thread.sleep(250);
        }
        throw new DemoTimeout(requestId, timeout);
    }

    private void awaitServiceTasks(List<SimulatedHost> hosts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (SimulatedHost host : hosts) {
            NodeRecord node = mode.store().getNode(host.config().name()).orElse(null);
            if (node == null || node.containerInstanceArn() == null) {
                continue;
            }
            while (!mode.seeder().seeded(node.containerInstanceArn())) {
                if (System.nanoTime() > deadline) {
                    throw new DemoTimeout("service task on " + host.config().name(), Duration.ofSeconds(30));
                }
                Thread.sleep(100);
            }
        }
        say("   each node runs a task of service '" + TaskSeeder.SERVICE + "'");
    }

    private Duration drainBudget() {
        // The deadline, plus time for the checks, deregistration and cleanup around it.
        return mode.settings().drainTimeout().plus(Duration.ofSeconds(60));
    }

    private String containerStatus(String arn) {
        return mode.bench().simulator().containerInstance(arn).map(ContainerInstanceView::status).orElse("gone");
    }

    // ---- checks ----

    private void expect(String what, Outcome expected, RequestRecord actual) {
        check(what, expected.name(), actual.outcome() == null ? actual.status().name() : actual.outcome().name());
    }

    private void check(String what, String expected, String actual) {
        checks.add(new Check(what, expected, actual, expected.equals(actual)));
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String shortId(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 140 ? s : s.substring(0, 139) + "…";
    }

    private SqsClient sqsClient() {
        return SqsClient.builder().endpointOverride(mode.bench().sqs().endpoint())
                .region(Region.of(mode.bench().simulator().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static final class DemoTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String what;
        final Duration after;

        DemoTimeout(String what, Duration after) {
            super(what + " did not complete within " + after);
            this.what = what;
            this.after = after;
        }
    }
}
