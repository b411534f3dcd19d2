package dev.ecsa.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.store.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What register and deregister do once their body is built: {@code --dry-run} prints the message; otherwise it is sent,
 * then either followed ({@code --watch}) or confirmed: the CLI waits a few seconds for the service to record the
 * request, so a rejection (an unknown node, a state that refuses the action) is said at once, with exit 1.
 */
final class Sending {

    private Sending() {
    }

    /**
     * Refuses a request for a node the inventory does not know before anything is sent (the service would reject it
     * NOT_REGISTERED; saying so now beats "sent"). A dry run checks nothing.
     *
     * @param hint what else to say, after "nothing was sent"
     */
    static void requireKnownNode(Connections connections, String nodeId, SendOptions send, String hint) {
        if (!send.dryRun && connections.call("GetItem " + nodeId, () -> connections.store().getNode(nodeId))
                .isEmpty()) {
            throw CliException.notFound("no node " + nodeId + " is recorded in " + connections.backend().description()
                    + "; nothing was sent (" + hint + ")");
        }
    }

    static int send(EcsaCli root, Connections connections, Map<String, Object> body, SendOptions send,
                    OutputOptions output) throws InterruptedException {
        Printer printer = root.printer(output);
        RequestSender.Message message = RequestSender.prepare(connections, body);
        if (send.dryRun) {
            if (printer.structured()) {
                printer.document(message.json());
            } else {
                printer.text("dry run, nothing sent. The message:\n"
                        + "  queue                    " + message.queueUrl() + "\n"
                        + "  MessageGroupId           " + message.groupId() + "\n"
                        + "  MessageDeduplicationId   " + message.deduplicationId() + "\n"
                        + "  body                     " + message.body() + "\n");
            }
            return ExitCodes.OK;
        }
        if (send.requestId != null) {
            // SQS would drop a resend within 5 minutes, and the service refuses an id used for another request.
            connections.call("GetItem " + send.requestId, () -> connections.store().getRequest(send.requestId))
                    .ifPresent(r -> {
                        throw CliException.usage("request id " + r.requestId() + " is already used (a "
                                + r.action().wireName() + " of " + r.nodeId() + ", " + (r.outcome() != null
                                ? r.outcome().name() : r.status().name()) + "); nothing was sent: give a new "
                                + "--request-id, or none (one is generated)");
                    });
        }
        RequestSender.Sent sent = RequestSender.send(connections, message);
        if (send.watch) {
            if (!printer.structured()) {
                printer.text(sentLine(sent, connections));
            }
            return new Watcher(connections, printer, root.clock, Duration.ofSeconds(1), Duration.ofMinutes(30),
                    Watcher.NOT_RECORDED_YET, root.liveLines()).watch(sent.requestId());
        }
        Optional<RequestRecord> recorded = confirm(connections, sent.requestId(), send.confirmTimeout);
        boolean rejected = recorded.map(r -> r.outcome() == Outcome.REJECTED).orElse(false);
        if (printer.structured()) {
            ObjectNode o = Json.mapper().createObjectNode()
                    .put("requestId", sent.requestId())
                    .put("nodeId", sent.nodeId())
                    .put("action", sent.action())
                    .put("messageId", sent.messageId())
                    .put("sequenceNumber", sent.sequenceNumber())
                    .put("status", recorded.map(r -> r.outcome() != null ? r.outcome().name() : r.status().name())
                            .orElse("QUEUED"));
            recorded.filter(r -> r.failure() != null).ifPresent(r -> o.putObject("failure")
                    .put("reason", r.failure().reason().name()).put("message", r.failure().message()));
            printer.document(o);
        } else {
            StringBuilder b = new StringBuilder(sentLine(sent, connections));
            if (recorded.isEmpty()) {
                b.append(send.confirmTimeout.isZero() ? "" : "not picked up yet (the queue may be busy); ");
            } else if (rejected) {
                RequestRecord r = recorded.get();
                b.append(printer.state("REJECTED")).append(" ").append(r.failure().reason()).append(": ")
                        .append(r.failure().message()).append('\n');
            } else {
                RequestRecord r = recorded.get();
                b.append(r.completed() ? "done: " + printer.state(r.outcome().name())
                        : "accepted, " + current(r)).append('\n');
            }
            if (!rejected && (recorded.isEmpty() || !recorded.get().completed())) {
                b.append(printer.dim("follow it with: ecsa watch " + sent.requestId())).append('\n');
            }
            printer.text(b.toString());
        }
        if (rejected) {
            return ExitCodes.REQUEST_FAILED;
        }
        return recorded.filter(RequestRecord::completed).map(r -> r.outcome().success() ? ExitCodes.OK
                : ExitCodes.REQUEST_FAILED).orElse(ExitCodes.OK);
    }

    private static String sentLine(RequestSender.Sent sent, Connections connections) {
        return String.format("sent %s request %s for %s to %s%n", sent.action(), sent.requestId(), sent.nodeId(),
                connections.backend().description());
    }

    /** "in progress (bootstrap)" or "in progress". */
    private static String current(RequestRecord r) {
        if (r.steps().isEmpty()) {
            return "in progress";
        }
        Step last = r.steps().get(r.steps().size() - 1);
        return "in progress (" + last.name() + ")";
    }

    /** Polls the request's record for up to {@code timeout}; returns it once recorded, empty if it never was. */
    private static Optional<RequestRecord> confirm(Connections connections, String requestId, Duration timeout)
            throws InterruptedException {
        if (timeout.isZero()) {
            return Optional.empty();
        }
        Instant deadline = Instant.now().plus(timeout);
        long pause = 100;
        while (true) {
            Optional<RequestRecord> r = connections.call("GetItem " + requestId,
                    () -> connections.store().getRequest(requestId));
            if (r.isPresent() || !Instant.now().isBefore(deadline)) {
                return r;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }
}
