package dev.ecsa.local.mode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.local.lambda.FunctionSpec;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.lambda.StackOnBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * bin/bench-coldstart: the cold start of the service's functions from the zip against a naive SDK v2 handler
 * ({@code bench-baseline}), both under AWS's runtime interface client on the bench, each environment's JVM pinned
 * to one CPU. A cold start is the JVM's launch to the first invocation's answer: init (the handler's construction;
 * with SnapStart, what runs before the snapshot) plus the first invoke (a node request that the function records;
 * the reconciler's scheduled run). Each round starts one environment of each function and one of the baseline, in
 * alternating order, and pairs them; the figures are min, median and max over the rounds, with the ratio per pair.
 */
public final class ColdStartBench {

    /** The baseline's zip, built by the bench-baseline module. */
    static final String BASELINE_ZIP = "bench-baseline/target/ecsa-bench-baseline-lambda.zip";
    static final String BASELINE_HANDLER = "dev.ecsa.baseline.NaiveNodeRequestHandler::handleRequest";

    private record Sample(Duration init, Duration total, boolean ok) {
    }

    private record Subject(String name, FunctionSpec spec, Path zip, Supplier<String> event) {
    }

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = 5;
        String cpu = "1";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(value);
                case "--cpu" -> cpu = value;
                default -> {
                    System.err.println("usage: bin/bench-coldstart [--pairs N (5..50)] [--cpu N]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (pairs < 5 || pairs > 50) {
            System.err.println("bin/bench-coldstart: --pairs takes 5 to 50");
            System.exit(2);
        }
        Path repoRoot = Path.of(System.getProperty("ecsa.repo.root", ".")).toAbsolutePath().normalize();
        List<String> launcher = List.of("taskset", "-c", cpu);
        try (DeployedOnBench deployed = DeployedOnBench.start(new DeployedOnBench.Options(repoRoot, List.of(),
                Duration.ZERO, Duration.ofSeconds(900), Duration.ofSeconds(2), Map.of()))) {
            // Ctrl-C or a kill: the function JVMs, dynalite and the interpreter are child processes; stop them too.
            Thread cleanup = new Thread(deployed::close, "bench-coldstart-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            StackOnBench stack = deployed.stack();
            deployed.mapping().close(); // nothing polls the queue: the bench invokes the functions itself
            JsonNode template = stack.template();
            FunctionSpec nodeRequest = FunctionSpec.named(template, "NodeRequest");
            FunctionSpec reconcile = FunctionSpec.named(template, "Reconcile");
            Path zip = repoRoot.resolve(StackOnBench.ZIP);
            AtomicInteger sent = new AtomicInteger();
            Supplier<String> request = () -> stack.sqsEvent(List.of(message(sent.incrementAndGet())));
            List<Subject> subjects = List.of(
                    new Subject("NodeRequest", nodeRequest, zip, request),
                    new Subject("Reconcile", reconcile, zip, stack::scheduledEvent));
            Subject baseline = new Subject("naive SDK v2 handler", baselineSpec(nodeRequest),
                    repoRoot.resolve(BASELINE_ZIP), request);

            System.out.printf("bench-coldstart: %d pairs per function, each JVM on CPU %s (%s), %s%n", pairs, cpu,
                    String.join(" ", launcher), Runtime.version());
            // One unmeasured start of each, so that every measured one finds the zip unpacked and in the page cache.
            measure(stack, baseline, launcher);
            subjects.forEach(s -> measure(stack, s, launcher));

            Map<String, List<Sample[]>> results = new LinkedHashMap<>();
            for (int round = 0; round < pairs; round++) {
                for (Subject s : subjects) {
                    Sample[] pair = new Sample[2];
                    if (round % 2 == 0) {
                        pair[0] = measure(stack, s, launcher);
                        pair[1] = measure(stack, baseline, launcher);
                    } else {
                        pair[1] = measure(stack, baseline, launcher);
                        pair[0] = measure(stack, s, launcher);
                    }
                    results.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(pair);
                    System.out.printf("  round %d %-12s %6.2f s (init %5.2f s)   baseline %6.2f s (init %5.2f s)"
                                    + "   ratio %.2fx%s%n", round + 1, s.name(), seconds(pair[0].total()),
                            seconds(pair[0].init()), seconds(pair[1].total()), seconds(pair[1].init()),
                            ratio(pair), pair[0].ok() && pair[1].ok() ? "" : "   (an invocation failed)");
                }
            }
            System.out.println();
            System.out.printf("%-12s %28s %28s %22s%n", "function", "cold start min/median/max",
                    "baseline min/median/max", "ratio min/median/max");
            results.forEach((name, list) -> System.out.printf("%-12s %28s %28s %22s%n", name,
                    stats(list.stream().map(p -> seconds(p[0].total())).toList(), "s"),
                    stats(list.stream().map(p -> seconds(p[1].total())).toList(), "s"),
                    stats(list.stream().map(ColdStartBench::ratio).toList(), "x")));
        }
    }

    /** The baseline as a function of the stack: the node-request function's role, memory and timeout, its table. */
    private static FunctionSpec baselineSpec(FunctionSpec nodeRequest) {
        return new FunctionSpec("NaiveBaseline", BASELINE_HANDLER, nodeRequest.runtime(), nodeRequest.timeoutSeconds(),
                nodeRequest.memoryMb(), nodeRequest.logFormat(), nodeRequest.role(),
                Map.of(FunctionEnvironment.TABLE_NAME, nodeRequest.environment().get(FunctionEnvironment.TABLE_NAME)));
    }

    /** A deregistration of a node the inventory does not know: the function validates it and records the answer. */
    private static Message message(int n) {
        String body = "{\"action\":\"deregister\",\"requestId\":\"cold-" + n + "\",\"nodeId\":\"cold-node-" + n
                + "\",\"requestedBy\":\"bench-coldstart\"}";
        return Message.builder().messageId("cold-message-" + n).receiptHandle("rh-" + n).body(body)
                .md5OfBody("-").attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
                        MessageSystemAttributeName.MESSAGE_GROUP_ID, "cold-node-" + n))
                .build();
    }

    private static Sample measure(StackOnBench stack, Subject subject, List<String> launcher) {
        LambdaFunction fn = stack.startFrom(subject.zip(), subject.spec(), launcher);
        try {
            LambdaFunction.Invocation first = fn.invoke(subject.event().get());
            Duration total = Duration.ofNanos(System.nanoTime() - fn.launchedNanos());
            return new Sample(fn.initDuration().orElse(Duration.ZERO), total, first.ok());
        } finally {
            fn.close();
        }
    }

    private static double ratio(Sample[] pair) {
        return (double) pair[0].total().toNanos() / pair[1].total().toNanos();
    }

    private static String stats(List<Double> values, String unit) {
        List<Double> sorted = values.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("%.2f / %.2f / %.2f %s", sorted.get(0), median, sorted.get(sorted.size() - 1), unit);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
