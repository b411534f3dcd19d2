package dev.ecsa.it.localmode;

import dev.ecsa.cli.EcsaCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One in-process run of the CLI: its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    /** A local mode of {@code hosts} simulated hosts writing its state file at {@code stateFile}, for the CLI. */
    static dev.ecsa.local.mode.LocalMode localMode(Path stateFile, int hosts) {
        return dev.ecsa.local.mode.LocalMode.start(dev.ecsa.local.mode.LocalModeSettings.defaults(
                dev.ecsa.local.dynamo.DynaliteServer.locateRepoRoot()).withHosts(hosts).withStateFile(stateFile));
    }

    /** Runs {@code ecsa args... --state-file stateFile} with an empty environment. */
    static CliRun ecsa(Path stateFile, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (stateFile != null) {
            all.add("--state-file");
            all.add(stateFile.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcsaCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true),
                Map.of("USER", "it"), Path.of("").toAbsolutePath(), Clock.systemUTC());
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
