package dev.ecsa.functions.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs real processes (bash, shellcheck) for the script tests. */
final class Shell {

    record Run(int exitCode, String stdout, String stderr) {}

    private Shell() {}

    static Run run(List<String> command, String stdin) {
        return run(command, stdin, Map.of());
    }

    static Run run(List<String> command, String stdin, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process may exit without reading all of its input
            }
            // A generous bound only so that a hung process fails the test instead of the build.
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("process did not finish: " + command.get(0));
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a bash snippet with the helper library sourced first. */
    static Run withLibrary(String snippet, String... args) {
        String library = resource(HostScripts.LIBRARY);
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c",
                "set -euo pipefail\n" + library + "\n" + snippet, "test"));
        command.addAll(List.of(args));
        return run(command, "");
    }

    static String resource(String name) {
        try (InputStream in = HostScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
