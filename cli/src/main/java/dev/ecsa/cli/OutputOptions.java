package dev.ecsa.cli;

import picocli.CommandLine.Option;

/** {@code --json}, on every command that reads. */
public final class OutputOptions {

    @Option(names = "--json", description = "Print JSON instead of a table (one document; watch prints one JSON "
            + "object per line).")
    boolean json;
}
