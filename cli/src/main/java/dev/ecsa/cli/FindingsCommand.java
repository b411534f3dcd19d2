package dev.ecsa.cli;

import dev.ecsa.core.reconcile.ReconcileRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ecsa findings}: the last reconcile run, as the reconciler recorded it in the inventory. */
@Command(name = "findings", mixinStandardHelpOptions = true,
        description = "Show the last reconcile run: counts per finding type and each finding (inventory vs SSM vs "
                + "ECS) with what the run did about it.")
final class FindingsCommand implements Callable<Integer> {

    @ParentCommand
    EcsaCli root;

    @Mixin
    BackendOptions backend;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        try (Connections connections = root.connect(backend)) {
            ReconcileRun run = connections.call("Query reconcile runs",
                    () -> connections.store().lastReconcileRun()).orElseThrow(() -> CliException.notFound(
                    "no reconcile run is recorded in " + connections.backend().description()
                            + " yet: its schedule runs it (the local mode's every 5 minutes); run one now with "
                            + "ecsa reconcile --now"));
            Printer printer = root.printer(output);
            if (printer.structured()) {
                printer.document(Views.runJson(run));
            } else {
                printer.text(Views.findingsText(run, root.clock.instant()));
            }
            return ExitCodes.OK;
        }
    }
}
