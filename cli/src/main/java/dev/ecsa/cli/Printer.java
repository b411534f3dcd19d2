package dev.ecsa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command prints and how: the format ({@code -o}), and colour, which is used only on a terminal, never with
 * {@code NO_COLOR} set (https://no-color.org) or {@code TERM=dumb}, and never in json or yaml.
 */
final class Printer {

    /** Built on first use: only -o yaml pays for loading the YAML writer. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build());
    }

    private final PrintWriter out;
    private final OutputOptions.Format format;
    private final boolean colour;

    Printer(PrintWriter out, OutputOptions.Format format, boolean colour) {
        this.out = out;
        this.format = format;
        this.colour = colour && !OutputOptions.structured(format);
    }

    /** Whether colour may be used: a terminal, and neither NO_COLOR (any value) nor TERM=dumb. */
    static boolean colourAllowed(boolean terminal, Map<String, String> env) {
        return terminal && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    boolean structured() {
        return OutputOptions.structured(format);
    }

    boolean wide() {
        return format == OutputOptions.Format.wide;
    }

    PrintWriter out() {
        return out;
    }

    /** A whole document, in json (indented) or yaml. */
    void document(JsonNode node) {
        out.print(format == OutputOptions.Format.yaml ? yaml(node) : Views.write(node, true) + "\n");
        out.flush();
    }

    /** One record of a stream (watch): a JSON line, or a YAML document after {@code ---}. */
    void streamed(JsonNode node) {
        if (format == OutputOptions.Format.yaml) {
            out.print("---\n" + yaml(node));
        } else {
            out.println(Views.write(node, false));
        }
        out.flush();
    }

    void text(String s) {
        out.print(s);
        out.flush();
    }

    /** A state or outcome, coloured by what it means when colour is on: green done, yellow moving, red failed. */
    String state(String s) {
        if (!colour || s == null) {
            return s;
        }
        String code = switch (s) {
            case "REGISTERED", "DEREGISTERED", "ALREADY_REGISTERED", "ALREADY_GONE", "FORCE_DEREGISTERED",
                    "AGENTS_RESTARTED", "UPGRADED", "SUCCEEDED", "OK" -> "32";
            case "REGISTERING", "DRAINING", "DEREGISTERING", "STARTED", "IN_PROGRESS", "RECEIVED" -> "33";
            case "REGISTRATION_FAILED", "DEREGISTRATION_FAILED", "REJECTED", "FAILED", "TIMED_OUT",
                    "DRAIN_TIMED_OUT" -> "31";
            default -> null;
        };
        return code == null ? s : "\u001b[" + code + "m" + s + "\u001b[0m";
    }

    /** Red text (a failure's reason) when colour is on. */
    String red(String s) {
        return colour ? "\u001b[31m" + s + "\u001b[0m" : s;
    }

    /** Dim text (hints) when colour is on. */
    String dim(String s) {
        return colour ? "\u001b[2m" + s + "\u001b[0m" : s;
    }

    static String yaml(JsonNode node) {
        try {
            return Yaml.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }
}
