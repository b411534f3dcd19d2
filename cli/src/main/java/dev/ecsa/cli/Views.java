package dev.ecsa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.reconcile.Finding;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.store.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How nodes, requests and steps are shown: as tables for people and as JSON for scripts. Pure functions of the
 * records and the current time.
 */
final class Views {

    private static final ObjectMapper JSON = Json.mapper();

    private Views() {
    }

    /** A node and the request that last moved it (if it is still stored). */
    record NodeView(NodeRecord node, Optional<RequestRecord> lastRequest) {
    }

    // ---- status ----

    static String statusTable(List<NodeView> nodes, Instant now) {
        Table t = new Table("NODE", "STATE", "CLUSTER", "MANAGED INSTANCE", "CONTAINER INSTANCE", "LAST OUTCOME", "AGE");
        for (NodeView v : nodes) {
            NodeRecord n = v.node();
            t.row(n.nodeId(), n.state(), n.cluster(), n.managedInstanceId(), shortArn(n.containerInstanceArn()),
                    lastOutcome(v), Durations.age(n.stateChangedAt(), now));
        }
        return t.render();
    }

    static JsonNode statusJson(List<NodeView> nodes, Instant now) {
        ArrayNode out = JSON.createArrayNode();
        for (NodeView v : nodes) {
            out.add(nodeJson(v, now));
        }
        return out;
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
        o.put("hostKeyFingerprint", n.hostKeyFingerprint());
        o.set("agentVersions", JSON.valueToTree(n.agentVersions()));
        o.put("lastRequestId", n.lastRequestId());
        v.lastRequest().ifPresent(r -> {
            o.put("lastAction", r.action().wireName());
            o.put("lastStatus", r.status().name());
            o.put("lastOutcome", r.outcome() == null ? null : r.outcome().name());
        });
        if (n.lastError() != null) {
            o.putObject("lastError").put("reason", n.lastError().reason().name())
                    .put("message", n.lastError().message());
        }
        o.put("stateChangedAt", n.stateChangedAt().toString());
        o.put("updatedAt", n.updatedAt().toString());
        o.put("ageSeconds", Math.max(0, now.getEpochSecond() - n.stateChangedAt().getEpochSecond()));
        return o;
    }

    /** "DEREGISTERED", "DRAIN_TIMED_OUT", "deregister IN_PROGRESS", or the last error's reason. */
    static String lastOutcome(NodeView v) {
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
                r.receivedAt(), took);
    }

    /** {@code +1.2s  start-drain  SUCCEEDED  0.3s  detail}: offset from the request's receipt, then the duration. */
    static String stepLine(Instant origin, Step s) {
        String offset = "+" + Durations.between(origin, s.startedAt());
        String took = s.endedAt() == null ? "…" : Durations.between(s.startedAt(), s.endedAt());
        String line = String.format("%-8s %-28s %-9s %-7s %s", offset, s.name(), s.result(), took, s.detail());
        return line.stripTrailing();
    }

    static JsonNode historyJson(String nodeId, List<RequestRecord> requests) {
        ObjectNode o = JSON.createObjectNode();
        o.put("nodeId", nodeId);
        o.set("requests", JSON.valueToTree(requests));
        return o;
    }

    static JsonNode requestJson(RequestRecord r) {
        return JSON.valueToTree(r);
    }

    static JsonNode stepJson(String requestId, Step s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("requestId", requestId);
        o.set("step", JSON.valueToTree(s));
        return o;
    }

    // ---- findings ----

    static String findingsText(ReconcileRun run, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("reconcile %s  finished %s (%s ago, took %s)%n", run.runId(), run.finishedAt(),
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
