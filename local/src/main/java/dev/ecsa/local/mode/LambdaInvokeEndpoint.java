package dev.ecsa.local.mode;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ecsa.local.lambda.LambdaFunction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Lambda's Invoke API ({@code POST /2015-03-31/functions/{FunctionName}/invocations}, RequestResponse) for the local
 * mode's functions that an operator may invoke: today only the reconciler ({@code ecsa reconcile --now}), so the CLI
 * uses the same SDK call against the local mode as against AWS. A function error is answered as Lambda answers it:
 * status 200, header {@code X-Amz-Function-Error: Unhandled}, the error document as the payload.
 */
final class LambdaInvokeEndpoint implements AutoCloseable {

    private static final String PREFIX = "/2015-03-31/functions/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Supplier<LambdaFunction.Invocation>> functions;

    /** @param functions by name: what invoking each one runs */
    LambdaInvokeEndpoint(Map<String, Supplier<LambdaFunction.Invocation>> functions) throws IOException {
        this.functions = Map.copyOf(functions);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-lambda-invoke");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (!exchange.getRequestMethod().equals("POST") || !path.startsWith(PREFIX)
                    || !path.endsWith("/invocations")) {
                notFound(exchange, "No such operation: " + exchange.getRequestMethod() + " " + path);
                return;
            }
            String name = URLDecoder.decode(path.substring(PREFIX.length(), path.length() - "/invocations".length()),
                    StandardCharsets.UTF_8);
            Supplier<LambdaFunction.Invocation> function = find(name);
            if (function == null) {
                notFound(exchange, "Function not found: " + name + " (the local mode lets an operator invoke "
                        + String.join(", ", functions.keySet()) + ")");
                return;
            }
            LambdaFunction.Invocation result = function.get();
            answer(exchange, 200, result.ok() ? null : "Unhandled", result.body());
        }
    }

    /** By name, or by an ARN (with or without a qualifier) that names it. */
    private Supplier<LambdaFunction.Invocation> find(String name) {
        for (Map.Entry<String, Supplier<LambdaFunction.Invocation>> e : functions.entrySet()) {
            if (name.equals(e.getKey()) || name.endsWith(":function:" + e.getKey())
                    || name.contains(":function:" + e.getKey() + ":")) {
                return e.getValue();
            }
        }
        return null;
    }

    private static void notFound(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().add("X-Amzn-ErrorType", "ResourceNotFoundException");
        answer(exchange, 404, null, "{\"Type\":\"User\",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    private static void answer(HttpExchange exchange, int status, String functionError, String body)
            throws IOException {
        byte[] bytes = (body == null ? "null" : body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
        if (functionError != null) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
