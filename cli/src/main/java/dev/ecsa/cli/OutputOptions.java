package dev.ecsa.cli;

import picocli.CommandLine.Option;

/**
 * {@code -o table|wide|json|yaml} (and {@code --json}, its short form), on the root command and on every command that
 * prints: a command's own option wins over the one given before it ({@code ecsa -o json status -o wide} is wide).
 */
public final class OutputOptions {

    /** The output formats, as kubectl names them. */
    enum Format {
        /** Columns for people (the default). */
        table,
        /** The table with more columns (addresses, agent versions, the last error). */
        wide,
        /** One JSON document (watch: one JSON object per line). */
        json,
        /** The JSON document as YAML. */
        yaml
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "table (default), wide, json or yaml. JSON always has one shape per command "
                    + "(docs/cli.md).")
    Format format;

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    /** The format asked for here, else the one {@code parent} asked for, else table. */
    Format format(OutputOptions parent) {
        Format mine = json ? Format.json : format;
        if (mine != null) {
            return mine;
        }
        if (parent != null && parent != this) {
            return parent.format(null);
        }
        return Format.table;
    }

    static boolean structured(Format f) {
        return f == Format.json || f == Format.yaml;
    }
}
