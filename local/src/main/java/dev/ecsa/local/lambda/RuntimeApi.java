package dev.ecsa.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lambda's Runtime API for one execution environment, as the runtime interface client in the function's JVM calls
 * it (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): {@code GET /runtime/invocation/next} long-polls
 * for the next event, {@code POST /runtime/invocation/{id}/response} and {@code .../error} end it, and
 * {@code POST /runtime/init/error} reports a failed init. One invocation at a time, as in Lambda.
 */
final class RuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    /** What an invocation ended with. */
    record Outcome(boolean ok, byte[] body, String errorType) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Pending(String requestId, byte[] payload, long deadlineMs, String functionArn,
                           CompletableFuture<Outcome> result) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Outcome> initError = new CompletableFuture<>();
    private volatile boolean restored;
    /** System.nanoTime() when the runtime first asked for work (init done), or 0 before. */
    private volatile long readyNanos;

    RuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one event; the future completes when the function answers. */
    CompletableFuture<Outcome> submit(byte[] payload, Instant deadline, String functionArn) {
        Pending p = new Pending(UUID.randomUUID().toString(), payload, deadline.toEpochMilli(), functionArn,
                new CompletableFuture<>());
        queue.add(p);
        return p.result();
    }

    /** Whether the runtime asked for its SnapStart restore (it does when AWS_LAMBDA_INITIALIZATION_TYPE=snap-start). */
    boolean restored() {
        return restored;
    }

    /** {@code System.nanoTime()} when the runtime first asked for an event (its init was done), 0 until then. */
    long readyNanos() {
        return readyNanos;
    }

    /** Completes when the runtime reports a failed init. */
    CompletableFuture<Outcome> initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (readyNanos == 0 && (path.equals("invocation/next") || path.equals("restore/next"))) {
            readyNanos = System.nanoTime();
        }
        try {
            if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                Pending next = queue.poll(1, TimeUnit.HOURS);
                if (next == null) {
                    reply(exchange, 500, new byte[0]);
                    return;
                }
                running.put(next.requestId(), next);
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.requestId());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(next.deadlineMs()));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", next.functionArn());
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id",
                        "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                                + next.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                reply(exchange, 200, next.payload());
            } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
                complete(exchange, path, new Outcome(true, body, null));
            } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
                complete(exchange, path, new Outcome(false, body, errorType(exchange, body)));
            } else if (path.equals("restore/next") && exchange.getRequestMethod().equals("GET")) {
                // SnapStart: the runtime asks for the restore event after init; the bench "restores" at once.
                restored = true;
                reply(exchange, 200, new byte[0]);
            } else if (path.equals("restore/error")) {
                initError.complete(new Outcome(false, body, errorType(exchange, body)));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("init/error")) {
                initError.complete(new Outcome(false, body, errorType(exchange, body)));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                reply(exchange, 404, new byte[0]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(exchange, 500, new byte[0]);
        }
    }

    private void complete(HttpExchange exchange, String path, Outcome outcome) throws IOException {
        String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
        Pending p = running.remove(id);
        if (p == null) {
            reply(exchange, 400, "{\"errorType\":\"InvalidRequestID\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        p.result().complete(outcome);
        reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The error's type as Step Functions sees it: the body's {@code errorType} (the exception's class name, which a
     * Retry or Catch matches), or else the runtime's {@code Lambda-Runtime-Function-Error-Type} header.
     */
    private static String errorType(HttpExchange exchange, byte[] body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"errorType\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(new String(body, StandardCharsets.UTF_8));
        if (m.find()) {
            return m.group(1);
        }
        String header = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        return header == null || header.isBlank() ? "Unknown" : header;
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** Ends the invocation that is running, e.g. when its function was stopped for running past its timeout. */
    void abandonRunning(Outcome outcome) {
        running.values().forEach(p -> p.result().complete(outcome));
        running.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
