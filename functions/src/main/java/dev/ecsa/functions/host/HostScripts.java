package dev.ecsa.functions.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the host scripts ({@code bootstrap.sh}, {@code cleanup.sh}) that are piped to
 * {@code sudo -n bash -s} over SSH.
 *
 * <p>A template is loaded from the classpath once. Its line {@code source ecsa-lib.sh} is replaced by the
 * text of the helper library (the script arrives on stdin and cannot source files). Every {@code @@NAME@@}
 * is replaced by the matching {@link ScriptValue}, always inside single quotes: inside single quotes bash
 * gives no character a special meaning except the single quote itself, so a value without single quotes
 * and control characters cannot end the word, start a command or continue onto another line.
 * Multi-line values are embedded as base64, whose alphabet ({@code A-Z a-z 0-9 + / =}) has neither.
 *
 * <p>Rendering fails with {@link IllegalArgumentException} when a placeholder has no value, a value has no
 * placeholder, a value is not embeddable, or a placeholder pattern is left in the output. Messages name the
 * placeholder, never the value.
 */
public final class HostScripts {

    /** Resource name of the registration script template. */
    public static final String BOOTSTRAP = "bootstrap.sh";
    /** Resource name of the cleanup script template. */
    public static final String CLEANUP = "cleanup.sh";
    /** Resource name of the script that restarts the agents in place. */
    public static final String RESTART_AGENTS = "restart-agents.sh";
    /** Resource name of the script that upgrades the agents in place. */
    public static final String UPGRADE_AGENTS = "upgrade-agents.sh";
    /** Resource name of the helper library inlined into every template. */
    public static final String LIBRARY = "ecsa-lib.sh";

    static final String INCLUDE_LINE = "source " + LIBRARY;
    private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z][A-Z0-9_]*)@@");

    private static final class Cache {
        static final HostScripts BOOTSTRAP_SCRIPT = load(BOOTSTRAP);
        static final HostScripts CLEANUP_SCRIPT = load(CLEANUP);
        static final HostScripts RESTART_SCRIPT = load(RESTART_AGENTS);
        static final HostScripts UPGRADE_SCRIPT = load(UPGRADE_AGENTS);
    }

    private final String name;
    private final String template;
    private final Set<String> placeholders;

    private HostScripts(String name, String template) {
        this.name = name;
        this.template = template;
        Set<String> found = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            found.add(m.group(1));
        }
        this.placeholders = Collections.unmodifiableSet(found);
    }

    /** The registration script (loaded once). */
    public static HostScripts bootstrap() {
        return Cache.BOOTSTRAP_SCRIPT;
    }

    /** The cleanup script (loaded once). */
    public static HostScripts cleanup() {
        return Cache.CLEANUP_SCRIPT;
    }

    /** The agents' restart script (loaded once). */
    public static HostScripts restartAgents() {
        return Cache.RESTART_SCRIPT;
    }

    /** The agents' in-place upgrade script (loaded once). */
    public static HostScripts upgradeAgents() {
        return Cache.UPGRADE_SCRIPT;
    }

    /**
     * Loads a template from this package's resources and inlines the helper library.
     *
     * @throws IllegalStateException if the resource is missing or does not include the library exactly once
     */
    static HostScripts load(String resource) {
        String text = readResource(resource);
        String library = readResource(LIBRARY);
        if (PLACEHOLDER.matcher(library).find()) {
            throw new IllegalStateException(LIBRARY + " must not contain placeholders");
        }
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length() + library.length());
        int includes = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals(INCLUDE_LINE)) {
                includes++;
                out.append(library.endsWith("\n") ? library.substring(0, library.length() - 1) : library);
            } else {
                out.append(lines[i]);
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        if (includes != 1) {
            throw new IllegalStateException(resource + " must contain the line '" + INCLUDE_LINE + "' once");
        }
        return new HostScripts(resource, out.toString());
    }

    private static String readResource(String resource) {
        try (InputStream in = HostScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The template's resource name. */
    public String name() {
        return name;
    }

    /** The placeholder names the template uses, in order of first appearance. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /**
     * Renders the script.
     *
     * @param values one value per placeholder name, no more, no less
     * @return the script text, ready to be written to the remote shell's stdin
     * @throws IllegalArgumentException if a placeholder lacks a value, a value has no placeholder, or a value
     *     cannot be embedded safely (the message names the placeholder, never the value)
     */
    public String render(Map<String, ScriptValue> values) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(placeholders);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + " has no placeholder for " + unknown);
        }
        Set<String> missing = new TreeSet<>(placeholders);
        missing.removeAll(values.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(name + " has no value for " + missing);
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 1024);
        while (m.find()) {
            String key = m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(quote(key, values.get(key))));
        }
        m.appendTail(out);
        if (PLACEHOLDER.matcher(out).find()) {
            throw new IllegalArgumentException(name + ": a value contains a placeholder pattern (@@NAME@@)");
        }
        return out.toString();
    }

    /** The single-quoted shell word for a value; validates it first. */
    static String quote(String key, ScriptValue value) {
        if (value == null) {
            throw new IllegalArgumentException("no value for " + key);
        }
        String text = value.value();
        if (value.kind() == ScriptValue.Kind.MULTILINE) {
            if (text.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("value for " + key + " contains a NUL character");
            }
            return "'" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "'";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                throw new IllegalArgumentException("value for " + key + " contains a single quote");
            }
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "value for " + key + " contains a control character at index " + i);
            }
        }
        return "'" + text + "'";
    }

    @Override
    public String toString() {
        return "HostScripts[" + name + ", placeholders=" + placeholders + "]";
    }
}
