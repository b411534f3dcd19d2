package dev.ecsa.cli;

import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRecord;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.state.NodeState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run the launcher records its start-time archive from (on JDK 25+ an ahead-of-time cache, {@code
 * -XX:AOTCacheOutput}; on older JDKs a class-data-sharing archive, {@code -XX:ArchiveClassesAtExit}): the commands'
 * usual paths (parsing, help, the DynamoDB and SQS clients, the error handling), each against an endpoint that
 * refuses connections at once, so it needs no backend and takes about two seconds. Every later {@code ecsa} start maps
 * the archived classes instead of loading and verifying them again (docs/cli.md#start-time).
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort;
        String[] backend = {"--endpoint", dead, "--table", "t", "--region", "us-east-1",
            "--queue-url", dead + "/000000000000/q.fifo"};
        String[][] runs = {
            {"--help"},
            {"status", "--help"},
            concat(new String[] {"status", "-o", "wide"}, backend),
            concat(new String[] {"status", "node-1", "-o", "json"}, backend),
            concat(new String[] {"register", "node-1", "--address", "10.0.0.1", "--ssh-user", "ecsa",
                "--confirm-timeout", "0"}, backend),
            concat(new String[] {"deregister", "node-1"}, backend),
            concat(new String[] {"history", "node-1"}, backend),
            concat(new String[] {"watch", "r-1", "--wait-recorded", "0"}, backend),
            {"register", "bad node!"},
        };
        Writer sink = new StringWriter();
        for (String[] run : runs) {
            EcsaCli.run(run, new PrintWriter(sink), new PrintWriter(sink), Map.of(), Path.of("").toAbsolutePath(),
                    Clock.systemUTC());
        }
        // The local mode's way in: its state file (read with the project's JSON mapper).
        Path state = Files.createTempFile("ecsa-cds-", ".json");
        try {
            Files.writeString(state, "{\"version\":1,\"pid\":" + ProcessHandle.current().pid()
                    + ",\"region\":\"us-east-1\",\"endpoints\":{\"sqs\":\"" + dead + "\",\"dynamodb\":\"" + dead
                    + "\"},\"queueUrl\":\"" + dead + "/000000000000/q.fifo\",\"tableName\":\"t\",\"hosts\":[]}");
            EcsaCli.run(new String[] {"status", "node-1", "--state-file", state.toString()}, new PrintWriter(sink),
                    new PrintWriter(sink), Map.of(), Path.of("").toAbsolutePath(), Clock.systemUTC());
        } finally {
            Files.deleteIfExists(state);
        }
        // What a command prints once it has its records: a table, a node in full, JSON.
        Instant now = Instant.now();
        NodeRecord node = new NodeRecord("node-1", NodeState.REGISTERED, 2, "c", "mi-0", "arn:aws:ecs:r:1:ci/c/0",
                null, "10.0.0.1", 22, "ecsa", null, "r-1", null, now, now, now, Map.of("rack", "r1"));
        RequestRecord request = RequestRecord.received(new DeregisterRequest("r-1", "node-1", null, null, "t", ""), now)
                .withStep(Step.started("start-drain", now));
        List<Views.NodeView> views = List.of(new Views.NodeView(node, Optional.of(request)));
        Printer printer = new Printer(new PrintWriter(sink), OutputOptions.Format.json, false);
        printer.document(Views.statusJson(views, now));
        printer.document(Views.historyJson("node-1", List.of(request)));
        printer.streamed(Views.stepJson("r-1", request.steps().get(0)));
        sink.write(Views.statusTable(views, now, printer));
        sink.write(Views.nodeDetail(views.get(0), now, printer));
        sink.write(Views.historyText("node-1", List.of(request)));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
