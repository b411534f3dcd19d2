package dev.ecsa.local.dynamo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB for the offline bench: dynalite (npm, from the repository's lockfile) as a child process on
 * 127.0.0.1, in memory, so every start is an empty database.
 *
 * <p>An unmodified AWS SDK v2 {@code DynamoDbClient} talks to it through {@code endpointOverride(endpoint())}
 * with any region and static credentials. dynalite implements the DynamoDB API except transactions
 * (TransactWriteItems) and UpdateTimeToLive, which the service does not use from Java.
 *
 * <p>The process is stopped on {@link #close()}, and by a JVM shutdown hook if nobody closes it, so a test
 * run never leaves a node process behind.
 */
public final class DynaliteServer implements AutoCloseable {

    /** System property naming the repository root (Maven's surefire/failsafe config sets it). */
    public static final String REPO_ROOT_PROPERTY = "ecsa.repo.root";

    private static final Logger LOG = LoggerFactory.getLogger(DynaliteServer.class);
    private static final String HOST = "127.0.0.1";
    private static final String READY_LINE = "Dynalite listening at";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int PORT_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final URI endpoint;
    private final TailBuffer stderr;
    private final Thread shutdownHook;
    private boolean closed;

    private DynaliteServer(Process process, int port, TailBuffer stderr) {
        this.process = process;
        this.port = port;
        this.endpoint = URI.create("http://" + HOST + ":" + port);
        this.stderr = stderr;
        this.shutdownHook = new Thread(() -> kill(process), "dynalite-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts dynalite from the repository found by {@link #locateRepoRoot()}. */
    public static DynaliteServer start() {
        return start(locateRepoRoot());
    }

    /**
     * Starts dynalite from {@code <repoRoot>/node_modules/dynalite} with the {@code node} found on PATH and
     * waits until it answers HTTP.
     *
     * @throws IllegalStateException if node or dynalite is missing, or dynalite does not come up
     */
    public static DynaliteServer start(Path repoRoot) {
        Path node = findOnPath("node").orElseThrow(() -> new IllegalStateException(
                "node is not on PATH; dynalite (local DynamoDB) needs Node.js: run bin/setup"));
        return start(repoRoot, node);
    }

    static DynaliteServer start(Path repoRoot, Path node) {
        Objects.requireNonNull(repoRoot, "repoRoot");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException("node not found at " + node + "; run bin/setup");
        }
        Path cli = repoRoot.resolve("node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("dynalite is not installed (no " + cli + "); run bin/setup");
        }
        IllegalStateException last = null;
        // The port is picked here and handed to dynalite (its CLI treats --port 0 as "default 4567"), so another
        // process can take it in between; such a start fails with EADDRINUSE and is retried on a new port.
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return launch(node, cli, freePort());
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    static DynaliteServer launch(Path node, Path cli, int port) {
        ProcessBuilder builder = new ProcessBuilder(List.of(node.toString(), cli.toString(),
                "--host", HOST, "--port", Integer.toString(port),
                // Tables are ACTIVE at once instead of after 500 ms in CREATING/UPDATING/DELETING.
                "--createTableMs", "0", "--updateTableMs", "0", "--deleteTableMs", "0"));
        builder.directory(cli.getParent().toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + node + " " + cli, e);
        }
        TailBuffer stderr = new TailBuffer(64 * 1024);
        CountDownLatch ready = new CountDownLatch(1);
        pump(process.getInputStream(), "dynalite-stdout-" + process.pid(), line -> {
            if (line.startsWith(READY_LINE)) {
                ready.countDown();
            }
        });
        pump(process.getErrorStream(), "dynalite-stderr-" + process.pid(), stderr::append);

        try {
            awaitReady(process, port, ready, stderr);
        } catch (RuntimeException e) {
            kill(process);
            throw e;
        }
        DynaliteServer server = new DynaliteServer(process, port, stderr);
        LOG.info("dynalite (pid {}) listening at {}", process.pid(), server.endpoint);
        return server;
    }

    private static void awaitReady(Process process, int port, CountDownLatch ready, TailBuffer stderr) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!ready.await(50, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    // Give the stderr pump a moment to collect the last lines before they are reported.
                    process.waitFor(1, TimeUnit.SECONDS);
                    Thread.sleep(100);
                    String err = stderr.text();
                    if (err.contains("EADDRINUSE")) {
                        throw new PortTakenException(port, err);
                    }
                    throw new IllegalStateException("dynalite exited with code " + process.exitValue()
                            + " before listening; stderr:\n" + err);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("dynalite did not start within " + START_TIMEOUT
                            + "; stderr:\n" + stderr.text());
                }
            }
            waitUntilAnswering(port, deadline, stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dynalite", e);
        }
    }

    /** The listening line comes from node's listen callback; an HTTP round trip proves requests are served. */
    private static void waitUntilAnswering(int port, long deadline, TailBuffer stderr) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest listTables = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/"))
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        IOException lastError;
        do {
            try {
                // Any DynamoDB answer will do (unsigned, it is a 400 MissingAuthenticationToken).
                HttpResponse<String> response = http.send(listTables, HttpResponse.BodyHandlers.ofString());
                if (response.body().contains("__type") || response.statusCode() == 200) {
                    return;
                }
                lastError = new IOException("unexpected answer: HTTP " + response.statusCode());
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("dynalite does not answer on port " + port + ": " + lastError
                + "; stderr:\n" + stderr.text());
    }

    /** The endpoint for {@code endpointOverride}, e.g. {@code http://127.0.0.1:40117}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return port;
    }

    /** The node process's id, for diagnostics and for checking that it is gone. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last 64 KiB the process wrote to stderr. */
    public String stderr() {
        return stderr.text();
    }

    /** Stops the process and any children, waiting for them to exit; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kill(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; it kills an already dead process, which is harmless.
        }
        LOG.info("dynalite (pid {}) stopped", process.pid());
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "DynaliteServer[pid " + process.pid() + ", " + endpoint + "]";
    }

    /**
     * The repository root: system property {@value #REPO_ROOT_PROPERTY} if set, else the nearest directory at
     * or above the working directory that holds {@code package-lock.json} (the Node tools' lockfile).
     *
     * @throws IllegalStateException if neither finds it
     */
    public static Path locateRepoRoot() {
        String property = System.getProperty(REPO_ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package-lock.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root: set -D" + REPO_ROOT_PROPERTY
                + " or run from inside the repository (no package-lock.json at or above " + start + ")");
    }

    static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static void pump(InputStream stream, String threadName, java.util.function.Consumer<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            } catch (IOException streamClosed) {
                // The process is gone; nothing more to read.
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Keeps the last {@code capacity} characters of a stream's lines. */
    private static final class TailBuffer {
        private final int capacity;
        private final StringBuilder text = new StringBuilder();

        TailBuffer(int capacity) {
            this.capacity = capacity;
        }

        synchronized void append(String line) {
            text.append(line).append('\n');
            if (text.length() > capacity) {
                text.delete(0, text.length() - capacity);
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }

    /** dynalite could not bind the port picked for it. */
    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port, String stderr) {
            super("port " + port + " was taken before dynalite bound it; stderr:\n" + stderr);
        }
    }
}
