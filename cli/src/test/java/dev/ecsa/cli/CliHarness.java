package dev.ecsa.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs the CLI in-process with a given environment and working directory. */
record CliHarness(int exitCode, String out, String err) {

    static CliHarness run(Map<String, String> env, Path cwd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcsaCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env, cwd,
                Clock.systemUTC());
        return new CliHarness(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
