package dev.ecsa.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The container credentials endpoint Lambda gives a SnapStart function: {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}
 * with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} (AWS Lambda docs, "Activating and managing Lambda SnapStart"). Each
 * function gets its own token and temporary credentials whose access key id names its role, so the bench knows which
 * role made a call. A request without a known token gets 401, as from Lambda.
 */
public final class ContainerCredentials implements AutoCloseable {

    /** What one function is given. */
    public record Grant(String role, String token, URI uri, String accessKeyId) {
    }

    private final HttpServer server;
    private final Map<String, Grant> byToken = new ConcurrentHashMap<>();
    private final Map<String, String> roleByKey = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();

    public ContainerCredentials() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/credentials", this::handle);
        server.start();
    }

    /** Credentials for a function running with {@code role} (the template's logical id of its role). */
    public Grant grant(String role) {
        String token = UUID.randomUUID().toString();
        String key = "ASIA" + UUID.nameUUIDFromBytes(role.getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        Grant grant = new Grant(role, token,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/credentials"), key);
        byToken.put(token, grant);
        roleByKey.put(key, role);
        return grant;
    }

    /** The role whose credentials carry this access key id, if the bench handed them out. */
    public String roleOf(String accessKeyId) {
        return roleByKey.get(accessKeyId);
    }

    /** How many times credentials were fetched. */
    public long served() {
        return served.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Grant grant = byToken.get(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        byte[] body;
        int status;
        if (grant == null) {
            status = 401;
            body = "{\"message\":\"invalid authorization token\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            served.incrementAndGet();
            status = 200;
            body = ("{\"AccessKeyId\":\"" + grant.accessKeyId() + "\",\"SecretAccessKey\":\"bench-secret-"
                    + grant.role() + "\",\"Token\":\"bench-session-" + grant.role() + "\",\"Expiration\":\""
                    + Instant.now().plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
