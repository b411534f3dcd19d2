package dev.ecsa.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ecsa.local.sim.Authorizer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * A front for a JSON-protocol service the bench runs as it is (dynalite for DynamoDB): every call is authorized
 * first, and a denied one gets {@code AccessDeniedException} as the service sends it; an allowed one is forwarded
 * unchanged and its answer returned.
 */
public final class AuthorizingFront implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FORWARDED = List.of("Content-Type", "X-Amz-Target", "X-Amz-Date",
            "Authorization", "X-Amz-Security-Token");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI backend;
    private final Authorizer authorizer;

    public AuthorizingFront(URI backend, Authorizer authorizer) throws IOException {
        this.backend = backend;
        this.authorizer = authorizer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "iam-front");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String key = Authorizer.accessKeyOf(exchange.getRequestHeaders().getFirst("Authorization"));
            if (key != null) {
                JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                Optional<String> denied = authorizer.denial(key, target, request);
                if (denied.isPresent()) {
                    byte[] error = JSON.writeValueAsBytes(JSON.createObjectNode()
                            .put("__type", "com.amazon.coral.service#AccessDeniedException")
                            .put("message", denied.get()));
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                    exchange.sendResponseHeaders(400, error.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(error);
                    }
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().getPath()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            byte[] error = ("{\"__type\":\"InternalFailure\",\"message\":\"" + e.getClass().getSimpleName() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, error.length);
            exchange.getResponseBody().write(error);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
