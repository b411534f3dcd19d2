package dev.ecsa.local.mode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.NodeUpdate;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.local.Bench;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.lambda.LambdaFunction;
import dev.ecsa.local.sfn.StepFunctionsEmulator;
import dev.ecsa.local.sim.ContainerInstanceView;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.Fault;
import dev.ecsa.local.sim.Faults;
import dev.ecsa.local.sim.ManagedInstanceView;
import dev.ecsa.local.sim.PublishedEvent;
import dev.ecsa.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code bin/soak}: the service as it deploys, on the bench, under a seeded mix of requests and faults, checked at the
 * end against the bench's own ground truth (docs/soak.md).
 *
 * <p>The request mix: registrations, deregistrations with each timeout policy, restarts and upgrades (up or back
 * down, each timeout policy) of the agents, the same request id resent (same body, another body, another node), re-registrations, requests for unknown nodes, malformed and hostile bodies
 * (shell injection in every field, oversized, wrong types), back-to-back register and deregister of one node. The
 * faults: throttling, server errors and latency on every SSM, ECS, Secrets Manager and EventBridge operation; SSH
 * connections cut mid-script; hosts that go down while their node drains; host keys that change; node-request and
 * drain-step environments killed mid-request (SQS redelivers after the visibility timeout; the workflow retries
 * the Task); drain workflow executions stopped (the reconciler, run on the stack's schedule, closes them); concurrent
 * writes to node items, which make conditional claims conflict.
 *
 * <p>Everything random comes from the seed (the requests, which fault, where); the interleaving of threads does not,
 * so a replay repeats the same requests and faults, not necessarily the same timing.
 */
public final class Soak {

    /**
     * How to run.
     *
     * @param killEnvironments whether function environments are killed mid-request, and drain executions stopped, too:
     *                         each kill holds its message for the queue's visibility timeout (six minutes at the
     *                         smallest budget) and each stop its node until the reconciler's schedule, so the small
     *                         run in the test suite leaves them to the command (RoleGrantsIT kills one on purpose)
     * @param window           how many requests may wait for an outcome at once ({@link #DEFAULT_WINDOW} for the
     *                         command)
     */
    public record Settings(int requests, int hosts, double faultRate, long seed, Duration bound,
                           boolean killEnvironments, int window) {

        public Settings {
            if (requests < 1 || hosts < 2 || faultRate < 0 || faultRate > 0.5 || window < 1) {
                throw new IllegalArgumentException("requests >= 1, hosts >= 2, fault rate within 0..0.5, window >= 1");
            }
        }
    }

    /** What the run found; {@link #clean()} when every count the goal wants at zero is zero. */
    public record Report(long sent, long terminal, long inDlq, long lost, long duplicatedRegistrations,
                         long leakedActivations, long stateDisagreements, long eventsMissing, long eventsDuplicated,
                         long secretsFound, long canaries, long stuck, boolean timedOut, Map<String, Long> outcomes,
                         Map<String, Long> faults, Map<String, Long> nodeStates, List<String> details,
                         Duration took) {

        public boolean clean() {
            return lost == 0 && duplicatedRegistrations == 0 && leakedActivations == 0 && stateDisagreements == 0
                    && eventsMissing == 0 && eventsDuplicated == 0 && secretsFound == 0 && canaries == 0
                    && stuck == 0 && !timedOut && sent == terminal + inDlq;
        }

        public String render(Settings s) {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "soak: %d requests, %d hosts, fault rate %.2f, seed %d, window %d%s,"
                            + " %d s (%.0f requests/min)%s%n", s.requests(), s.hosts(), s.faultRate(), s.seed(),
                    s.window(),
                    s.killEnvironments() ? "" : ", no environment kills", took.toSeconds(),
                    sent * 60.0 / Math.max(1, took.toSeconds()), timedOut ? ", stopped by its time bound" : ""));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "requests sent", sent));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "requests in a terminal state", terminal));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "in the dead-letter queue", inDlq));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "lost (no record, not in the DLQ)", lost));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "duplicated registrations", duplicatedRegistrations));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "leaked activations", leakedActivations));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "recorded state disagrees with the bench",
                    stateDisagreements));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "outcome events missing", eventsMissing));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "outcome events duplicated", eventsDuplicated));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "activation codes found (logs/records/events)",
                    secretsFound));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "canary files created by injections", canaries));
            out.append(String.format(Locale.ROOT, "  %-44s %8d%n", "nodes left busy", stuck));
            out.append("  outcomes: ").append(outcomes).append('\n');
            out.append("  node states: ").append(nodeStates).append('\n');
            out.append("  faults injected: ").append(faults).append('\n');
            details.stream().limit(40).forEach(d -> out.append("  ! ").append(d).append('\n'));
            if (details.size() > 40) {
                out.append("  ! ... and ").append(details.size() - 40).append(" more\n");
            }
            out.append(clean() ? "soak: CLEAN\n" : "soak: FOUND PROBLEMS\n");
            return out.toString();
        }
    }

    /** One message sent: what the checks need to find its record. */
    private record Sent(String messageId, String requestId, String nodeId, String kind, Instant at) {
    }

    private static final String CANARY_PREFIX = "/tmp/ecsa-soak-canary-";
    private static final List<String> AGENT_PATHS = List.of("/var/lib/amazon/ssm", "/etc/ecs/ecs.config");
    /**
     * How many requests may wait for an outcome at once by default: the queue is fed, not flooded. 150 keeps this
     * machine's two cores busy (40, the earlier bound, left them half idle once the bench's queue stopped spinning).
     */
    public static final int DEFAULT_WINDOW = 150;
    /** The stack's reconcile schedule (EcsaConfig's default {@code rate(15 minutes)}). */
    private static final Duration SCHEDULE = Duration.ofMinutes(15);
    /** The schedule once every request is sent. */
    private static final Duration TAIL_SCHEDULE = Duration.ofMinutes(1);
    /** How often the requests waiting for an outcome are looked at. */
    private static final Duration SWEEP = Duration.ofMillis(500);
    /** The smallest budget the stack allows (EcsaConfig): a killed delivery's lease runs out soonest. */
    private static final int REGISTRATION_BUDGET_SECONDS =
            (int) dev.ecsa.core.register.RegistrationSettings.MIN_BUDGET.toSeconds();

    private final Settings settings;
    private final DeployedOnBench deployed;
    private final SqsClient sqs;
    private final Random requests;
    private final Random faultDice;
    private final List<String> nodes = new ArrayList<>();
    private final Map<String, String> knownKeys = new ConcurrentHashMap<>();
    private final Set<String> downHosts = ConcurrentHashMap.newKeySet();
    private final List<Sent> sent = new ArrayList<>();
    private final Map<String, Map<String, Object>> bodies = new HashMap<>();
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    /** The faults and the reconcile schedule go on until every request has settled (or the run's bound). */
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean allSent;
    private int counter;

    private Soak(Settings settings, DeployedOnBench deployed) {
        this.settings = settings;
        this.deployed = deployed;
        this.requests = new Random(settings.seed());
        this.faultDice = new Random(settings.seed() * 31 + 7);
        Bench bench = deployed.bench();
        this.sqs = SqsClient.builder().endpointOverride(bench.sqs().endpoint())
                .region(Region.of(bench.simulator().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        for (SimulatedHost h : bench.hosts()) {
            nodes.add(h.config().name());
            knownKeys.put(h.config().name(), h.hostKeyFingerprint());
        }
    }

    /** Starts the bench, runs the soak and returns what it found; everything is stopped afterwards. */
    public static Report run(Settings settings, Path repoRoot) throws Exception {
        List<HostConfig> configs = new ArrayList<>();
        for (int i = 1; i <= settings.hosts(); i++) {
            configs.add(HostConfig.builder("soak-" + i).build());
        }
        Instant start = Instant.now();
        // The stack with the smallest registration budget ecsa:registrationBudgetSeconds allows, and the queue
        // visibility the stack derives from it (one whole invocation and a minute): a message whose environment was
        // killed comes back after that, as SQS brings it back, when the dead delivery's lease has run out.
        int visibility = FunctionBudgets.queueVisibilitySeconds(
                FunctionBudgets.nodeRequestTimeoutSeconds(REGISTRATION_BUDGET_SECONDS));
        try (DeployedOnBench deployed = DeployedOnBench.start(new DeployedOnBench.Options(repoRoot, configs,
                Duration.ZERO, Duration.ofSeconds(visibility), Duration.ofSeconds(2),
                Map.of(FunctionEnvironment.REGISTRATION_BUDGET_SECONDS,
                        Integer.toString(REGISTRATION_BUDGET_SECONDS))))) {
            Thread cleanup = new Thread(deployed::close, "soak-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                Soak soak = new Soak(settings, deployed);
                return soak.execute(start);
            } finally {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
    }

    private Report execute(Instant start) throws Exception {
        Instant sendUntil = start.plus(settings.bound().multipliedBy(7).dividedBy(10));
        Instant hardStop = start.plus(settings.bound());
        armSimulatorFaults();
        Thread chaos = new Thread(this::chaos, "soak-faults");
        chaos.setDaemon(true);
        chaos.start();
        Thread reconciler = new Thread(this::schedule, "soak-schedule");
        reconciler.setDaemon(true);
        reconciler.start();
        boolean timedOut = false;
        List<Sent> open = new ArrayList<>();
        Instant nextProgress = Instant.now().plusSeconds(30);
        Instant nextSweep = Instant.now();
        while (counter < settings.requests()) {
            if (Instant.now().isAfter(sendUntil)) {
                timedOut = true;
                break;
            }
            nextProgress = progress(open, nextProgress);
            // Each look reads up to two records per open request: looked at twice a second, not after every send,
            // so the soak's own reads do not compete with the service for this machine's two cores.
            if (open.size() >= settings.window() || !Instant.now().isBefore(nextSweep)) {
                open.removeIf(this::settled);
                nextSweep = Instant.now().plus(SWEEP);
            }
            if (open.size() >= settings.window()) {
                Thread.sleep(SWEEP.toMillis());
                continue;
            }
            open.addAll(sendNext());
        }
        allSent = true;
        while (!open.isEmpty() && Instant.now().isBefore(hardStop)) {
            nextProgress = progress(open, nextProgress);
            open.removeIf(this::settled);
            Thread.sleep(250);
        }
        running.set(false);
        chaos.join(5_000);
        reconciler.join(60_000);
        deployed.bench().simulator().faults().clear();
        // The reconciler's run closes what an outage left (stuck operations, unrecorded activations by tag).
        deployed.stack().reconcileNow();
        waitForQuiet(hardStop.plus(Duration.ofMinutes(2)));
        timedOut |= sent.stream().anyMatch(s -> !settled(s));
        return check(Duration.between(start, Instant.now()), timedOut);
    }

    /** Every 30 s, one line on stderr: how far it got, and the request waiting longest. */
    private Instant progress(List<Sent> open, Instant due) {
        if (Instant.now().isBefore(due)) {
            return due;
        }
        Sent oldest = open.stream().min(java.util.Comparator.comparing(Sent::at)).orElse(null);
        System.err.printf(Locale.ROOT, "soak: %d of %d sent, %d waiting%s%n", counter, settings.requests(),
                open.size(), oldest == null ? "" : "; longest " + oldest.kind() + " " + oldest.requestId() + " for "
                        + Duration.between(oldest.at(), Instant.now()).toSeconds() + " s");
        return Instant.now().plusSeconds(30);
    }

    // --- requests ----------------------------------------------------------------------------------------------

    /** Sends the next request (or two, back to back) of the mix. */
    private List<Sent> sendNext() {
        int pick = requests.nextInt(100);
        String node = nodes.get(requests.nextInt(nodes.size()));
        if (pick < 34) {
            return List.of(send("register", register(node), node));
        }
        if (pick < 57) {
            return List.of(send("deregister", deregister(node), node));
        }
        if (pick < 60) {
            return List.of(send("restart", restart(node), node));
        }
        if (pick < 62) {
            return List.of(send("upgrade", upgrade(node), node));
        }
        if (pick < 66 && !bodies.isEmpty()) {
            Map<String, Object> again = earlierBody();
            return List.of(send("resend", again, String.valueOf(again.get("nodeId"))));
        }
        if (pick < 70 && !bodies.isEmpty()) {
            Map<String, Object> other = new LinkedHashMap<>(earlierBody());
            other.put("reason", "resent with another body");
            if ("register".equals(other.get("action"))) {
                other.put("port", 2222);
            }
            return List.of(send("resend-other-body", other, String.valueOf(other.get("nodeId"))));
        }
        if (pick < 72 && !bodies.isEmpty()) {
            Map<String, Object> other = new LinkedHashMap<>(earlierBody());
            String otherNode = nodes.get(requests.nextInt(nodes.size()));
            other.put("nodeId", otherNode);
            return List.of(send("reused-id-other-node", other, otherNode));
        }
        if (pick < 77) {
            String ghost = "ghost-" + requests.nextInt(1000);
            Map<String, Object> b = requests.nextBoolean() ? deregister(ghost) : register(ghost);
            if ("register".equals(b.get("action"))) {
                b.put("address", "127.0.0.1");
                b.put("port", 1); // nothing listens: unreachable until the last delivery
                b.remove("hostKeyFingerprint");
            }
            return List.of(send("unknown-node", b, ghost));
        }
        if (pick < 89) {
            return List.of(send("hostile", hostile(node), node));
        }
        if (pick < 95) {
            return List.of(sendRaw("malformed", malformed(), "soak-malformed-" + (counter % 4), null, null));
        }
        Sent in = send("back-to-back", register(node), node);
        if (counter >= settings.requests()) {
            return List.of(in);
        }
        return List.of(in, send("back-to-back", deregister(node), node));
    }

    private Map<String, Object> earlierBody() {
        List<String> ids = new ArrayList<>(bodies.keySet());
        ids.sort(null);
        return bodies.get(ids.get(requests.nextInt(ids.size())));
    }

    private String nextRequestId() {
        return String.format(Locale.ROOT, "soak-%d-%06d", settings.seed(), counter + 1);
    }

    private Map<String, Object> register(String node) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "register");
        b.put("requestId", nextRequestId());
        b.put("nodeId", node);
        Optional<SimulatedHost> host = host(node);
        b.put("address", host.map(SimulatedHost::address).orElse("127.0.0.1"));
        b.put("port", host.map(SimulatedHost::port).orElse(1));
        b.put("sshUser", Bench.SSH_USER);
        String key = knownKeys.get(node);
        if (key != null && requests.nextInt(10) < 7) {
            b.put("hostKeyFingerprint", key);
        }
        if (requests.nextBoolean()) {
            b.put("attributes", Map.of("rack", "r" + requests.nextInt(40)));
        }
        b.put("requestedBy", "soak");
        return b;
    }

    private Map<String, Object> restart(String node) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "restart");
        b.put("requestId", nextRequestId());
        b.put("nodeId", node);
        b.put("requestedBy", "soak");
        return b;
    }

    /** An upgrade to the newer or back to the installed versions (the bench's repository holds both). */
    private Map<String, Object> upgrade(String node) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "upgrade");
        b.put("requestId", nextRequestId());
        b.put("nodeId", node);
        boolean up = requests.nextBoolean();
        b.put("ecsAgentVersion", up ? AgentPackageRepository.NEWER_ECS_VERSION
                : AgentPackageRepository.INSTALLED_ECS_VERSION);
        if (requests.nextBoolean()) {
            b.put("ssmAgentVersion", up ? AgentPackageRepository.NEWER_SSM_VERSION
                    : AgentPackageRepository.INSTALLED_SSM_VERSION);
        }
        b.put("drainTimeoutSeconds", 60);
        b.put("onTimeout", List.of("revert", "force", "keep").get(requests.nextInt(3)));
        b.put("requestedBy", "soak");
        return b;
    }

    private Map<String, Object> deregister(String node) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("action", "deregister");
        b.put("requestId", nextRequestId());
        b.put("nodeId", node);
        switch (requests.nextInt(4)) {
            case 0 -> b.put("onTimeout", "revert");
            case 1 -> b.put("onTimeout", "force");
            case 2 -> b.put("onTimeout", "keep");
            default -> {
                // the stack's default policy
            }
        }
        if (requests.nextBoolean()) {
            b.put("drainTimeoutSeconds", 60);
        }
        b.put("requestedBy", "soak");
        return b;
    }

    /** A registration with one field replaced by a shell injection that would create a canary file. */
    private Map<String, Object> hostile(String node) {
        Map<String, Object> b = register(node);
        String canary = CANARY_PREFIX + settings.seed() + "-" + counter;
        List<String> attacks = List.of("$(touch " + canary + ")", "`touch " + canary + "`", "x; touch " + canary,
                "x\ntouch " + canary, "x' ; touch " + canary + " ; '", "x\" && touch " + canary + " #",
                "-oProxyCommand=touch " + canary, "${IFS}touch${IFS}" + canary);
        String attack = attacks.get(requests.nextInt(attacks.size()));
        List<String> fields = List.of("nodeId", "address", "sshUser", "cluster", "hostKeyFingerprint", "requestId",
                "requestedBy", "reason", "attributes", "tags", "port", "oversized", "wrongType");
        String field = fields.get(requests.nextInt(fields.size()));
        switch (field) {
            case "attributes" -> b.put("attributes", Map.of("rack", attack));
            case "tags" -> b.put("tags", Map.of(attack, "v"));
            case "port" -> b.put("port", attack);
            case "oversized" -> {
                Map<String, String> many = new LinkedHashMap<>();
                for (int i = 0; i < 5_000; i++) {
                    many.put("bad key " + i, attack);
                }
                b.put("attributes", many);
            }
            case "wrongType" -> {
                b.put("port", Map.of("n", 22));
                b.put("attributes", List.of(attack));
            }
            default -> b.put(field, attack);
        }
        return b;
    }

    private String malformed() {
        return switch (requests.nextInt(6)) {
            case 0 -> "{\"action\": \"register\", \"nodeId\": ";
            case 1 -> "[{\"action\": \"register\"}]";
            case 2 -> "\"register\"";
            case 3 -> "null";
            case 4 -> "{\"action\": \"register\", \"nodeId\": \"a\", \"nodeId\": \"b\"}";
            default -> "{\"action\": 42, \"requestId\": [], \"nodeId\": {}, \"requestedBy\": null}";
        };
    }

    private Sent send(String kind, Map<String, Object> body, String node) {
        Object id = body.get("requestId");
        String requestId = id instanceof String s ? s : null;
        if (requestId != null && !bodies.containsKey(requestId) && !kind.equals("hostile")) {
            bodies.put(requestId, body);
        }
        String group = node != null && node.matches("[A-Za-z0-9._-]{1,80}") ? node : "soak-misc";
        return sendRaw(kind, json(body), group, requestId, node);
    }

    private Sent sendRaw(String kind, String body, String group, String requestId, String node) {
        counter++;
        String dedup = "soak-" + settings.seed() + "-m" + counter;
        String messageId = sqs.sendMessage(b -> b.queueUrl(deployed.bench().queues().queueUrl()).messageBody(body)
                .messageGroupId(group).messageDeduplicationId(dedup)).messageId();
        Sent s = new Sent(messageId, requestId, node, kind, Instant.now());
        sent.add(s);
        return s;
    }

    /** Whether the message has a completed record (under its own id, or under the message's key). */
    private boolean settled(Sent s) {
        Optional<RequestRecord> byMessage = deployed.store().getRequest("sqs-" + s.messageId());
        if (byMessage.isPresent()) {
            return byMessage.get().completed();
        }
        if (s.requestId() != null && s.requestId().matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            Optional<RequestRecord> own = deployed.store().getRequest(s.requestId());
            return own.isPresent() && own.get().completed();
        }
        return false;
    }

    // --- faults ------------------------------------------------------------------------------------------------

    private void armSimulatorFaults() {
        Faults faults = deployed.bench().simulator().faults().seed(settings.seed());
        double r = settings.faultRate();
        for (String service : List.of(ControlPlaneSimulator.SSM_PREFIX, ControlPlaneSimulator.ECS_PREFIX,
                ControlPlaneSimulator.SECRETS_PREFIX, ControlPlaneSimulator.EVENTS_PREFIX)) {
            faults.failAtRate(service + ".*", Fault.throttling(), r / 2);
            faults.failAtRate(service + ".*", Fault.serverError(), r / 4);
            faults.failAtRate(service + ".*", Fault.latency(Duration.ofMillis(300)), r / 4);
        }
    }

    /** Every half second, maybe one fault, drawn from the seed. */
    private void chaos() {
        double r = settings.faultRate();
        while (running.get()) {
            try {
                Thread.sleep(500);
                double roll = faultDice.nextDouble();
                String node = nodes.get(faultDice.nextInt(nodes.size()));
                if (roll < r) {
                    cutConnection(node);
                } else if (roll < r * 1.5) {
                    meddle(node);
                } else if (roll < r * 1.525 && settings.killEnvironments()) {
                    List<LambdaFunction> envs = deployed.stack().nodeRequests().environments();
                    envs.get(faultDice.nextInt(envs.size())).crash();
                    count("node-request environments killed", 1);
                } else if (roll < r * 1.55 && settings.killEnvironments()) {
                    deployed.stack().drainStep().crash();
                    count("drain-step environments killed", 1);
                } else if (roll < r * 1.65) {
                    host(node).ifPresent(h -> {
                        knownKeys.put(node, h.replaceHostKey());
                        count("host keys changed", 1);
                    });
                } else if (roll < r * 1.75 && downHosts.size() < Math.max(1, settings.hosts() / 10)) {
                    takeDownWhileDraining(node);
                } else if (roll < r * 1.775 && settings.killEnvironments()) {
                    stopADrainExecution();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                count("fault injection errors", 1);
            }
        }
    }

    /**
     * Cuts SSH connections mid-script: those open now on a host that has some (the drawn node's if it does), else
     * the next one the drawn node's host serves. Cuts are counted by the hosts when they happen.
     */
    private void cutConnection(String node) {
        Optional<SimulatedHost> busy = host(node).filter(h -> h.openConnections() > 0);
        if (busy.isEmpty()) {
            List<SimulatedHost> open = nodes.stream().map(this::host).flatMap(Optional::stream)
                    .filter(h -> h.openConnections() > 0).toList();
            busy = open.isEmpty() ? Optional.empty() : Optional.of(open.get(faultDice.nextInt(open.size())));
        }
        if (busy.isPresent()) {
            busy.get().dropConnections();
        } else {
            host(node).ifPresent(SimulatedHost::cutNextConnection);
        }
    }

    /**
     * Another writer rewrites the node item without taking it (as the reconciler's notes do): the item's last update
     * moves, so a claim conditional on it (a redelivery taking over a registration) conflicts and looks again.
     */
    private void meddle(String node) {
        deployed.store().getNode(node).ifPresent(n -> {
            try {
                deployed.store().updateNode(node, n.state(), NodeUpdate.none());
                count("concurrent node-item writes", 1);
            } catch (RuntimeException e) {
                // the service moved the node meanwhile: no write this time
            }
        });
    }

    /**
     * Stops a running drain workflow execution as StopExecution does (an operator's stop, an execution past its
     * timeout): its node stays DRAINING or DEREGISTERING, its request IN_PROGRESS, until the reconciler's schedule finds
     * the execution ended and closes them. A drain with policy {@code force} is left running: the reconciler closes a
     * stopped force drain only with membership fixes on, and the soak keeps the stack's default (off) so that the
     * reconciler cannot mend what the soak checks.
     */
    private void stopADrainExecution() {
        StepFunctionsEmulator sfn = deployed.stack().stepFunctions();
        List<StepFunctionsEmulator.Running> executions = sfn.runningExecutions(deployed.stack().stateMachineArn())
                .stream().filter(e -> !"force".equalsIgnoreCase(e.input().path("policy").asText())).toList();
        if (!executions.isEmpty()) {
            sfn.stop(executions.get(faultDice.nextInt(executions.size())).executionArn(), "ecsa.SoakStopped",
                    "stopped by the soak");
            count("drain workflow executions stopped", 1);
        }
    }

    /**
     * The reconciler as the stack's EventBridge schedule runs it ({@code rate(15 minutes)}), and once a minute after the
     * last request was sent, so that the tail of a run does not wait a quarter of an hour for the requests of stopped
     * executions (each needs its node idle for the reconciler's grace, 5 minutes, first).
     */
    private void schedule() {
        Instant last = Instant.now();
        while (running.get()) {
            try {
                Thread.sleep(1_000);
                if (Instant.now().isBefore(last.plus(allSent ? TAIL_SCHEDULE : SCHEDULE))) {
                    continue;
                }
                last = Instant.now();
                deployed.stack().reconcileNow();
                count("scheduled reconciler runs", 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                count("scheduled reconciler runs failed", 1);
            }
        }
    }

    private void takeDownWhileDraining(String node) {
        Optional<NodeRecord> n = deployed.store().getNode(node);
        if (n.isPresent() && (n.get().state() == NodeState.DRAINING || n.get().state() == NodeState.DEREGISTERING)) {
            host(node).ifPresent(h -> {
                downHosts.add(node);
                h.close();
                count("hosts down during a drain", 1);
            });
        }
    }

    private void count(String what, long n) {
        if (n > 0) {
            injected.computeIfAbsent(what, k -> new AtomicLong()).addAndGet(n);
        }
    }

    /** The connections the node's host cut, counted also when it was taken down later. */
    private long cutsOn(String node) {
        try {
            return deployed.bench().host(node).connectionsCut();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private Optional<SimulatedHost> host(String node) {
        if (downHosts.contains(node)) {
            return Optional.empty();
        }
        try {
            return Optional.of(deployed.bench().host(node));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // --- the end -----------------------------------------------------------------------------------------------

    private void waitForQuiet(Instant until) throws InterruptedException {
        while (Instant.now().isBefore(until)) {
            boolean busy = nodes.stream().map(n -> deployed.store().getNode(n)).flatMap(Optional::stream)
                    .anyMatch(n -> n.state().isBusy());
            if (!busy) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private Report check(Duration took, boolean timedOut) throws IOException {
        List<String> details = new ArrayList<>();
        ControlPlaneSimulator sim = deployed.bench().simulator();

        // Messages: a completed record, or the DLQ.
        Set<String> dlq = drainDlq();
        long terminal = 0;
        long lost = 0;
        long inDlq = 0;
        Map<String, RequestRecord> records = new TreeMap<>();
        Map<String, Long> outcomes = new TreeMap<>();
        for (Sent s : sent) {
            Optional<RequestRecord> r = deployed.store().getRequest("sqs-" + s.messageId());
            if (r.isEmpty() && s.requestId() != null && s.requestId().matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
                r = deployed.store().getRequest(s.requestId());
            }
            if (r.isPresent() && r.get().completed()) {
                terminal++;
                records.put(r.get().requestId(), r.get());
            } else if (dlq.contains(s.messageId())) {
                inDlq++;
                details.add("in the DLQ: " + s.kind() + " " + s.requestId());
            } else {
                lost++;
                details.add("no outcome: " + s.kind() + " " + s.requestId() + " (message " + s.messageId() + ")"
                        + r.map(x -> " record " + x.status()).orElse(" no record"));
            }
        }
        records.values().forEach(r -> outcomes.merge(r.action().wireName() + " " + r.outcome()
                + (r.failure() == null ? "" : " " + r.failure().reason()), 1L, Long::sum));

        // Ground truth: SSM and ECS.
        List<ManagedInstanceView> managed = sim.allManagedInstances();
        List<ContainerInstanceView> containers = sim.allContainerInstances();
        long duplicated = 0;
        long disagreements = 0;
        long stuck = 0;
        Map<String, Long> nodeStates = new TreeMap<>();
        for (String node : nodes) {
            List<ManagedInstanceView> liveMi = managed.stream()
                    .filter(m -> node.equals(m.name()) && !m.deregistered()).toList();
            List<ContainerInstanceView> liveCi = containers.stream()
                    .filter(c -> node.equals(c.attributes().get("ecsa.nodeId")) && !c.status().equals("INACTIVE"))
                    .toList();
            if (liveMi.size() > 1 || liveCi.size() > 1) {
                duplicated++;
                details.add("duplicated registration of " + node + ": " + liveMi.size() + " managed, "
                        + liveCi.size() + " container instances");
            }
            Optional<NodeRecord> item = deployed.store().getNode(node);
            String state = item.map(n -> n.state().name()).orElse("(none)");
            nodeStates.merge(state, 1L, Long::sum);
            if (item.isPresent() && item.get().state().isBusy()) {
                stuck++;
                details.add(node + " left " + state + " for " + item.get().lastRequestId());
                continue;
            }
            String disagreement = disagreement(item.orElse(null), liveMi, liveCi);
            if (disagreement != null) {
                disagreements++;
                details.add(node + " is recorded " + state + " but " + disagreement + " (last request "
                        + item.map(NodeRecord::lastRequestId).orElse("-") + ", last error "
                        + item.map(n -> String.valueOf(n.lastError())).orElse("-") + ")");
            }
        }

        // Activations: none may be left once every request ended (the service deletes each after use).
        long leaked = sim.liveActivations().size();
        sim.liveActivations().forEach(a -> details.add("activation left: " + a.activationId() + " for "
                + a.defaultInstanceName() + ", expires " + a.expirationDate()));

        // Events: one outcome event per completed request.
        Map<String, Map<String, Long>> events = new HashMap<>();
        for (PublishedEvent e : sim.events()) {
            JsonNode detail = Json.mapper().readTree(e.detail());
            // A rejection recorded under the message's key carries the producer's request id and names the key:
            // it is that record's event, not the id's owner's.
            String message = detail.path("message").asText("");
            int at = message.indexOf("Recorded under sqs-");
            String id = at >= 0 && message.startsWith("Request id ")
                    ? message.substring(at + "Recorded under ".length()).replaceAll("[.)]+$", "")
                    : detail.path("requestId").asText("");
            events.computeIfAbsent(id, k -> new HashMap<>()).merge(e.detailType(), 1L, Long::sum);
        }
        long missing = 0;
        long duplicatedEvents = 0;
        for (RequestRecord r : records.values()) {
            String expected = expectedEvent(r);
            long n = events.getOrDefault(r.requestId(), Map.of()).getOrDefault(expected, 0L);
            if (n == 0) {
                missing++;
                details.add("no " + expected + " for " + r.requestId() + " (" + r.outcome() + ")");
            } else if (n > 1) {
                duplicatedEvents++;
                details.add(n + "x " + expected + " for " + r.requestId() + " (" + kinds(r.requestId()) + ")");
            }
        }

        // Secrets: no activation code in any log line, record or event.
        List<String> codes = sim.issuedActivationCodes();
        StringBuilder haystack = new StringBuilder();
        sent.forEach(x -> haystack.append("sent ").append(x).append('\n'));
        Stream.of(deployed.stack().nodeRequests().log(), deployed.stack().drainStep().log(),
                deployed.stack().reconcile().log()).flatMap(List::stream).forEach(l -> haystack.append(l).append('\n'));
        records.values().forEach(r -> haystack.append(r).append('\n'));
        nodes.forEach(n -> deployed.store().getNode(n).ifPresent(x -> haystack.append(x).append('\n')));
        sim.events().forEach(e -> haystack.append(e.detail()).append('\n'));
        String all = haystack.toString();
        long secrets = codes.stream().filter(all::contains).count();
        if (secrets > 0) {
            details.add(secrets + " activation codes found in logs, records or events");
        }

        // Canaries: an injection that reached a shell would have created one, here or on a host.
        long canaries;
        try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
            canaries = tmp.filter(p -> p.toString().startsWith(CANARY_PREFIX + settings.seed() + "-")).count();
        }
        for (String node : nodes) {
            if (host(node).isPresent()) {
                String out = host(node).get().exec("ls -d " + CANARY_PREFIX + "* 2>/dev/null; true").stdout();
                canaries += out.lines().filter(l -> !l.isBlank()).count();
            }
        }
        Path log = Path.of("target", "soak-" + settings.seed() + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, all);
        details.add(0, "function logs, records and events: " + log.toAbsolutePath());
        Map<String, Long> faults = new TreeMap<>();
        injected.forEach((k, v) -> faults.put(k, v.get()));
        long cut = nodes.stream().mapToLong(this::cutsOn).sum();
        if (cut > 0) {
            faults.put("ssh connections cut", cut);
        }
        faults.put("throttling answers (simulator)", sim.throttlingAnswers());
        return new Report(sent.size(), terminal, inDlq, lost, duplicated, leaked, disagreements, missing,
                duplicatedEvents, secrets, canaries, stuck, timedOut, outcomes, faults, nodeStates, details, took);
    }

    /** The kinds of the messages sent under a request id (or whose message key it is). */
    private String kinds(String key) {
        return sent.stream().filter(s -> key.equals(s.requestId()) || key.equals("sqs-" + s.messageId()))
                .map(Sent::kind).toList().toString();
    }

    /** What the bench shows that the node's record does not say, or {@code null} when they agree. */
    private String disagreement(NodeRecord node, List<ManagedInstanceView> liveMi, List<ContainerInstanceView> liveCi) {
        NodeState state = node == null ? null : node.state();
        if (state == NodeState.REGISTERED) {
            boolean mi = liveMi.stream().anyMatch(m -> m.instanceId().equals(node.managedInstanceId()));
            boolean ci = liveCi.stream().anyMatch(c -> c.containerInstanceArn().equals(node.containerInstanceArn())
                    && c.status().equals("ACTIVE"));
            if (!mi || !ci) {
                return (mi ? "" : "SSM does not list " + node.managedInstanceId() + " ")
                        + (ci ? "" : "ECS does not list " + node.containerInstanceArn() + " as ACTIVE");
            }
            if (host(node.nodeId()).isPresent() && !agentPaths(node.nodeId()).containsAll(AGENT_PATHS)) {
                return "its host has no agents";
            }
            return null;
        }
        if (state == NodeState.DRAIN_KEPT) {
            return liveCi.stream().anyMatch(c -> c.status().equals("DRAINING")) ? null
                    : "ECS shows no DRAINING container instance";
        }
        if (state == NodeState.DEREGISTRATION_FAILED) {
            return null; // recorded as needing a person; what is left in AWS is in its last error
        }
        if (state == NodeState.REGISTRATION_FAILED
                && liveMi.stream().allMatch(m -> m.instanceId().equals(node.managedInstanceId()))
                && liveCi.stream().allMatch(c -> c.containerInstanceArn().equals(node.containerInstanceArn()))) {
            return null; // what the failed registration left is recorded: a deregistration removes it
        }
        // DEREGISTERED, REGISTRATION_FAILED or never registered: nothing of it may be left in AWS.
        if (!liveMi.isEmpty() || !liveCi.isEmpty()) {
            return "SSM lists " + liveMi.stream().map(ManagedInstanceView::instanceId).toList() + " and ECS "
                    + liveCi.stream().map(c -> c.containerInstanceArn() + " " + c.status()).toList();
        }
        if (state == NodeState.DEREGISTERED && node.lastError() == null && host(node.nodeId()).isPresent()
                && !agentPaths(node.nodeId()).isEmpty()) {
            return "its host still has " + agentPaths(node.nodeId()) + " although it was recorded as cleaned";
        }
        return null;
    }

    private List<String> agentPaths(String node) {
        String script = "for p in " + String.join(" ", AGENT_PATHS) + "; do [ -e \"$p\" ] && echo \"$p\"; done; true";
        return host(node).map(h -> h.exec(script).stdout().lines().filter(l -> !l.isBlank()).toList())
                .orElse(List.of());
    }

    private static String expectedEvent(RequestRecord r) {
        Outcome o = r.outcome();
        boolean register = r.action() == Action.REGISTER;
        if (o == Outcome.REJECTED) {
            return r.failure() != null && r.failure().reason().name().equals("HOST_KEY_CHANGED")
                    ? "NodeRegistrationFailed" : "NodeRequestRejected";
        }
        if (r.action() == Action.RESTART) {
            return o == Outcome.AGENTS_RESTARTED ? "NodeAgentsRestarted" : "NodeAgentsRestartFailed";
        }
        if (r.action() == Action.UPGRADE) {
            return switch (o) {
                case UPGRADED -> "NodeUpgraded";
                case DRAIN_TIMED_OUT, DRAIN_KEPT -> "NodeDrainTimedOut";
                default -> "NodeUpgradeFailed";
            };
        }
        return switch (o) {
            case REGISTERED, ALREADY_REGISTERED -> "NodeRegistered";
            case DEREGISTERED, FORCE_DEREGISTERED, ALREADY_GONE -> "NodeDeregistered";
            case DRAIN_TIMED_OUT, DRAIN_KEPT -> "NodeDrainTimedOut";
            default -> register ? "NodeRegistrationFailed" : "NodeDeregistrationFailed";
        };
    }

    /** Receives everything in the DLQ; returns the original message ids (SQS keeps them on a redrive). */
    private Set<String> drainDlq() {
        Set<String> ids = new HashSet<>();
        String url = deployed.bench().queues().dlqUrl();
        for (int empty = 0; empty < 2; ) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(600)).messages();
            if (batch.isEmpty()) {
                empty++;
            }
            batch.forEach(m -> ids.add(m.messageId()));
        }
        return ids;
    }

    private static String json(Object body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    // --- the command -------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        int requests = 1000;
        int hosts = 20;
        double faultRate = 0.1;
        long seed = 1;
        int minutes = 50;
        boolean kills = true;
        int window = DEFAULT_WINDOW;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            if (args[i].equals("--no-kills")) {
                kills = false;
                i--;
                continue;
            }
            try {
                switch (args[i]) {
                    case "--requests" -> requests = Integer.parseInt(value);
                    case "--hosts" -> hosts = Integer.parseInt(value);
                    case "--fault-rate" -> faultRate = Double.parseDouble(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--minutes" -> minutes = Integer.parseInt(value);
                    case "--window" -> window = Integer.parseInt(value);
                    default -> usage("unknown option " + args[i]);
                }
            } catch (NumberFormatException e) {
                usage(args[i] + " takes a number");
            }
        }
        Settings settings;
        try {
            settings = new Settings(requests, hosts, faultRate, seed, Duration.ofMinutes(minutes), kills, window);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        Path repoRoot = Path.of(System.getProperty("ecsa.repo.root", ".")).toAbsolutePath().normalize();
        Report report = run(settings, repoRoot);
        System.out.print(report.render(settings));
        System.exit(report.clean() ? 0 : 1);
    }

    private static void usage(String problem) {
        System.err.println("bin/soak: " + problem);
        System.err.println("usage: bin/soak [--requests N] [--hosts H] [--fault-rate 0..0.5] [--seed S] [--minutes M]"
                + " [--window W] [--no-kills]");
        System.exit(2);
    }
}
