package dev.ecsa.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.store.Json;
import java.io.PrintWriter;
import java.time.Duration;

/** What register and deregister print after sending, and their {@code --watch}. */
final class Sending {

    private Sending() {
    }

    static int report(EcsaCli root, Connections connections, RequestSender.Sent sent, SendOptions send,
                      OutputOptions output) throws InterruptedException {
        PrintWriter out = root.spec.commandLine().getOut();
        if (output.json) {
            ObjectNode o = Json.mapper().createObjectNode()
                    .put("requestId", sent.requestId())
                    .put("nodeId", sent.nodeId())
                    .put("action", sent.action())
                    .put("messageId", sent.messageId())
                    .put("sequenceNumber", sent.sequenceNumber());
            out.println(Views.write(o, false));
        } else {
            out.printf("sent %s request %s for %s to %s%n", sent.action(), sent.requestId(), sent.nodeId(),
                    connections.backend().description());
            if (!send.watch) {
                out.printf("follow it with: ecsa watch %s%n", sent.requestId());
            }
        }
        out.flush();
        if (!send.watch) {
            return ExitCodes.OK;
        }
        return new Watcher(connections, out, root.clock, Duration.ofSeconds(1), Duration.ofMinutes(30),
                Watcher.NOT_RECORDED_YET, output.json).watch(sent.requestId());
    }
}
