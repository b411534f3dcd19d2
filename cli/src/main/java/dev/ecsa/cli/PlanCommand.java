package dev.ecsa.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ecsa plan ACTION NODE...}: a rollout's dry run. The service plans it as it would run it (the same intake,
 * targets, batches and checks) and records the plan without starting anything; this prints it.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan a rollout without starting it: its batches in order, what each check says now, the "
                + "nodes it would leave out. Takes the options of `ecsa rollout start`.")
final class PlanCommand extends BackendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "deregister, upgrade or register.")
    String action;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NODE", description = "The nodes (or use a selector).")
    List<String> nodes = new ArrayList<>();

    @Mixin
    RolloutOptions options;

    @Option(names = "--id", paramLabel = "ID", description = "The plan's id (generated when absent).")
    String id;

    @Option(names = "--confirm-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Durations.Converter.class,
            description = "How long to wait for the service's plan (default ${DEFAULT-VALUE}).")
    Duration confirmTimeout;

    @Override
    public Integer call() throws Exception {
        RolloutCommand rollout = new RolloutCommand();
        rollout.root = root;
        rollout.backend = backend;
        rollout.output = output;
        rollout.options = options;
        rollout.id = id;
        rollout.confirmTimeout = confirmTimeout;
        try (Connections connections = root.connect(backend)) {
            return rollout.start(connections, action, nodes, true);
        }
    }
}
