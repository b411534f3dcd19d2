package dev.ecsa.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The domain core's shape, read from its sources: it imports nothing but the JDK, and its packages depend on each other
 * without cycles (the request base below both actions, the intake above them), so each can be read from the bottom up.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/ecsa/core");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.ecsa\\.core\\.(\\w+)\\.[A-Z]");
    /** Comments name other packages for the reader ({@code @link}); only code makes a dependency. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void theCoreImportsOnlyTheJdkAndItself() {
        Map<String, Set<String>> outside = new TreeMap<>();
        forEachSource((pkg, text) -> {
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                String imported = m.group(1);
                if (!imported.startsWith("java.") && !imported.startsWith("dev.ecsa.core.")) {
                    outside.computeIfAbsent(pkg, k -> new TreeSet<>()).add(imported);
                }
            }
        });
        assertThat(outside).isEmpty();
    }

    @Test
    void thePackagesOfTheCoreFormNoCycle() {
        Map<String, Set<String>> uses = new TreeMap<>();
        forEachSource((pkg, text) -> {
            Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = QUALIFIED.matcher(COMMENT.matcher(text).replaceAll(""));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    used.add(m.group(1));
                }
            }
        });
        assertThat(uses).as("the core has its packages").containsKeys("request", "register", "deregister", "intake");
        assertThat(uses.get("intake")).contains("register", "deregister", "request");
        assertThat(uses.get("request")).doesNotContain("register", "deregister", "intake");

        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            findCycle(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    private static void findCycle(String start, String at, Map<String, Set<String>> uses, List<String> path,
                                  Set<String> seen, List<String> cycles) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (seen.add(next)) {
                path.add(next);
                findCycle(start, next, uses, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    private interface SourceVisitor {
        void visit(String corePackage, String text);
    }

    private static void forEachSource(SourceVisitor visitor) {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                visitor.visit(pkg, Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
