package dev.ecsa.local.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ecsa.local.dynamo.DynaliteServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Amazon States Language definitions on aws-local-stepfunctions (npm, from the repository's lockfile), with
 * Task states bound to Java: the same definition that deploys, interpreted locally.
 *
 * <p>One long-running Node process (a runner script shipped as a resource) serves every execution; requests and
 * results go over its stdin and stdout, one JSON object per line. Each Task state calls back over HTTP to a
 * loopback endpoint of this object (authenticated by a per-instance token), which calls the execution's
 * {@link TaskHandler}. Errors reach the interpreter by name, so {@code Retry} and {@code Catch} match them as on
 * AWS, where the Lambda runtime reports a Java exception's class name as the error type.
 *
 * <p>Every definition is validated with asl-validator before it runs ({@link InvalidDefinitionException}).
 * The process is stopped on {@link #close()}, and by a JVM shutdown hook if nobody closes it; it also exits by
 * itself when its stdin closes, so a dead JVM leaves nothing behind.
 */
public final class LocalStepFunctions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStepFunctions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNNER_RESOURCE = "sfn-runner.cjs";
    private static final String TOKEN_HEADER = "x-ecsa-token";
    private static final int TASK_BACKLOG = 1024;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path runnerFile;
    private final HttpServer taskServer;
    private final ExecutorService taskThreads;
    private final String token;
    private final Writer stdin;
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Map<String, CompletableFuture<JsonNode>> validations = new ConcurrentHashMap<>();
    private final Map<String, Running> executions = new ConcurrentHashMap<>();
    private final Set<String> validDefinitions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private record Running(TaskHandler handler, CompletableFuture<ExecutionResult> result) {
    }

    private LocalStepFunctions(Path nodeModules) throws IOException {
        this.token = UUID.randomUUID().toString();
        this.taskThreads = Executors.newCachedThreadPool(daemonThreads("sfn-task-"));
        // A deep accept queue: hundreds of executions may call their Tasks at once (the default, 50, refused
        // connections at 200 concurrent drains, which no Lambda endpoint does).
        this.taskServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TASK_BACKLOG);
        taskServer.createContext("/task", this::handleTask);
        taskServer.setExecutor(taskThreads);
        taskServer.start();

        this.runnerFile = Files.createTempFile("ecsa-sfn-runner-", ".cjs");
        try (InputStream script = LocalStepFunctions.class.getResourceAsStream(RUNNER_RESOURCE)) {
            if (script == null) {
                throw new IllegalStateException("resource " + RUNNER_RESOURCE + " is missing from the classpath");
            }
            Files.copy(script, runnerFile, StandardCopyOption.REPLACE_EXISTING);
        }
        String callback = "http://127.0.0.1:" + taskServer.getAddress().getPort() + "/task";
        ProcessBuilder builder = new ProcessBuilder("node", runnerFile.toString(), nodeModules.toString(), callback);
        builder.environment().put("ECSA_SFN_TOKEN", token);
        try {
            this.process = builder.start();
        } catch (IOException e) {
            cleanUpHostSide();
            throw new IllegalStateException("cannot start node (is Node.js on PATH? run bin/setup)", e);
        }
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        pump(process.getInputStream(), "sfn-runner-stdout-" + process.pid(), this::onMessage, this::onRunnerExit);
        pump(process.getErrorStream(), "sfn-runner-stderr-" + process.pid(), this::appendStderr, () -> { });
        this.shutdownHook = new Thread(() -> kill(process), "sfn-runner-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the interpreter with the Node tools of the repository found by {@link DynaliteServer#locateRepoRoot()}. */
    public static LocalStepFunctions launch() {
        return launch(DynaliteServer.locateRepoRoot());
    }

    /**
     * Starts the interpreter with {@code <repoRoot>/node_modules} (aws-local-stepfunctions, asl-validator) and the
     * {@code node} on PATH, and waits until the runner is ready.
     *
     * @throws IllegalStateException if node or the packages are missing, or the runner does not come up
     */
    public static LocalStepFunctions launch(Path repoRoot) {
        Path nodeModules = repoRoot.resolve("node_modules").toAbsolutePath();
        for (String pkg : List.of("aws-local-stepfunctions", "asl-validator")) {
            if (!Files.isRegularFile(nodeModules.resolve(pkg).resolve("package.json"))) {
                throw new IllegalStateException(pkg + " is not installed in " + nodeModules + "; run bin/setup");
            }
        }
        LocalStepFunctions sfn;
        try {
            sfn = new LocalStepFunctions(nodeModules);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Step Functions runner", e);
        }
        try {
            sfn.awaitReady();
        } catch (RuntimeException e) {
            sfn.close();
            throw e;
        }
        LOG.info("aws-local-stepfunctions runner (pid {}) ready", sfn.process.pid());
        return sfn;
    }

    /** Reads a definition file (e.g. {@code infra-cdk/target/drain-workflow.asl.json}). */
    public static JsonNode readDefinition(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state machine definition " + file, e);
        }
    }

    /**
     * Validates a definition with asl-validator (JSONPaths and Task ARNs included).
     *
     * @throws InvalidDefinitionException with the validator's findings if it is not valid
     */
    public void validate(JsonNode definition) {
        Objects.requireNonNull(definition, "definition");
        String text = definition.toString();
        if (validDefinitions.contains(text)) {
            return;
        }
        String id = "validate-" + ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        validations.put(id, answer);
        ObjectNode request = JSON.createObjectNode().put("op", "validate").put("id", id);
        request.set("definition", definition);
        send(request);
        JsonNode verdict = await(answer, "validation");
        if (!verdict.path("valid").asBoolean()) {
            throw new InvalidDefinitionException(verdict.path("errors").asText());
        }
        validDefinitions.add(text);
    }

    /**
     * Validates the definition, then starts an execution of it.
     *
     * @param definition the ASL definition
     * @param input      the execution input (any JSON value)
     * @param handler    what every Task state of this execution does
     * @param options    wait and retry-interval overrides
     * @throws InvalidDefinitionException if the definition is not valid
     */
    public LocalExecution startExecution(JsonNode definition, JsonNode input, TaskHandler handler,
                                         ExecutionOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        validate(definition);
        String id = "exec-" + ids.incrementAndGet();
        CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
        executions.put(id, new Running(handler, result));
        ObjectNode request = JSON.createObjectNode().put("op", "start").put("id", id);
        request.set("definition", definition);
        request.set("input", input == null ? NullNode.getInstance() : input);
        request.set("overrides", overrides(options));
        try {
            send(request);
        } catch (RuntimeException e) {
            executions.remove(id);
            throw e;
        }
        return new LocalExecution(id, result, () -> send(JSON.createObjectNode().put("op", "stop").put("id", id)));
    }

    /** {@link #startExecution} and wait for its end. */
    public ExecutionResult run(JsonNode definition, JsonNode input, TaskHandler handler, ExecutionOptions options,
                               Duration timeout) {
        return startExecution(definition, input, handler, options).await(timeout);
    }

    /** The Node process's id, for diagnostics and for checking that it is gone. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the runner (running executions fail with IllegalStateException) and the callback endpoint; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stdin.close(); // the runner exits when its stdin ends
        } catch (IOException alreadyGone) {
            // The process is gone already.
        }
        kill(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook kills an already dead process, which is harmless.
        }
        failPending(new IllegalStateException("LocalStepFunctions was closed"));
        cleanUpHostSide();
        LOG.info("aws-local-stepfunctions runner (pid {}) stopped", process.pid());
    }

    @Override
    public String toString() {
        return "LocalStepFunctions[pid " + process.pid() + "]";
    }

    // ---- runner protocol ----

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!ready.await(50, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    process.waitFor(1, TimeUnit.SECONDS);
                    Thread.sleep(100); // let the stderr pump collect the last lines
                    throw new IllegalStateException("the Step Functions runner exited with code " + process.exitValue()
                            + " before it was ready; stderr:\n" + stderr);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Step Functions runner was not ready within " + START_TIMEOUT
                            + "; stderr:\n" + stderr);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Step Functions runner", e);
        }
    }

    private void send(ObjectNode request) {
        if (closed) {
            throw new IllegalStateException("LocalStepFunctions is closed");
        }
        synchronized (stdin) {
            try {
                stdin.write(request.toString());
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new IllegalStateException("the Step Functions runner is gone; stderr:\n" + stderr, e);
            }
        }
    }

    private void onMessage(String line) {
        if (!line.startsWith("{")) {
            LOG.debug("sfn-runner: {}", line);
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException e) {
            LOG.warn("sfn-runner wrote a line that is not JSON ({})", e.getMessage());
            return;
        }
        String id = message.path("id").asText();
        switch (message.path("type").asText()) {
            case "ready" -> ready.countDown();
            case "validated" -> {
                CompletableFuture<JsonNode> answer = validations.remove(id);
                if (answer != null) {
                    answer.complete(message);
                }
            }
            case "finished" -> {
                Running running = executions.remove(id);
                if (running != null) {
                    running.result().complete(toResult(id, message));
                }
            }
            case "rejected" -> {
                IllegalStateException error = new IllegalStateException(
                        "the interpreter refused the request: " + message.path("message").asText());
                Running running = executions.remove(id);
                if (running != null) {
                    running.result().completeExceptionally(error);
                }
                CompletableFuture<JsonNode> answer = validations.remove(id);
                if (answer != null) {
                    answer.completeExceptionally(error);
                }
            }
            default -> LOG.warn("sfn-runner sent an unknown message type: {}", message.path("type").asText());
        }
    }

    private void onRunnerExit() {
        if (!closed) {
            LOG.warn("the Step Functions runner (pid {}) exited unexpectedly; stderr:\n{}", process.pid(), stderr);
            failPending(new IllegalStateException("the Step Functions runner exited; stderr:\n" + stderr));
        }
    }

    private void failPending(RuntimeException error) {
        validations.values().forEach(f -> f.completeExceptionally(error));
        validations.clear();
        executions.values().forEach(r -> r.result().completeExceptionally(error));
        executions.clear();
    }

    private static ExecutionResult toResult(String id, JsonNode message) {
        List<ExecutionEvent> events = new ArrayList<>();
        for (JsonNode e : message.path("events")) {
            events.add(new ExecutionEvent(
                    e.path("type").asText(),
                    Instant.ofEpochMilli(e.path("timestamp").asLong()),
                    textOrNull(e, "stateName"),
                    textOrNull(e, "stateType"),
                    textOrNull(e, "error"),
                    textOrNull(e, "cause"),
                    e.has("retryAttempt") ? e.get("retryAttempt").asInt() : null));
        }
        ExecutionStatus status = ExecutionStatus.valueOf(message.path("status").asText());
        JsonNode output = status == ExecutionStatus.SUCCEEDED ? message.path("output") : null;
        return new ExecutionResult(id, status, output, textOrNull(message, "error"), textOrNull(message, "cause"),
                events);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode overrides(ExecutionOptions options) {
        ObjectNode overrides = JSON.createObjectNode();
        if (options.allWaits() != null) {
            overrides.put("waitAllMs", options.allWaits().toMillis());
        }
        if (options.allRetryIntervals() != null) {
            overrides.put("retryAllMs", options.allRetryIntervals().toMillis());
        }
        ObjectNode waits = overrides.putObject("waitMs");
        options.waits().forEach((state, d) -> waits.put(state, d.toMillis()));
        ObjectNode retries = overrides.putObject("retryMs");
        options.retryIntervals().forEach((state, d) -> retries.put(state, d.toMillis()));
        return overrides;
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Step Functions runner did not answer a " + what + " within "
                    + REQUEST_TIMEOUT + "; stderr:\n" + stderr, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a " + what, e);
        }
    }

    // ---- Task callbacks ----

    private void handleTask(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())
                    || !token.equals(exchange.getRequestHeaders().getFirst(TOKEN_HEADER))) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String stateName = request.path("stateName").asText();
            JsonNode input = request.hasNonNull("input") ? request.get("input") : NullNode.getInstance();
            Running running = executions.get(request.path("executionId").asText());
            ObjectNode reply = JSON.createObjectNode();
            if (running == null) {
                reply.put("error", "States.TaskFailed").put("cause", "the execution is no longer running");
            } else {
                try {
                    invoke(running.handler(), stateName, input, reply);
                } catch (LambdaServiceFault fault) {
                    if (fault.unreachable()) {
                        return; // closed without an answer: the runner's fetch fails, as a call that never arrived
                    }
                    byte[] text = fault.getMessage() == null ? new byte[0]
                            : fault.getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(503, text.length == 0 ? -1 : text.length);
                    if (text.length > 0) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(text);
                        }
                    }
                    return;
                }
            }
            byte[] body = JSON.writeValueAsBytes(reply);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void invoke(TaskHandler handler, String stateName, JsonNode input, ObjectNode reply) {
        try {
            JsonNode output = handler.handle(stateName, input);
            reply.set("output", output == null ? NullNode.getInstance() : output);
        } catch (LambdaServiceFault e) {
            throw e;
        } catch (TaskFailedException e) {
            reply.put("error", e.error()).put("cause", e.cause());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // a Lambda function reports any Throwable as a function error
            // The Lambda runtime's error payload, which Step Functions puts in the Cause as a JSON string.
            ObjectNode lambdaError = JSON.createObjectNode();
            if (e.getMessage() != null) {
                lambdaError.put("errorMessage", e.getMessage());
            }
            lambdaError.put("errorType", e.getClass().getName());
            reply.put("error", e.getClass().getName()).put("cause", lambdaError.toString());
            LOG.debug("task {} failed with {}", stateName, e.getClass().getName());
        }
    }

    // ---- process plumbing ----

    private void appendStderr(String line) {
        stderr.append(line).append('\n');
        if (stderr.length() > 64 * 1024) {
            stderr.delete(0, stderr.length() - 64 * 1024);
        }
    }

    private void cleanUpHostSide() {
        taskServer.stop(0);
        taskThreads.shutdownNow();
        try {
            Files.deleteIfExists(runnerFile);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", runnerFile, e.getMessage());
        }
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis() / 5, TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void pump(InputStream stream, String threadName, Consumer<String> lines, Runnable atEnd) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            } catch (IOException streamClosed) {
                // The process is gone; nothing more to read.
            }
            atEnd.run();
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
