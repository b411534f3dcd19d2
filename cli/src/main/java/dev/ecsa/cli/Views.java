package dev.ecsa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.deregister.CheckDrain;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.model.NodeHealth;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.store.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How nodes, requests and steps are shown: as tables for people and as JSON for scripts. Pure functions of the
 * records and the current time.
 */
final class Views {

    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d*:[^\\s,;()\\]]*[/:]([A-Za-z0-9._-]+)");
    /** An instant as the service records it, with its fraction of a second. */
    private static final Pattern FRACTION = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\.\\d+Z");
    /** A step replayed in place, numbered: CheckDrain's {@code check N: <what it found>}. */
    private static final Pattern NUMBERED_CHECK = Pattern.compile("check (\\d+): (.*)", Pattern.DOTALL);
    /** A bracketed list in a step's detail: {@code [unit:ecs, path:/etc/ecs, ...]}. */
    private static final Pattern LIST = Pattern.compile("\\[([^\\[\\]]*)]");
    /** How many items of a list a step line shows before "+N more". */
    private static final int LIST_ITEMS = 3;

    private Views() {
    }

    /** A node and the request that last moved it (if it is still stored). */
    record NodeView(NodeRecord node, Optional<RequestRecord> lastRequest) {
    }

    // ---- status ----

    static String statusTable(List<NodeView> nodes, Instant now, Printer p) {
        Table t = p.wide()
                ? new Table("NODE", "STATE", "CLUSTER", "MANAGED INSTANCE", "CONTAINER INSTANCE", "ADDRESS",
                        "ECS AGENT", "SSM AGENT", "DOCKER", "PLATFORM", "ATTRIBUTES", "LAST OUTCOME", "LAST ERROR",
                        "AGE")
                : new Table("NODE", "STATE", "CLUSTER", "MANAGED INSTANCE", "CONTAINER INSTANCE", "LAST OUTCOME",
                        "AGE");
        for (NodeView v : nodes) {
            NodeRecord n = v.node();
            String outcome = lastOutcome(v);
            if (p.wide()) {
                String address = n.address() == null ? null : n.address() + (n.port() == 22 ? "" : ":" + n.port());
                String error = n.lastError() == null ? null : n.lastError().reason().name();
                t.row(n.nodeId(), p.state(n.state().name()), n.cluster(), n.managedInstanceId(),
                        shortArn(n.containerInstanceArn()), address, n.agentVersions().ecsAgent(),
                        n.agentVersions().ssmAgent(), n.agentVersions().docker(), platform(n.agentVersions()),
                        attributes(n), p.state(outcome), error,
                        Durations.age(n.stateChangedAt(), now));
            } else {
                t.row(n.nodeId(), p.state(n.state().name()), n.cluster(), n.managedInstanceId(),
                        shortArn(n.containerInstanceArn()), p.state(outcome), Durations.age(n.stateChangedAt(), now));
            }
        }
        return t.render();
    }

    /** {@code status}'s JSON, one shape with or without NODE: {@code {"nodes": [...]}}. */
    static JsonNode statusJson(List<NodeView> nodes, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode out = o.putArray("nodes");
        for (NodeView v : nodes) {
            out.add(nodeJson(v, now));
        }
        return o;
    }

    /** One node in full, as {@code ecsa status NODE} prints it: every field, the last request and the last error. */
    static String nodeDetail(NodeView v, Instant now, Printer p) {
        NodeRecord n = v.node();
        StringBuilder b = new StringBuilder();
        field(b, "node", n.nodeId());
        field(b, "state", p.state(n.state().name()) + "  (since " + Durations.instant(n.stateChangedAt()) + ", "
                + Durations.age(n.stateChangedAt(), now) + " ago)");
        field(b, "cluster", n.cluster());
        field(b, "managed instance", n.managedInstanceId());
        field(b, "container instance", n.containerInstanceArn());
        field(b, "address", n.address() == null ? null : n.sshUser() + "@" + n.address() + ":" + n.port());
        field(b, "host key", n.hostKeyFingerprint());
        String agents = String.join(", ", Stream.of(
                n.agentVersions().ecsAgent() == null ? null : "ecs-agent " + n.agentVersions().ecsAgent(),
                n.agentVersions().ecsInit() == null ? null : "ecs-init " + n.agentVersions().ecsInit(),
                n.agentVersions().ssmAgent() == null ? null : "amazon-ssm-agent " + n.agentVersions().ssmAgent(),
                n.agentVersions().docker() == null ? null : "docker " + n.agentVersions().docker())
                .filter(Objects::nonNull).toList());
        field(b, "agents", agents + (agents.isEmpty() || n.agentVersions().observedAt() == null ? ""
                : "  (as of " + Durations.instant(n.agentVersions().observedAt()) + ")"));
        field(b, "platform", platform(n.agentVersions()));
        field(b, "attributes", attributes(n));
        field(b, "health", health(n.health(), p));
        if (v.lastRequest().isPresent()) {
            RequestRecord r = v.lastRequest().get();
            String result = r.outcome() != null ? p.state(r.outcome().name()) : r.status().name();
            field(b, "last request", r.requestId() + "  " + r.action().wireName() + " " + result + "  received "
                    + Durations.instant(r.receivedAt()) + (r.requestedBy().isEmpty() ? "" : " by " + r.requestedBy()));
            if (r.failure() != null) {
                field(b, "  failure", r.failure().reason() + ": " + r.failure().message());
            }
        } else if (n.lastRequestId() != null) {
            field(b, "last request", n.lastRequestId() + " (no longer stored)");
        }
        if (n.lastError() != null) {
            field(b, "last error", p.red(n.lastError().reason().name()) + ": "
                    + n.lastError().message());
            // GitHub's anchor for the heading "## HOST_UNREACHABLE".
            field(b, "what to do", "docs/troubleshooting.md#" + n.lastError().reason().name().toLowerCase(Locale.ROOT));
        } else {
            field(b, "last error", "none");
        }
        field(b, "updated", Durations.instant(n.updatedAt()) + "  (version " + n.version() + ")");
        b.append(p.dim("history: ecsa history " + n.nodeId())).append('\n');
        return b.toString();
    }

    /** What the reconciler's repair saw and did, or {@code null} while there is nothing to say. */
    private static String health(NodeHealth h, Printer p) {
        if (h.isNone()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (h.unhealthySince() != null) {
            parts.add(p.red("unhealthy") + " since " + h.unhealthySince() + " (" + h.problem() + ")");
        }
        if (h.quarantined()) {
            parts.add("quarantined by the repair since " + h.quarantinedAt());
        }
        if (h.healthySince() != null) {
            parts.add("healthy again since " + h.healthySince() + ", released once it stays so");
        }
        return String.join("; ", parts);
    }

    /** {@code Ubuntu 22.04}, or {@code null} when SSM has not reported it. */
    private static String platform(AgentVersions v) {
        if (v.platformName() == null) {
            return null;
        }
        return v.platformVersion() == null ? v.platformName() : v.platformName() + " " + v.platformVersion();
    }

    // ---- versions ----

    /**
     * The registered nodes counted per version of each component, in the order components are listed; a node with no
     * recorded version of a component counts under {@code unknown}.
     */
    record FleetVersions(int nodes, Map<String, Map<String, Integer>> counts, ReconcileRun lastRun,
                         List<Finding> behind) {

        static final List<String> COMPONENTS = List.of("ecs-agent", "ecs-init", "ssm-agent", "docker", "platform");

        static FleetVersions of(List<NodeRecord> nodes, ReconcileRun lastRun, List<Finding> behind) {
            Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
            COMPONENTS.forEach(c -> counts.put(c, new TreeMap<>()));
            for (NodeRecord n : nodes) {
                AgentVersions v = n.agentVersions();
                count(counts, "ecs-agent", v.ecsAgent());
                count(counts, "ecs-init", v.ecsInit());
                count(counts, "ssm-agent", v.ssmAgent());
                count(counts, "docker", v.docker());
                count(counts, "platform", platform(v));
            }
            return new FleetVersions(nodes.size(), counts, lastRun, List.copyOf(behind));
        }

        private static void count(Map<String, Map<String, Integer>> counts, String component, String version) {
            counts.get(component).merge(version == null ? "unknown" : version, 1, Integer::sum);
        }
    }

    static String versionsText(FleetVersions f, Instant now, Printer p) {
        if (f.nodes() == 0) {
            return "no registered nodes\n";
        }
        Table t = new Table("COMPONENT", "VERSION", "NODES");
        f.counts().forEach((component, byVersion) -> byVersion.forEach((version, n) ->
                t.row(component, version, Integer.toString(n))));
        StringBuilder b = new StringBuilder(t.render());
        b.append(f.nodes()).append(" registered node").append(f.nodes() == 1 ? "" : "s").append('\n');
        if (f.lastRun() == null) {
            b.append(p.dim("no reconcile run yet: versions are as the registrations recorded them; "
                    + "ecsa reconcile --now")).append('\n');
        } else if (f.behind().isEmpty()) {
            b.append("none behind the stack's target versions (reconcile " + Durations.age(f.lastRun().startedAt(), now)
                    + " ago)\n");
        } else {
            b.append(p.red(f.behind().size() + " behind the stack's target versions")).append(" (reconcile ")
                    .append(Durations.age(f.lastRun().startedAt(), now)).append(" ago):\n");
            f.behind().forEach(x -> b.append("  ").append(x.subject()).append(": ").append(x.detail()).append('\n'));
        }
        return b.toString();
    }

    static JsonNode versionsJson(FleetVersions f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("nodes", f.nodes());
        ObjectNode counts = o.putObject("versions");
        f.counts().forEach((component, byVersion) -> {
            ObjectNode c = counts.putObject(component);
            byVersion.forEach(c::put);
        });
        o.put("lastReconcileAt", f.lastRun() == null ? null : f.lastRun().startedAt().toString());
        ArrayNode behind = o.putArray("behindTarget");
        f.behind().forEach(x -> behind.addObject().put("nodeId", x.subject()).put("detail", x.detail()));
        return o;
    }

    /** {@code rack=r4,zone=a}, in name order. */
    private static String attributes(NodeRecord n) {
        return String.join(",", n.attributes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(String.format("%-20s %s%n", name + ":", value == null || value.isEmpty() ? "-" : value));
    }

    static ObjectNode nodeJson(NodeView v, Instant now) {
        NodeRecord n = v.node();
        ObjectNode o = JSON.createObjectNode();
        o.put("nodeId", n.nodeId());
        o.put("state", n.state().name());
        o.put("version", n.version());
        o.put("cluster", n.cluster());
        o.put("managedInstanceId", n.managedInstanceId());
        o.put("containerInstanceArn", n.containerInstanceArn());
        o.put("address", n.address());
        o.put("port", n.port());
        o.put("sshUser", n.sshUser());
        o.put("hostKeyFingerprint", n.hostKeyFingerprint());
        o.set("agentVersions", JSON.valueToTree(n.agentVersions()));
        o.set("attributes", JSON.valueToTree(n.attributes()));
        if (n.health().isNone()) {
            o.putNull("health");
        } else {
            o.set("health", JSON.valueToTree(n.health()));
        }
        o.put("lastRequestId", n.lastRequestId());
        v.lastRequest().ifPresent(r -> {
            o.put("lastAction", r.action().wireName());
            o.put("lastStatus", r.status().name());
            o.put("lastOutcome", r.outcome() == null ? null : r.outcome().name());
        });
        if (n.lastError() != null) {
            o.putObject("lastError").put("reason", n.lastError().reason().name())
                    .put("message", n.lastError().message());
        } else {
            o.putNull("lastError");
        }
        o.put("stateChangedAt", n.stateChangedAt().toString());
        o.put("updatedAt", n.updatedAt().toString());
        o.put("ageSeconds", Math.max(0, now.getEpochSecond() - n.stateChangedAt().getEpochSecond()));
        return o;
    }

    /**
     * "DEREGISTERED", "DRAIN_TIMED_OUT", "deregister IN_PROGRESS", or the last error's reason; "QUARANTINED" for a node
     * the reconciler's repair holds DRAINING (its last request's outcome would read as if nothing happened since).
     */
    static String lastOutcome(NodeView v) {
        if (v.node().health().quarantined() && v.node().state() == NodeState.DRAIN_KEPT) {
            return "QUARANTINED";
        }
        if (v.lastRequest().isPresent()) {
            RequestRecord r = v.lastRequest().get();
            if (r.outcome() != null) {
                return r.outcome().name();
            }
            return r.action().wireName() + " " + r.status().name();
        }
        return v.node().lastError() == null ? null : v.node().lastError().reason().name();
    }

    /** The id part of a container instance ARN ({@code arn:...:container-instance/cluster/<id>}). */
    static String shortArn(String arn) {
        return arn == null ? null : arn.substring(arn.lastIndexOf('/') + 1);
    }

    // ---- history ----

    static String historyText(String nodeId, List<RequestRecord> requests) {
        StringBuilder out = new StringBuilder();
        for (RequestRecord r : requests) {
            out.append(requestLine(r)).append('\n');
            if (!r.requestedBy().isEmpty() || !r.reason().isEmpty()) {
                out.append("    by ").append(r.requestedBy().isEmpty() ? "-" : r.requestedBy());
                if (!r.reason().isEmpty()) {
                    out.append(": ").append(r.reason());
                }
                out.append('\n');
            }
            if (r.failure() != null) {
                out.append("    failure ").append(r.failure().reason()).append(": ").append(r.failure().message())
                        .append('\n');
            }
            for (Step s : r.steps()) {
                out.append("    ").append(stepLine(r.receivedAt(), s)).append('\n');
            }
        }
        if (requests.isEmpty()) {
            out.append("no requests recorded for ").append(nodeId).append('\n');
        }
        return out.toString();
    }

    static String requestLine(RequestRecord r) {
        String result = r.outcome() != null ? r.outcome().name() : r.status().name();
        String took = r.finishedAt() != null ? "took " + Durations.between(r.receivedAt(), r.finishedAt()) : "running";
        return String.format("%s  %-10s %-20s received %s  %s", r.requestId(), r.action().wireName(), result,
                Durations.instant(r.receivedAt()), took);
    }

    /** {@code +1.2s  start-drain  SUCCEEDED  0.3s  detail}: offset from the request's receipt, then the duration. */
    static String stepLine(Instant origin, Step s) {
        String offset = "+" + Durations.between(origin, s.startedAt());
        String took = s.endedAt() == null ? "…" : Durations.between(s.startedAt(), s.endedAt());
        // A drain check that found tasks left succeeded as a check, but the drain is still waiting.
        String result = s.name().equals(CheckDrain.STEP) && s.endedAt() != null
                && !s.detail().endsWith(CheckDrain.DRAINED) ? "WAITING" : s.result().name();
        String line = String.format("%-8s %-28s %-9s %-7s %s", offset, s.name(), result, took, compact(s.detail()));
        return line.stripTrailing();
    }

    /**
     * A watched step that repeats what an earlier print of it said: a drain check that found the same tasks as check
     * {@code M} reads {@code check N: unchanged since check M} instead of the whole list again. {@code since} is the
     * detail of the check that first said it ({@code null}: none yet); returns the step as it was when it says
     * something new.
     */
    static Step unchangedSince(String since, Step s) {
        if (since == null || s.detail() == null) {
            return s;
        }
        var now = NUMBERED_CHECK.matcher(s.detail());
        var first = NUMBERED_CHECK.matcher(since);
        if (!now.matches() || !first.matches() || !now.group(2).equals(first.group(2))
                || now.group(1).equals(first.group(1))) {
            return s;
        }
        return new Step(s.name(), s.startedAt(), s.endedAt(), s.result(),
                "check " + now.group(1) + ": unchanged since check " + first.group(1));
    }

    /**
     * A step's detail as one line of a watch or history shows it: ARNs as their ids ({@link #shortIds}), instants to
     * the second, and lists of more than three items cut to three and "+N more". The record keeps every item
     * ({@code -o json}).
     */
    static String compact(String text) {
        if (text == null) {
            return null;
        }
        String shorter = FRACTION.matcher(shortIds(text)).replaceAll("$1Z");
        return LIST.matcher(shorter).replaceAll(m -> {
            String[] items = m.group(1).split(", ");
            if (items.length <= LIST_ITEMS) {
                return Matcher.quoteReplacement(m.group());
            }
            String shown = String.join(", ", Arrays.copyOf(items, LIST_ITEMS));
            return Matcher.quoteReplacement(
                    "[" + shown + ", +" + (items.length - LIST_ITEMS) + " more]");
        });
    }

    /** Every ARN in {@code text} replaced by its last id ({@code arn:...:container-instance/c/0a1b} → {@code 0a1b}). */
    static String shortIds(String text) {
        return text == null ? null : ARN.matcher(text).replaceAll("$1");
    }

    /** {@code history}'s JSON: {@code {"nodeId", "requests": [...]}}, newest first. */
    static JsonNode historyJson(String nodeId, List<RequestRecord> requests) {
        ObjectNode o = JSON.createObjectNode();
        o.put("nodeId", nodeId);
        ArrayNode list = o.putArray("requests");
        requests.forEach(r -> list.add(requestJson(r)));
        return o;
    }

    /** A request record; the action as the request schema spells it ({@code register}, not {@code REGISTER}). */
    static ObjectNode requestJson(RequestRecord r) {
        ObjectNode o = JSON.valueToTree(r);
        o.put("action", r.action().wireName());
        return o;
    }

    /** {@code watch}'s line for a step: {@code {"type": "step", "requestId", "step": {...}}}. */
    static JsonNode stepJson(String requestId, Step s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "step");
        o.put("requestId", requestId);
        o.set("step", JSON.valueToTree(s));
        return o;
    }

    /** {@code watch}'s last line: {@code {"type": "request", "request": {...}}}. */
    static JsonNode endJson(RequestRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "request");
        o.set("request", requestJson(r));
        return o;
    }

    // ---- findings ----

    static String findingsText(ReconcileRun run, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("reconcile %s  finished %s (%s ago, took %s)%n", run.runId(), Durations.instant(run.finishedAt()),
                Durations.age(run.finishedAt(), now), Durations.between(run.startedAt(), run.finishedAt())));
        out.append(String.format("compared %d nodes, %d managed instances, %d container instances, %d activations; "
                        + "%d findings, %d fixes, %d resolved since the previous run%n", run.nodes(),
                run.managedInstances(), run.containerInstances(), run.activations(), run.totalFindings(), run.fixes(),
                run.resolved()));
        StringBuilder counts = new StringBuilder();
        run.counts().forEach((type, n) -> {
            if (n > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(type).append(' ').append(n);
            }
        });
        out.append("counts: ").append(counts.length() == 0 ? "none" : counts).append('\n');
        if (!run.findings().isEmpty()) {
            Table t = new Table("TYPE", "SUBJECT", "NODE", "SINCE", "ACTION", "DETAIL");
            for (Finding f : run.findings()) {
                String action = f.action().name() + (f.actionDetail().isEmpty() ? "" : ": " + f.actionDetail());
                t.row(f.type(), f.subject(), f.nodeId(), Durations.age(f.since(), now) + " ago", action, f.detail());
            }
            out.append('\n').append(t.render());
            if (run.truncated()) {
                out.append("(more findings than the run stores; the counts above are complete)\n");
            }
        }
        return out.toString();
    }

    static JsonNode runJson(ReconcileRun run) {
        return JSON.valueToTree(run);
    }

    static String write(JsonNode node, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node)
                    : JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }
}
