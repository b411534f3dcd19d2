package dev.ecsa.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ecsa watch REQUEST}: live progress of a request's steps until it ends. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a request: print each step as it starts and ends, then the outcome.",
            "Exits 0 when the request succeeded, 1 when it ended otherwise, 6 at --timeout."})
final class WatchCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REQUEST", description = "The request's id.")
    String requestId;

    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000",
            description = "Poll interval in milliseconds (default ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = Durations.Converter.class,
            description = "Give up after this long: 90s, 10m, 1h, or a number of seconds (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--wait-recorded", paramLabel = "DURATION", defaultValue = "60s",
            converter = Durations.Converter.class,
            description = "How long a request may stay unrecorded (still queued) before it counts as not found "
                    + "(default ${DEFAULT-VALUE}).")
    Duration waitRecorded;

    @Override
    public Integer call() throws Exception {
        if (intervalMillis < 50) {
            throw CliException.usage("--interval must be at least 50 ms");
        }
        try (Connections connections = root.connect(backend)) {
            return new Watcher(connections, root.printer(output), root.clock, Duration.ofMillis(intervalMillis),
                    timeout, waitRecorded, root.liveLines())
                    .watch(requestId);
        }
    }
}
