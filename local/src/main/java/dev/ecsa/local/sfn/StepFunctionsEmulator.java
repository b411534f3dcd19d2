package dev.ecsa.local.sfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Step Functions API on 127.0.0.1 for the state machines registered with it, their executions running on
 * {@link LocalStepFunctions}. An unmodified AWS SDK v2 {@code SfnClient} talks to it with
 * {@code endpointOverride(endpoint())}, any region and static credentials (requests are not authenticated).
 *
 * <p>It speaks the AWS JSON 1.0 protocol ({@code X-Amz-Target: AWSStepFunctions.<Operation>}) for StartExecution,
 * DescribeExecution, ListExecutions, StopExecution and DescribeStateMachine, with the API's typed errors
 * ({@code ExecutionAlreadyExists}, {@code ExecutionDoesNotExist}, {@code InvalidName}, {@code InvalidArn},
 * {@code InvalidExecutionInput}, {@code StateMachineDoesNotExist}, {@code ValidationException}).
 *
 * <p>StartExecution follows the documented rules for a name that is already used: while that execution is
 * running, the same input returns the same execution (idempotent) and a different input is
 * {@code ExecutionAlreadyExists}; once it has ended, the name is taken whatever the input (AWS frees names after
 * 90 days, which a local run never reaches).
 */
public final class StepFunctionsEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsEmulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final Pattern STATE_MACHINE_ARN =
            Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[^:\\s]{1,80}");
    /** StartExecution's name rules: no whitespace, brackets, wildcards, special or control characters. */
    private static final Pattern FORBIDDEN_NAME_CHARS =
            Pattern.compile("[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1F\\x7F-\\x9F]");
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;

    private final LocalStepFunctions sfn;
    private final HttpServer server;
    private final ExecutorService threads;
    private final URI endpoint;
    private final Map<String, StateMachine> stateMachines = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Object startLock = new Object();

    private record StateMachine(String arn, String name, JsonNode definition, TaskHandler handler,
                                ExecutionOptions options, Instant creationDate) {
    }

    /** One execution; mutable fields are guarded by the instance's monitor. */
    private static final class Execution {
        final String arn;
        final String stateMachineArn;
        final String name;
        final String input;
        final JsonNode inputTree;
        final Instant startDate;
        final long sequence;
        LocalExecution local;
        ExecutionStatus status = ExecutionStatus.RUNNING;
        Instant stopDate;
        String output;
        String error;
        String cause;

        Execution(String arn, String stateMachineArn, String name, String input, JsonNode inputTree, long sequence) {
            this.arn = arn;
            this.stateMachineArn = stateMachineArn;
            this.name = name;
            this.input = input;
            this.inputTree = inputTree;
            this.startDate = Instant.now();
            this.sequence = sequence;
        }

        synchronized void end(ExecutionStatus endStatus, String endOutput, String endError, String endCause) {
            if (status.isTerminal()) {
                return; // stopped already: the interpreter's late answer changes nothing
            }
            status = endStatus;
            output = endOutput;
            error = endError;
            cause = endCause;
            stopDate = Instant.now();
        }
    }

    private static final class ApiException extends RuntimeException {
        final String type;

        ApiException(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    private StepFunctionsEmulator(LocalStepFunctions sfn) throws IOException {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "sfn-emulator");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Starts the API on a free loopback port. Executions run on {@code sfn}, which the caller keeps and closes
     * (after this emulator).
     */
    public static StepFunctionsEmulator start(LocalStepFunctions sfn) {
        try {
            StepFunctionsEmulator emulator = new StepFunctionsEmulator(sfn);
            LOG.info("Step Functions emulator listening at {}", emulator.endpoint);
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Step Functions emulator's port", e);
        }
    }

    /**
     * Registers (or replaces) a state machine; its definition is validated first.
     *
     * @param stateMachineArn e.g. {@code arn:aws:states:us-east-1:123456789012:stateMachine:DrainWorkflow}
     * @param definition      the ASL definition
     * @param handler         what its Task states do
     * @param options         wait and retry-interval overrides for its executions
     * @throws InvalidDefinitionException if the definition is not valid
     * @throws IllegalArgumentException   if the ARN is not a state machine ARN
     */
    public void register(String stateMachineArn, JsonNode definition, TaskHandler handler, ExecutionOptions options) {
        if (!STATE_MACHINE_ARN.matcher(stateMachineArn).matches()) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        sfn.validate(definition);
        String name = stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
        stateMachines.put(stateMachineArn, new StateMachine(stateMachineArn, name, definition,
                Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(options, "options"), Instant.now()));
    }

    /** The endpoint for {@code endpointOverride}, e.g. {@code http://127.0.0.1:40117}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Waits for an execution started through the API to end and returns the interpreter's result, event log included
     * (DescribeExecution has no event log, and tests assert on retries and transitions). Not an AWS operation.
     *
     * @throws IllegalArgumentException if no execution has this ARN
     * @throws IllegalStateException    if it does not end within {@code timeout}
     */
    public ExecutionResult awaitResult(String executionArn, Duration timeout) {
        Execution execution = executions.get(executionArn);
        if (execution == null) {
            throw new IllegalArgumentException("no execution " + executionArn);
        }
        LocalExecution local;
        synchronized (execution) {
            local = execution.local;
        }
        if (local == null) {
            throw new IllegalStateException("execution " + executionArn + " has not been handed to the interpreter");
        }
        return local.await(timeout);
    }

    /** An execution running now: its ARN and its input. */
    public record Running(String executionArn, JsonNode input) {
    }

    /** The executions of {@code stateMachineArn} running now, oldest first. Not an AWS operation. */
    public List<Running> runningExecutions(String stateMachineArn) {
        return executions.values().stream().filter(e -> e.stateMachineArn.equals(stateMachineArn))
                .filter(e -> {
                    synchronized (e) {
                        return e.status == ExecutionStatus.RUNNING;
                    }
                })
                .sorted(Comparator.comparingLong(e -> e.sequence)).map(e -> new Running(e.arn, e.inputTree))
                .toList();
    }

    /**
     * Stops an execution as StopExecution does (ABORTED, with the error and cause given): what an operator's stop in
     * the console, or an execution reaching its timeout, leaves behind. No effect on one that has ended.
     */
    public void stop(String executionArn, String error, String cause) {
        stopExecution(JSON.createObjectNode().put("executionArn", executionArn).put("error", error)
                .put("cause", cause));
    }

    /** Stops the API and every running execution; the {@link LocalStepFunctions} stays open. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        for (Execution execution : executions.values()) {
            LocalExecution local;
            synchronized (execution) {
                local = execution.status.isTerminal() ? null : execution.local;
            }
            if (local != null) {
                try {
                    local.stop();
                } catch (IllegalStateException interpreterClosed) {
                    // Nothing left to stop.
                }
            }
        }
    }

    @Override
    public String toString() {
        return "StepFunctionsEmulator[" + endpoint + "]";
    }

    private volatile dev.ecsa.local.sim.Authorizer authorizer;

    /** Authorizes every call signed with credentials the authorizer knows (null: none is checked). */
    public void authorizeWith(dev.ecsa.local.sim.Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            int status = 200;
            JsonNode reply;
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                    throw new ApiException("UnknownOperationException", "expected POST with X-Amz-Target: "
                            + TARGET_PREFIX + "<Operation>");
                }
                JsonNode request = readBody(exchange);
                dev.ecsa.local.sim.Authorizer iam = authorizer;
                String key = dev.ecsa.local.sim.Authorizer.accessKeyOf(
                        exchange.getRequestHeaders().getFirst("Authorization"));
                if (iam != null && key != null) {
                    java.util.Optional<String> denied = iam.denial(key, target, request);
                    if (denied.isPresent()) {
                        throw new ApiException("AccessDeniedException", denied.get());
                    }
                }
                reply = dispatch(target.substring(TARGET_PREFIX.length()), request);
            } catch (ApiException e) {
                status = 400;
                reply = JSON.createObjectNode().put("__type", e.type).put("message", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("Step Functions emulator failed on {}", target, e);
                status = 500;
                reply = JSON.createObjectNode().put("__type", "InternalFailure").put("message", String.valueOf(e));
            }
            byte[] body = JSON.writeValueAsBytes(reply);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode body = JSON.readTree(bytes);
            if (!body.isObject()) {
                throw new ApiException("SerializationException", "the request body is not a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new ApiException("SerializationException", "the request body is not JSON");
        }
    }

    private JsonNode dispatch(String operation, JsonNode request) {
        return switch (operation) {
            case "StartExecution" -> startExecution(request);
            case "DescribeExecution" -> describeExecution(request);
            case "ListExecutions" -> listExecutions(request);
            case "StopExecution" -> stopExecution(request);
            case "DescribeStateMachine" -> describeStateMachine(request);
            default -> throw new ApiException("UnknownOperationException",
                    "the local emulator does not implement " + operation);
        };
    }

    // ---- operations ----

    private JsonNode startExecution(JsonNode request) {
        StateMachine machine = stateMachine(required(request, "stateMachineArn"));
        String name = request.hasNonNull("name") ? request.get("name").asText() : UUID.randomUUID().toString();
        if (name.isEmpty() || name.length() > 80 || FORBIDDEN_NAME_CHARS.matcher(name).find()) {
            throw new ApiException("InvalidName", "Invalid Name: '" + name + "' (1-80 characters, no whitespace, "
                    + "brackets, wildcards, special or control characters)");
        }
        String input = request.hasNonNull("input") ? request.get("input").asText() : "{}";
        JsonNode inputTree;
        try {
            inputTree = JSON.readTree(input);
        } catch (JsonProcessingException e) {
            throw new ApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: '"
                    + e.getOriginalMessage() + "'");
        }
        if (inputTree == null || inputTree.isMissingNode()) {
            throw new ApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: empty");
        }
        String arn = machine.arn().replace(":stateMachine:", ":execution:") + ":" + name;
        Execution execution;
        synchronized (startLock) {
            Execution existing = executions.get(arn);
            if (existing != null) {
                synchronized (existing) {
                    if (existing.status == ExecutionStatus.RUNNING && existing.inputTree.equals(inputTree)) {
                        return startReply(existing);
                    }
                }
                throw new ApiException("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
            }
            execution = new Execution(arn, machine.arn(), name, input, inputTree, sequence.incrementAndGet());
            executions.put(arn, execution);
        }
        LocalExecution local;
        try {
            local = sfn.startExecution(machine.definition(), inputTree, machine.handler(), machine.options());
        } catch (RuntimeException e) {
            executions.remove(arn);
            throw e;
        }
        synchronized (execution) {
            execution.local = local;
        }
        local.result().whenComplete((result, failure) -> {
            if (failure != null) {
                execution.end(ExecutionStatus.FAILED, null, "States.Runtime", failure.getMessage());
            } else {
                execution.end(result.status(), result.output() == null ? null : result.output().toString(),
                        result.error(), result.cause());
            }
        });
        return startReply(execution);
    }

    private static JsonNode startReply(Execution execution) {
        return JSON.createObjectNode().put("executionArn", execution.arn).put("startDate", epoch(execution.startDate));
    }

    private JsonNode describeExecution(JsonNode request) {
        Execution execution = execution(required(request, "executionArn"));
        synchronized (execution) {
            ObjectNode reply = summary(execution);
            reply.put("input", execution.input);
            reply.putObject("inputDetails").put("included", true);
            if (execution.output != null) {
                reply.put("output", execution.output);
                reply.putObject("outputDetails").put("included", true);
            }
            if (execution.error != null) {
                reply.put("error", execution.error);
            }
            if (execution.cause != null) {
                reply.put("cause", execution.cause);
            }
            return reply;
        }
    }

    private JsonNode listExecutions(JsonNode request) {
        StateMachine machine = stateMachine(required(request, "stateMachineArn"));
        ExecutionStatus filter = null;
        if (request.hasNonNull("statusFilter")) {
            try {
                filter = ExecutionStatus.valueOf(request.get("statusFilter").asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException("ValidationException", "invalid statusFilter: " + request.get("statusFilter"));
            }
        }
        int maxResults = request.path("maxResults").asInt(0);
        if (maxResults < 0 || maxResults > MAX_PAGE_SIZE) {
            throw new ApiException("ValidationException", "maxResults must be 0-" + MAX_PAGE_SIZE);
        }
        int pageSize = maxResults == 0 ? DEFAULT_PAGE_SIZE : maxResults;
        long before = Long.MAX_VALUE;
        if (request.hasNonNull("nextToken")) {
            try {
                before = Long.parseLong(request.get("nextToken").asText());
            } catch (NumberFormatException e) {
                throw new ApiException("InvalidToken", "Invalid Token: '" + request.get("nextToken").asText() + "'");
            }
        }
        // Newest first, as the API lists; the token is the sequence of the last execution on the page, so pages
        // stay stable while new executions start.
        List<Execution> matching = new ArrayList<>();
        for (Execution execution : executions.values()) {
            synchronized (execution) {
                if (execution.stateMachineArn.equals(machine.arn()) && execution.sequence < before
                        && (filter == null || execution.status == filter)) {
                    matching.add(execution);
                }
            }
        }
        matching.sort(Comparator.comparingLong((Execution e) -> e.sequence).reversed());
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode list = reply.putArray("executions");
        for (Execution execution : matching.subList(0, Math.min(pageSize, matching.size()))) {
            synchronized (execution) {
                list.add(summary(execution));
            }
        }
        if (matching.size() > pageSize) {
            reply.put("nextToken", Long.toString(matching.get(pageSize - 1).sequence));
        }
        return reply;
    }

    private JsonNode stopExecution(JsonNode request) {
        Execution execution = execution(required(request, "executionArn"));
        LocalExecution local;
        synchronized (execution) {
            local = execution.status.isTerminal() ? null : execution.local;
            execution.end(ExecutionStatus.ABORTED, null, text(request, "error"), text(request, "cause"));
        }
        if (local != null) {
            local.stop();
        }
        synchronized (execution) {
            return JSON.createObjectNode().put("stopDate", epoch(execution.stopDate));
        }
    }

    private JsonNode describeStateMachine(JsonNode request) {
        StateMachine machine = stateMachine(required(request, "stateMachineArn"));
        return JSON.createObjectNode()
                .put("stateMachineArn", machine.arn())
                .put("name", machine.name())
                .put("status", "ACTIVE")
                .put("definition", machine.definition().toString())
                .put("roleArn", "arn:aws:iam::" + machine.arn().split(":")[4] + ":role/local-step-functions")
                .put("type", "STANDARD")
                .put("creationDate", epoch(machine.creationDate()));
    }

    // ---- helpers ----

    private StateMachine stateMachine(String arn) {
        if (!STATE_MACHINE_ARN.matcher(arn).matches()) {
            throw new ApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        StateMachine machine = stateMachines.get(arn);
        if (machine == null) {
            throw new ApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
        }
        return machine;
    }

    private Execution execution(String arn) {
        if (!arn.startsWith("arn:") || !arn.contains(":execution:")) {
            throw new ApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        Execution execution = executions.get(arn);
        if (execution == null) {
            throw new ApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        }
        return execution;
    }

    private static ObjectNode summary(Execution execution) {
        ObjectNode node = JSON.createObjectNode()
                .put("executionArn", execution.arn)
                .put("stateMachineArn", execution.stateMachineArn)
                .put("name", execution.name)
                .put("status", execution.status.name())
                .put("startDate", epoch(execution.startDate));
        if (execution.stopDate != null) {
            node.put("stopDate", epoch(execution.stopDate));
        }
        return node;
    }

    private static String required(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw new ApiException("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value.asText();
    }

    private static String text(JsonNode request, String field) {
        return request.hasNonNull(field) ? request.get(field).asText() : null;
    }

    /** AWS JSON protocols send timestamps as epoch seconds. */
    private static double epoch(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
