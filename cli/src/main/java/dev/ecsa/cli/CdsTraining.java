package dev.ecsa.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The run the launcher records its class-data-sharing archive from ({@code -XX:ArchiveClassesAtExit}): the commands'
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
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
