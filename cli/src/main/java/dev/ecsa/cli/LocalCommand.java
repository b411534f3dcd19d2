package dev.ecsa.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ecsa local}: the whole service on this machine (docs/local-mode.md). The {@code ./ecsa} launcher starts it
 * (it needs the build of every module, not only the CLI's); this command carries its help, so {@code ecsa --help}
 * lists it and {@code ecsa local --help} explains it.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run the whole service on this machine: SQS (ElasticMQ), DynamoDB (dynalite), the ECS/SSM "
                + "simulator, the Step Functions interpreter, simulated hosts over real SSH, and the functions from "
                + "the deployment zip. Runs until Ctrl-C; one at a time per checkout.",
            "Started by the ./ecsa launcher at the repository root; `ecsa local demo` runs the scripted tour."})
final class LocalCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "demo", description = "Run the scripted tour instead and "
            + "exit 0 only if every outcome is expected.")
    String demo;

    @Option(names = "--hosts", paramLabel = "N", description = "Simulated hosts node-1..node-N (0..250, default 3).")
    Integer hosts;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "The drain deadline for requests that do not set one (60..3600, default 60).")
    Integer drainTimeout;

    @Option(names = "--drain-poll", paramLabel = "SECONDS", description = "How often a drain is checked (5..300, "
            + "default 5).")
    Integer drainPoll;

    @Option(names = "--reconcile-every", paramLabel = "SECONDS", description = "The reconcile schedule (default 300; "
            + "the first run 10 s after start).")
    Integer reconcileEvery;

    @Override
    public Integer call() {
        throw CliException.usage("the local mode is started by the launcher: run ./ecsa local from the repository "
                + "root (it builds what it needs)");
    }
}
