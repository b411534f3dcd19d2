package dev.ecsa.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ecsa findings}: the last reconcile run. The reconciler's record of its runs is not part of this build yet, so
 * the command says so (exit 5) rather than printing something made up.
 */
@Command(name = "findings", mixinStandardHelpOptions = true,
        description = "Show the last reconcile run's findings (inventory vs SSM vs ECS).")
final class FindingsCommand implements Callable<Integer> {

    @ParentCommand
    EcsaCli root;

    @Mixin
    BackendOptions backend;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        throw new CliException(ExitCodes.BACKEND_ERROR, "this build cannot read reconcile findings yet: the "
                + "reconciler does not record its runs in the inventory");
    }
}
