package dev.ecsa.local.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Just the simulator's agent contract (/_sim/agent/...), for testing the install-script stand-in before
 * the real simulator is merged. Activation "act-good" / code "code-good" is valid once per host name;
 * "act-expired" is expired; a wrong code is InvalidActivation; any other id is InvalidActivationId.
 * Cluster "missing" does not exist.
 */
final class AgentApiStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    final List<JsonNode> ssmRegistrations = new CopyOnWriteArrayList<>();
    final List<JsonNode> ecsRegistrations = new CopyOnWriteArrayList<>();
    final List<JsonNode> pings = new CopyOnWriteArrayList<>();
    final List<JsonNode> connects = new CopyOnWriteArrayList<>();
    private final Map<String, String> instanceByHost = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    AgentApiStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/_sim/agent/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        JsonNode body = JSON.readTree(x.getRequestBody());
        String path = x.getRequestURI().getPath();
        switch (path) {
            case "/_sim/agent/ssm/register" -> {
                ssmRegistrations.add(body);
                String id = body.path("activationId").asText();
                if (id.equals("act-expired")) {
                    error(x, "ActivationExpired", "Activation act-expired has expired");
                } else if (!id.equals("act-good")) {
                    error(x, "InvalidActivationId", "Activation ID " + id + " not found");
                } else if (!body.path("activationCode").asText().equals("code-good")) {
                    error(x, "InvalidActivation", "Activation code does not match");
                } else {
                    String mi = String.format("mi-%017x", next.getAndIncrement());
                    instanceByHost.put(body.path("hostname").asText(), mi);
                    send(x, 200, JSON.createObjectNode().put("instanceId", mi).put("region", body.path("region").asText()));
                }
            }
            case "/_sim/agent/ssm/ping" -> {
                pings.add(body);
                send(x, 200, JSON.createObjectNode());
            }
            case "/_sim/agent/ecs/register" -> {
                ecsRegistrations.add(body);
                String cluster = body.path("cluster").asText();
                String mi = body.path("instanceId").asText();
                if (cluster.equals("missing")) {
                    error(x, "ClusterNotFoundException", "Cluster not found.");
                } else if (!mi.matches("mi-[0-9a-f]{17}")) {
                    error(x, "InvalidInstanceId", "bad instance id " + mi);
                } else {
                    send(x, 200, JSON.createObjectNode()
                            .put("containerInstanceArn", "arn:aws:ecs:us-east-1:000000000000:container-instance/" + cluster + "/" + mi.substring(3))
                            .put("cluster", cluster));
                }
            }
            case "/_sim/agent/ecs/connect" -> {
                connects.add(body);
                send(x, 200, JSON.createObjectNode());
            }
            default -> send(x, 404, JSON.createObjectNode().put("message", "no such path"));
        }
    }

    private static void error(HttpExchange x, String type, String message) throws IOException {
        send(x, 400, JSON.createObjectNode().put("__type", type).put("message", message));
    }

    private static void send(HttpExchange x, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
