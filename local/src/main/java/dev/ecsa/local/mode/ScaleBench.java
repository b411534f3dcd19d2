package dev.ecsa.local.mode;

import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.sqs.SqsEventSourcePoller;
import dev.ecsa.store.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bin/bench-scale}: the service as it deploys, on the bench, given a fleet at once. One host is registered and
 * deregistered alone first (the baseline, measured in the same run); then N registrations are sent at once, then N
 * deregistrations. Per phase it prints the wall time, its ratio to the one host's, p50 and p95 of the requests' own
 * times (received to finished, from their records), the simulator's throttling answers, the redeliveries and the
 * requests that did not end as they should. Stops by itself; a phase gives up after its bound.
 */
public final class ScaleBench {

    private static final Duration PHASE_BOUND = Duration.ofMinutes(30);

    private final DeployedOnBench deployed;
    private final SqsClient sqs;

    private ScaleBench(DeployedOnBench deployed) {
        this.deployed = deployed;
        Bench bench = deployed.bench();
        this.sqs = SqsClient.builder().endpointOverride(bench.sqs().endpoint())
                .region(Region.of(bench.simulator().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** One phase's figures. */
    record Phase(String name, int requests, Duration wall, Duration p50, Duration p95, long throttles,
                 Map<String, Long> throttledCalls, long redeliveries, List<String> failures,
                 Map<String, Integer> retried) {
    }

    public static void main(String[] args) throws Exception {
        int hosts = 10;
        int installSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--hosts" -> hosts = bounded("--hosts", value, 1, 249);
                case "--install-seconds" -> installSeconds = bounded("--install-seconds", value, 0, 600);
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        Path repoRoot = Path.of(System.getProperty("ecsa.repo.root", ".")).toAbsolutePath().normalize();
        List<HostConfig> configs = new ArrayList<>();
        configs.add(HostConfig.builder("solo").build());
        for (int i = 1; i <= hosts; i++) {
            configs.add(HostConfig.builder("scale-" + i).build());
        }
        Instant setup = Instant.now();
        try (DeployedOnBench deployed = DeployedOnBench.start(new DeployedOnBench.Options(repoRoot, configs,
                Duration.ofSeconds(installSeconds), Duration.ofSeconds(900), Duration.ofSeconds(2), Map.of()))) {
            // Ctrl-C or a kill: the function JVMs, dynalite and the interpreter are child processes; stop them too.
            Thread cleanup = new Thread(deployed::close, "bench-scale-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            ScaleBench bench = new ScaleBench(deployed);
            System.out.printf("bench-scale: %d hosts, install %d s, mapping concurrency %d (the template's), "
                            + "bench up in %d s%n", hosts, installSeconds, deployed.stack().nodeRequests().limit(),
                    Duration.between(setup, Instant.now()).toSeconds());
            List<String> solo = List.of("solo");
            List<String> fleet = configs.stream().skip(1).map(HostConfig::name).toList();
            Phase oneIn = bench.run("register 1", solo, bench::register, Outcome.REGISTERED);
            Phase oneOut = bench.run("deregister 1", solo, bench::deregister, Outcome.DEREGISTERED);
            Phase allIn = bench.run("register " + hosts, fleet, bench::register, Outcome.REGISTERED);
            Phase allOut = bench.run("deregister " + hosts, fleet, bench::deregister, Outcome.DEREGISTERED);
            System.out.println();
            System.out.printf("%-16s %5s %9s %7s %9s %9s %10s %13s %9s%n", "phase", "n", "wall", "ratio", "p50",
                    "p95", "throttled", "redeliveries", "failures");
            print(oneIn, oneIn);
            print(oneOut, oneOut);
            print(allIn, oneIn);
            print(allOut, oneOut);
            System.out.printf("node-request environments started: %d of %d%n",
                    deployed.stack().nodeRequests().environments().size(), deployed.stack().nodeRequests().limit());
            for (Phase p : List.of(oneIn, oneOut, allIn, allOut)) {
                if (!p.throttledCalls().isEmpty()) {
                    System.out.println("  " + p.name() + " throttled (each answer retried by the SDK): "
                            + p.throttledCalls());
                }
                p.failures().forEach(f -> System.out.println("  " + p.name() + " failed: " + f));
                p.retried().forEach((why, n) -> System.out.println("  " + p.name() + " retried " + n + "x: " + why));
            }
            bench.sqs.close();
        }
    }

    private interface Request {
        Map<String, Object> body(String requestId, String nodeId);
    }

    private Map<String, Object> register(String requestId, String nodeId) {
        SimulatedHost host = deployed.bench().host(nodeId);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", requestId);
        b.put("nodeId", nodeId);
        b.put("address", host.address());
        b.put("port", host.port());
        b.put("sshUser", Bench.SSH_USER);
        b.put("hostKeyFingerprint", host.hostKeyFingerprint());
        b.put("requestedBy", "bench-scale");
        return b;
    }

    private Map<String, Object> deregister(String requestId, String nodeId) {
        return Map.of("action", "deregister", "requestId", requestId, "nodeId", nodeId, "requestedBy", "bench-scale");
    }

    /** Sends one request per node at once and waits until each has an outcome (or the phase's bound passes). */
    private Phase run(String name, List<String> nodes, Request request, Outcome expected) throws Exception {
        SqsEventSourcePoller.Stats before = deployed.mapping().stats();
        long throttlesBefore = throttles();
        Map<String, Long> throttledBefore = deployed.bench().simulator().throttlingAnswersByOperation();
        String prefix = name.replace(' ', '-') + "-";
        Instant start = Instant.now();
        for (String node : nodes) {
            String requestId = prefix + node;
            sqs.sendMessage(b -> b.queueUrl(deployed.bench().queues().queueUrl())
                    .messageBody(json(request.body(requestId, node))).messageGroupId(node)
                    .messageDeduplicationId(requestId));
        }
        List<Duration> took = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> retried = new java.util.TreeMap<>();
        List<String> pending = new ArrayList<>(nodes);
        Instant bound = start.plus(PHASE_BOUND);
        while (!pending.isEmpty() && Instant.now().isBefore(bound)) {
            for (String node : List.copyOf(pending)) {
                Optional<RequestRecord> r = deployed.store().getRequest(prefix + node);
                if (r.isPresent() && r.get().completed()) {
                    pending.remove(node);
                    took.add(Duration.between(r.get().receivedAt(), r.get().finishedAt()));
                    // A delivery that failed retryably left its failed step in the trail: say what was retried.
                    r.get().steps().stream().filter(st -> st.result() == StepResult.FAILED)
                            .forEach(st -> retried.merge(st.name() + ": " + reasonOf(st.detail()), 1, Integer::sum));
                    if (r.get().outcome() != expected) {
                        failures.add(node + " " + r.get().outcome() + " " + r.get().failure());
                    }
                }
            }
            if (!pending.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        Duration wall = Duration.between(start, Instant.now());
        pending.forEach(node -> failures.add(node + " no outcome within " + PHASE_BOUND.toMinutes() + " min"));
        took.sort(null);
        SqsEventSourcePoller.Stats after = deployed.mapping().stats();
        Map<String, Long> throttled = new java.util.TreeMap<>();
        deployed.bench().simulator().throttlingAnswersByOperation().forEach((op, n) -> {
            long inPhase = n - throttledBefore.getOrDefault(op, 0L);
            if (inPhase > 0) {
                throttled.put(op.substring(op.indexOf('.') + 1), inPhase);
            }
        });
        return new Phase(name, nodes.size(), wall, percentile(took, 50), percentile(took, 95),
                throttles() - throttlesBefore, throttled, after.failed() - before.failed(), failures, retried);
    }

    /** The reason code at the head of a failed step's detail ("REASON: message"). */
    private static String reasonOf(String detail) {
        int colon = detail.indexOf(':');
        return colon > 0 ? detail.substring(0, colon) : detail;
    }

    /** ThrottlingException answers the simulator gave so far. */
    private long throttles() {
        return deployed.bench().simulator().throttlingAnswers();
    }

    private static Duration percentile(List<Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void print(Phase p, Phase baseline) {
        double ratio = baseline.wall().isZero() ? 0 : (double) p.wall().toMillis() / baseline.wall().toMillis();
        System.out.printf("%-16s %5d %8.1fs %6.2fx %8.1fs %8.1fs %10d %13d %9d%n", p.name(), p.requests(),
                seconds(p.wall()), ratio, seconds(p.p50()), seconds(p.p95()), p.throttles(), p.redeliveries(),
                p.failures().size());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String json(Object body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int bounded(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(String.valueOf(value));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the usage message below
        }
        usage(option + " takes a number from " + min + " to " + max);
        return min;
    }

    private static void usage(String problem) {
        System.err.println("bin/bench-scale: " + problem);
        System.err.println("usage: bin/bench-scale [--hosts N] [--install-seconds S]");
        System.exit(2);
    }
}
