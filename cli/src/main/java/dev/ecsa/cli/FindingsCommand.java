package dev.ecsa.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ecsa findings}: the last reconcile run, as the reconciler recorded it in the inventory. */
@Command(name = "findings", mixinStandardHelpOptions = true,
        description = "Show the last reconcile run: counts per finding type and each finding (inventory vs SSM vs "
                + "ECS) with what the run did about it.")
final class FindingsCommand extends BackendCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try (Connections connections = root.connect(backend)) {
            ReconcileCommand.printLastRun(root, connections, root.printer(output));
            return ExitCodes.OK;
        }
    }
}
