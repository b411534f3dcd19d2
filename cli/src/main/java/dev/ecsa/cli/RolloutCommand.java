package dev.ecsa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ecsa.core.fleet.Admission;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutPlanner;
import dev.ecsa.core.fleet.RolloutStatus;
import dev.ecsa.core.fleet.RolloutValidator;
import dev.ecsa.core.fleet.TargetRun;
import dev.ecsa.store.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ecsa rollout start|status|pause|resume|cancel|approve}: one action rolled out to many nodes within budgets,
 * capacity and windows (docs/rollouts.md). {@code start} sends the rollout message and waits for the service to
 * record its plan; {@code status} reads the record; the controls send a rollout-control message and wait for the
 * record to show it.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Roll an action out to many nodes: start (deregister|upgrade|register NODE...), status [ID], "
                + "pause ID, resume ID, cancel ID, approve ID.")
final class RolloutCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VERB", description = "start, status, pause, resume, cancel or approve.")
    String verb;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGS",
            description = "start: the action and the nodes; status: the rollout id (none: the recent ones); "
                    + "the controls: the rollout id.")
    List<String> args = new ArrayList<>();

    @Mixin
    RolloutOptions options;

    @Option(names = "--id", paramLabel = "ID", description = "start: the rollout's id (generated when absent).")
    String id;

    @Option(names = "--requested-by", paramLabel = "WHO", description = "Who asks (default: cli:$USER).")
    String requestedBy;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Option(names = "--dry-run", description = "start: print the message and send nothing.")
    boolean dryRun;

    @Option(names = "--confirm-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Durations.Converter.class,
            description = "How long to wait for the service to record the rollout or the control (default "
                    + "${DEFAULT-VALUE}).")
    Duration confirmTimeout;

    @Override
    public Integer call() throws Exception {
        String v = verb.toLowerCase(Locale.ROOT);
        try (Connections connections = root.connect(backend)) {
            switch (v) {
                case "start" -> {
                    if (args.isEmpty()) {
                        throw CliException.usage("rollout start needs an action: deregister, upgrade or register");
                    }
                    return start(connections, args.get(0), args.subList(1, args.size()), false);
                }
                case "status" -> {
                    return status(connections, args.isEmpty() ? null : args.get(0));
                }
                case "pause", "resume", "cancel", "approve" -> {
                    if (args.size() != 1) {
                        throw CliException.usage("rollout " + v + " needs the rollout's id");
                    }
                    return control(connections, v, args.get(0));
                }
                default -> throw CliException.usage("unknown verb " + verb
                        + ": start, status, pause, resume, cancel or approve");
            }
        }
    }

    /** Sends a rollout (a dry run for {@code plan}), waits for its record, prints it. */
    int start(Connections connections, String action, List<String> nodes, boolean plan) throws Exception {
        Map<String, Object> body = options.body(action.toLowerCase(Locale.ROOT), nodes);
        if ("register".equals(body.get("nodeAction")) && !body.containsKey("registrations")) {
            registrationsOfLocalHosts(connections.backend(), body);
        }
        String rolloutId = id != null ? id : body.get("requestId") instanceof String s ? s
                : (plan ? "plan-" : "rollout-") + UUID.randomUUID().toString().substring(0, 8);
        body.put("requestId", rolloutId);
        String user = root.env.getOrDefault("USER", "operator");
        body.putIfAbsent("requestedBy", requestedBy != null ? requestedBy : "cli:" + (user.isBlank() ? "operator"
                : user));
        if (reason != null) {
            body.put("reason", reason);
        }
        if (plan) {
            body.put("dryRun", true);
        }
        RolloutValidator.Result valid = RolloutValidator.validate(body, java.util.Set.of());
        if (!valid.isValid()) {
            throw CliException.usage("the rollout is invalid, nothing was sent: " + valid.violations().stream()
                    .map(Object::toString).collect(Collectors.joining("; ")));
        }
        Printer printer = root.printer(output);
        String json = Json.mapper().writeValueAsString(body);
        if (dryRun) {
            printer.text("dry run, nothing sent. The message (MessageGroupId " + rolloutId + "):\n  " + json + "\n");
            return ExitCodes.OK;
        }
        if (connections.call("GetItem " + rolloutId, () -> connections.rollouts().get(rolloutId)).isPresent()) {
            throw CliException.usage("rollout id " + rolloutId + " is already used; nothing was sent: give a new --id");
        }
        send(connections, json, rolloutId);
        Optional<Rollout> recorded = await(connections, rolloutId, r -> true);
        if (recorded.isEmpty()) {
            printer.text("sent rollout " + rolloutId + "; not recorded yet: follow it with `ecsa rollout status "
                    + rolloutId + "`\n");
            return ExitCodes.OK;
        }
        print(printer, recorded.get(), true);
        return recorded.get().status() == RolloutStatus.REJECTED ? ExitCodes.REQUEST_FAILED : ExitCodes.OK;
    }

    /**
     * A registering rollout names its nodes; against the local mode each registration is the simulated host's
     * (address, port, SSH user, host key), with {@code --cluster} and {@code --attribute} set on every one of them.
     * Elsewhere the addresses come from {@code --file}.
     */
    static void registrationsOfLocalHosts(Backend backend, Map<String, Object> body) {
        Object named = body.remove("nodes");
        if (!(named instanceof List<?> nodes) || nodes.isEmpty()) {
            throw CliException.usage("rollout register needs the nodes to register, or --file with their "
                    + "registrations (docs/rollouts.md)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> selector = (Map<String, Object>) body.remove("selector");
        List<Map<String, Object>> registrations = new ArrayList<>();
        for (Object node : nodes) {
            Backend.LocalHost host = backend.hosts().get(String.valueOf(node));
            if (host == null) {
                throw CliException.usage(backend.hosts().isEmpty()
                        ? "rollout register needs each node's address: give --file with the registrations "
                        + "(docs/rollouts.md)"
                        : node + " is not a host of the local mode: " + String.join(", ", backend.hosts().keySet()));
            }
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("nodeId", host.nodeId());
            r.put("address", host.address());
            r.put("port", host.port());
            r.put("sshUser", host.sshUser());
            r.put("hostKeyFingerprint", host.hostKeyFingerprint());
            if (selector != null) {
                selector.forEach((field, value) -> {
                    if (!field.equals("cluster") && !field.equals("attributes")) {
                        throw CliException.usage("rollout register takes --cluster and --attribute for each "
                                + "registration; it selects no nodes from the inventory");
                    }
                    r.put(field, value);
                });
            }
            registrations.add(r);
        }
        body.put("registrations", registrations);
    }

    private int status(Connections connections, String rolloutId) throws JsonProcessingException {
        Printer printer = root.printer(output);
        if (rolloutId == null) {
            List<Rollout> recent = connections.call("Query rollouts", () -> connections.rollouts().recent(20));
            if (printer.structured()) {
                printer.document(Json.mapper().valueToTree(recent));
                return ExitCodes.OK;
            }
            Table t = new Table("ROLLOUT", "ACTION", "STATUS", "NODES", "DONE", "FAILED", "CREATED");
            for (Rollout r : recent) {
                t.row(r.id(), r.action() == null ? "-" : r.action().wireName(), r.status(), r.targets().size(),
                        r.count(TargetRun.State.SUCCEEDED), r.count(TargetRun.State.FAILED),
                        Durations.age(r.createdAt(), root.clock.instant()) + " ago");
            }
            printer.text(t.size() == 0 ? "no rollouts recorded\n" : t.render());
            return ExitCodes.OK;
        }
        Rollout r = connections.call("GetItem " + rolloutId, () -> connections.rollouts().get(rolloutId))
                .orElseThrow(() -> CliException.notFound("no rollout " + rolloutId));
        print(printer, r, r.status() == RolloutStatus.PLANNED);
        return ExitCodes.OK;
    }

    private int control(Connections connections, String control, String rolloutId) throws Exception {
        Rollout before = connections.call("GetItem " + rolloutId, () -> connections.rollouts().get(rolloutId))
                .orElseThrow(() -> CliException.notFound("no rollout " + rolloutId + "; nothing was sent"));
        if (before.status().finished()) {
            throw CliException.usage("rollout " + rolloutId + " has ended (" + before.status() + "); nothing was sent");
        }
        String user = root.env.getOrDefault("USER", "operator");
        Map<String, Object> body = Map.of("action", "rollout-control", "rolloutId", rolloutId, "control", control,
                "requestedBy", requestedBy != null ? requestedBy : "cli:" + (user.isBlank() ? "operator" : user));
        send(connections, Json.mapper().writeValueAsString(body), rolloutId);
        Predicate<Rollout> shows = switch (control) {
            case "pause" -> Rollout::pauseRequested;
            case "resume" -> r -> !r.pauseRequested();
            case "cancel" -> Rollout::cancelRequested;
            default -> r -> r.approvedBy() != null;
        };
        Optional<Rollout> after = await(connections, rolloutId, r -> r.version() > before.version() && shows.test(r));
        Printer printer = root.printer(output);
        printer.text(after.isPresent() ? control + " recorded on rollout " + rolloutId + " (" + after.get().status()
                + "); the workflow applies it at its next step\n" : "sent " + control + " for rollout " + rolloutId
                + "; not recorded yet: check with `ecsa rollout status " + rolloutId + "`\n");
        return ExitCodes.OK;
    }

    private void send(Connections connections, String json, String group) {
        connections.call("SendMessage", () -> connections.sqs().sendMessage(b -> b
                .queueUrl(connections.backend().queueUrl()).messageBody(json).messageGroupId(group)
                .messageDeduplicationId(group + "-" + UUID.randomUUID().toString().substring(0, 8))));
    }

    private Optional<Rollout> await(Connections connections, String rolloutId, Predicate<Rollout> until)
            throws InterruptedException {
        Instant deadline = root.clock.instant().plus(confirmTimeout);
        while (true) {
            Optional<Rollout> r = connections.call("GetItem " + rolloutId, () -> connections.rollouts().get(rolloutId));
            if (r.isPresent() && until.test(r.get())) {
                return r;
            }
            if (!root.clock.instant().isBefore(deadline)) {
                return Optional.empty();
            }
            Thread.sleep(250);
        }
    }

    /** The rollout as a person reads it: its status and counts, what holds it, its plan or its nodes. */
    void print(Printer printer, Rollout r, boolean asPlan) throws JsonProcessingException {
        if (printer.structured()) {
            printer.document(Json.mapper().valueToTree(r));
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append("rollout ").append(r.id()).append("  ").append(r.status());
        if (r.action() != null) {
            b.append("  ").append(r.action().wireName()).append(" of ").append(r.targets().size())
                    .append(" node(s) in ").append(r.batches()).append(" batch(es)");
        }
        b.append('\n');
        if (r.status() == RolloutStatus.REJECTED) {
            b.append("  rejected: ").append(r.haltReason()).append('\n');
            printer.text(b.toString());
            return;
        }
        b.append("  succeeded ").append(r.count(TargetRun.State.SUCCEEDED)).append(", failed ")
                .append(r.count(TargetRun.State.FAILED)).append(", in flight ").append(r.count(TargetRun.State.IN_FLIGHT))
                .append(", waiting ").append(r.count(TargetRun.State.WAITING)).append(", not started ")
                .append(r.count(TargetRun.State.NOT_STARTED)).append('\n');
        if (r.haltReason() != null) {
            b.append("  halted: ").append(r.haltReason()).append('\n');
        }
        for (Admission.Wait w : r.waits().stream().limit(5).toList()) {
            b.append("  waiting (").append(w.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(")")
                    .append(w.nodeId() == null ? "" : " " + w.nodeId()).append(": ").append(w.detail()).append('\n');
        }
        if (asPlan) {
            b.append("\nchecks now:\n");
            for (RolloutPlanner.Check c : r.plannedChecks()) {
                b.append("  ").append(c.passes() ? "ok    " : "WAITS ").append(c.name()).append(": ")
                        .append(c.detail()).append('\n');
            }
            Table t = new Table("BATCH", "NODES", "UNAVAILABLE AT MOST", "");
            int batches = r.batches();
            for (int n = 1; n <= batches; n++) {
                int batch = n;
                List<String> nodes = r.targets().stream().filter(x -> x.batch() == batch).map(TargetRun::nodeId)
                        .toList();
                // The predicted disruption: per cluster, the most container instances unavailable at once.
                String disruption = r.plannedDisruption().stream().map(d -> {
                    long in = r.targets().stream().filter(x -> x.batch() == batch && d.cluster().equals(x.cluster())
                            && x.containerInstanceArn() != null).count();
                    return in == 0 ? null : d.cluster() + " " + d.peakWith((int) in) + "/" + d.instances();
                }).filter(java.util.Objects::nonNull).collect(Collectors.joining(", "));
                t.row(n == 1 && nodes.size() < 2 && batches > 1 ? "1 (canary)" : n, nodes.size(),
                        disruption.isEmpty() ? "-" : disruption,
                        String.join(" ", nodes.subList(0, Math.min(6, nodes.size())))
                                + (nodes.size() > 6 ? " ..." : ""));
            }
            b.append('\n').append(t.render());
        } else {
            Table t = new Table("#", "BATCH", "NODE", "STATE", "OUTCOME", "DETAIL");
            for (TargetRun x : r.targets()) {
                String detail = x.detail() == null ? "" : x.detail();
                t.row(x.index(), x.batch(), x.nodeId(), x.state(), x.outcome(),
                        detail.length() > 60 ? detail.substring(0, 59) + "…" : detail);
            }
            b.append('\n').append(t.render());
        }
        if (!r.excluded().isEmpty()) {
            b.append("\nexcluded:\n");
            r.excluded().forEach(x -> b.append("  ").append(x.nodeId()).append(": ").append(x.reason()).append('\n'));
        }
        printer.text(b.toString());
    }
}
