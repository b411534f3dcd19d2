package dev.ecsa.local.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ECS + SSM control-plane simulator (plus Secrets Manager GetSecretValue and EventBridge PutEvents): one
 * HTTP server on 127.0.0.1 that unmodified AWS SDK v2 clients reach through {@code endpointOverride(endpoint())}.
 *
 * <h2>AWS side</h2>
 * AWS JSON 1.1: {@code POST /} with {@code X-Amz-Target: <prefix>.<Operation>} (prefixes {@code AmazonSSM},
 * {@code AmazonEC2ContainerServiceV20141113}, {@code secretsmanager}, {@code AWSEvents}); answers
 * {@code application/x-amz-json-1.1}, timestamps as epoch seconds; errors as HTTP 400 (client) or 500 (server)
 * with {@code {"__type": "<error shape>", "message": "..."}} so the SDK raises the modelled exception. SigV4
 * headers are accepted unverified. Supported operations: SSM CreateActivation, DescribeActivations,
 * DeleteActivation, DescribeInstanceInformation, DeregisterManagedInstance, AddTagsToResource,
 * ListTagsForResource; ECS ListContainerInstances (with the cluster query language, see {@link ClusterQuery}),
 * DescribeContainerInstances, UpdateContainerInstancesState, DeregisterContainerInstance, ListTasks,
 * DescribeTasks, StopTask, DescribeClusters; Secrets Manager GetSecretValue; EventBridge PutEvents.
 *
 * <h2>Agent side (the simulator's own endpoints, not AWS)</h2>
 * Used by the install-script stand-in inside simulated hosts (all {@code POST}, JSON in and out, errors as
 * HTTP 400 with {@code {"__type", "message"}}):
 * <ul>
 * <li>{@code /_sim/agent/ssm/register} {@code {"activationId","activationCode","region","hostname","ipAddress",
 *     "platformName","platformVersion"}} → {@code {"instanceId":"mi-<17 hex>","region"}}; errors
 *     {@code InvalidActivationId} (unknown), {@code InvalidActivation} (wrong code, or registration limit
 *     reached), {@code ActivationExpired}.</li>
 * <li>{@code /_sim/agent/ssm/ping} {@code {"instanceId","pingStatus":"Online"|"ConnectionLost","agentVersion"?}} → {@code {}};
 *     {@code InvalidInstanceId} when unknown or deregistered.</li>
 * <li>{@code /_sim/agent/ecs/register} {@code {"cluster","instanceId","attributes":{},"tags":{},"agentVersion"}}
 *     → {@code {"containerInstanceArn","cluster"}}; idempotent per (cluster, mi- id) while not INACTIVE;
 *     errors {@code InvalidInstanceId}, {@code ClusterNotFoundException}.</li>
 * <li>{@code /_sim/agent/ecs/connect} {@code {"containerInstanceArn","connected":true|false,"agentVersion"?}} → {@code {}}.</li>
 * </ul>
 * Also {@code GET /<path>} serves what {@link #serveFile} published. The contract is also in
 * {@code dev/ecsa/local/sim/AGENT-API.md}.
 *
 * <h2>Time and concurrency</h2>
 * All state sits behind one lock; requests are short, and indexes keep lookups proportional to the answer so a
 * 10,000-node fleet stays fast. Timed task transitions are evaluated lazily against {@link SimulatorConfig#clock()}
 * before and after each call, so with a {@link MutableClock} a test decides when time passes.
 */
public final class ControlPlaneSimulator implements AutoCloseable {

    public static final String SSM_PREFIX = "AmazonSSM";
    public static final String ECS_PREFIX = "AmazonEC2ContainerServiceV20141113";
    public static final String SECRETS_PREFIX = "secretsmanager";
    public static final String EVENTS_PREFIX = "AWSEvents";
    private static final String AWS_JSON = "application/x-amz-json-1.1";
    private static final String SEEDED_ROLE = "SimulatorSeededRole";
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.class);

    private final SimulatorConfig config;
    private final Object lock = new Object();
    private final SsmSimulation ssm;
    private final EcsSimulation ecs;
    private final EcsApi ecsApi;
    private final java.util.concurrent.atomic.AtomicLong throttlingAnswers = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> throttledByOperation = new ConcurrentHashMap<>();
    private volatile RateLimits rateLimits = RateLimits.none();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private volatile Authorizer authorizer;
    private final List<PublishedEvent> events = new ArrayList<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Faults faults = new Faults();
    private final Map<String, Function<JsonNode, JsonNode>> operations = new HashMap<>();
    private final Map<String, Function<JsonNode, JsonNode>> agentOperations = new HashMap<>();
    private final HttpServer server;
    private volatile com.sun.net.httpserver.HttpsServer httpsServer;
    private final ExecutorService executor;
    private int seeded;

    private record Secret(String name, String arn, String value, String versionId, Instant created) {
        @Override
        public String toString() {
            return "Secret{" + arn + "}";
        }
    }

    private ControlPlaneSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        this.ssm = new SsmSimulation(config.clock(), config.region());
        this.ecs = new EcsSimulation(config, ssm);
        this.ecsApi = new EcsApi(ecs, config);
        registerOperations();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "control-plane-sim-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 128);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Control-plane simulator listening on {}", endpoint());
    }

    /** Starts a simulator; {@link #close()} stops it. */
    public static ControlPlaneSimulator start(SimulatorConfig config) {
        try {
            return new ControlPlaneSimulator(Objects.requireNonNull(config, "config"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the control-plane simulator", e);
        }
    }

    /** Starts a simulator with {@link SimulatorConfig#defaults()}. */
    public static ControlPlaneSimulator start() {
        return start(SimulatorConfig.defaults());
    }

    /** The base URI for {@code endpointOverride}, e.g. {@code http://127.0.0.1:43121}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorConfig config() {
        return config;
    }

    public Clock clock() {
        return config.clock();
    }

    @Override
    public void close() {
        server.stop(0);
        if (httpsServer != null) {
            httpsServer.stop(0);
        }
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- seeding and admin

    /** Creates an ECS cluster (idempotent); returns its ARN. */
    public String createCluster(String name) {
        return locked(() -> ecs.createCluster(name).arn);
    }

    /** Stores a secret for GetSecretValue (replacing any earlier value); returns its ARN. */
    public String putSecret(String name, String value) {
        return locked(() -> {
            Secret old = secrets.get(name);
            String arn = old != null ? old.arn : "arn:aws:secretsmanager:" + config.region() + ":" + config.accountId()
                    + ":secret:" + name + "-" + ssm.hex(6);
            secrets.put(name, new Secret(name, arn, value, UUID.randomUUID().toString(), clock().instant()));
            return arn;
        });
    }

    /**
     * Adds {@code count} registered nodes fast, for scale tests: each a managed instance (Name = node id, tag
     * {@code nodeId}, its own activation id, already deleted) and, when {@code cluster} is not null, an ACTIVE,
     * connected container instance with custom attribute {@code nodeId}. Node ids are {@code prefix-<n>}.
     */
    public List<SeededNode> seedNodes(String cluster, int count, String prefix) {
        return seedNodes(cluster, count, prefix, Map.of());
    }

    /**
     * As {@link #seedNodes(String, int, String)}, with {@code tags} added to every managed instance and container
     * instance (e.g. {@code ecsa:stack}, which SSM copies from a real activation onto its instance).
     */
    public List<SeededNode> seedNodes(String cluster, int count, String prefix, Map<String, String> tags) {
        return locked(() -> {
            if (cluster != null) {
                ecs.cluster(cluster);
            }
            List<SeededNode> nodes = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                int k = ++seeded;
                String nodeId = prefix + "-" + k;
                Map<String, String> nodeTags = new LinkedHashMap<>(tags);
                nodeTags.put("nodeId", nodeId);
                SsmSimulation.Instance mi = ssm.seed(nodeId, SEEDED_ROLE, nodeTags,
                        "10." + (k >> 16 & 255) + "." + (k >> 8 & 255) + "." + (k & 255));
                String arn = null;
                if (cluster != null) {
                    arn = ecs.register(cluster, mi.id, Map.of("nodeId", nodeId), nodeTags, null).arn;
                }
                nodes.add(new SeededNode(nodeId, mi.id, mi.activationId, arn));
            }
            return nodes;
        });
    }

    /** Registers a managed instance exactly as {@code /_sim/agent/ssm/register} does; returns the mi- id. */
    public String registerManagedInstance(String activationId, String activationCode, String hostname, String ipAddress) {
        return locked(() -> ssm.register(activationId, activationCode, hostname, ipAddress, "Ubuntu", "22.04").id);
    }

    /** Registers a container instance exactly as {@code /_sim/agent/ecs/register} does; returns its ARN. */
    public String registerContainerInstance(String cluster, String managedInstanceId, Map<String, String> attributes,
                                            Map<String, String> tags) {
        return locked(() -> ecs.register(cluster, managedInstanceId, attributes, tags, null).arn);
    }

    /** Sets the SSM ping status ({@code Online} or {@code ConnectionLost}) as the agent's ping would. */
    public void setPingStatus(String managedInstanceId, String pingStatus) {
        locked(() -> {
            ssm.ping(managedInstanceId, pingStatus, null);
            return null;
        });
    }

    /**
     * Creates or changes an SSM Change Calendar's state as GetCalendarState reports it ({@code OPEN} or
     * {@code CLOSED}): the bench's stand-in for the calendar's events.
     */
    public void setCalendarState(String calendarName, String state) {
        locked(() -> {
            ssm.setCalendarState(calendarName, state);
            return null;
        });
    }

    /** Deregisters a managed instance as someone else would (the console, another tool); its host is not told. */
    public void deregisterManagedInstance(String managedInstanceId) {
        locked(() -> {
            ssm.deregister(managedInstanceId);
            return null;
        });
    }

    /**
     * The SSM agent of a managed instance stopped pinging at {@code lastPing}: SSM reports it {@code ConnectionLost}
     * with that {@code LastPingDateTime} (a host that went silent before the bench's clock could see it).
     */
    public void agentSilentSince(String managedInstanceId, java.time.Instant lastPing) {
        locked(() -> {
            ssm.silentSince(managedInstanceId, lastPing);
            return null;
        });
    }

    /**
     * Sets the container runtime health the instance's agent reports ({@code OK}, {@code IMPAIRED},
     * {@code INSUFFICIENT_DATA}, {@code INITIALIZING}): what DescribeContainerInstances answers with
     * {@code include=CONTAINER_INSTANCE_HEALTH}.
     */
    public void setRuntimeHealth(String containerInstanceArn, String status) {
        if (!java.util.Set.of("OK", "IMPAIRED", "INSUFFICIENT_DATA", "INITIALIZING").contains(status)) {
            throw new IllegalArgumentException("not an ECS InstanceHealthCheckState: " + status);
        }
        locked(() -> {
            ecs.setRuntimeHealth(containerInstanceArn, status, clock().instant());
            return null;
        });
    }

    /** Connects or disconnects the ECS agent of a container instance. */
    public void setAgentConnected(String containerInstanceArn, boolean connected) {
        locked(() -> {
            ecs.setAgentConnected(containerInstanceArn, connected);
            return null;
        });
    }

    /**
     * Sets the CPU units and MiB the instance's agent registered (ECS registeredResources; 4096 and 7680 unless set):
     * its remaining resources are these less what its tasks reserve, and the service scheduler places a replaced task
     * only where it has room.
     */
    public void setRegisteredResources(String containerInstanceArn, int cpu, int memory) {
        locked(() -> {
            ecs.setRegisteredResources(containerInstanceArn, cpu, memory);
            return null;
        });
    }

    /** Places a task on a container instance (no placement checks: the test decides); returns its ARN. */
    public String placeTask(String cluster, String containerInstanceArn, TaskSpec spec) {
        return locked(() -> ecs.place(cluster, containerInstanceArn, spec).arn);
    }

    /** Places a RUNNING task of service {@code serviceName} (group {@code service:NAME}). */
    public String runServiceTask(String cluster, String containerInstanceArn, String serviceName) {
        return placeTask(cluster, containerInstanceArn, TaskSpec.service(serviceName));
    }

    /** Places a RUNNING standalone task (group {@code family:FAMILY}), as RunTask would. */
    public String runStandaloneTask(String cluster, String containerInstanceArn, String family, String startedBy) {
        return placeTask(cluster, containerInstanceArn, TaskSpec.standalone(family, startedBy));
    }

    /** Stops a task as StopTask does: desiredStatus STOPPED now, lastStatus STOPPED after the configured delays. */
    public void stopTask(String taskArn, String reason) {
        locked(() -> {
            ecs.stop(ecs.taskByArn(taskArn), reason);
            return null;
        });
    }

    public TaskView task(String taskArn) {
        return locked(() -> ecs.taskByArn(taskArn).view());
    }

    /** Every task ever placed on the container instance, oldest first, whatever its status. */
    public List<TaskView> tasksOn(String containerInstanceArn) {
        return locked(() -> ecs.instanceByArn(containerInstanceArn).tasks.values().stream()
                .map(EcsSimulation.Task::view).toList());
    }

    /** Every task of the cluster, oldest first, whatever its status. */
    public List<TaskView> tasks(String cluster) {
        return locked(() -> ecs.cluster(cluster).tasks.values().stream().map(EcsSimulation.Task::view).toList());
    }

    /** Authorizes every call signed with credentials the authorizer knows (null: none is checked). */
    public void authorizeWith(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** The ARN of a stored secret, by name or ARN. */
    public Optional<String> secretArn(String nameOrArn) {
        return locked(() -> secrets.values().stream()
                .filter(s -> s.name().equals(nameOrArn) || s.arn().equals(nameOrArn)).map(Secret::arn).findFirst());
    }

    public Optional<ManagedInstanceView> managedInstance(String managedInstanceId) {
        return locked(() -> Optional.ofNullable(ssm.instance(managedInstanceId)).map(SsmSimulation.Instance::view));
    }

    public Optional<ContainerInstanceView> containerInstance(String containerInstanceArn) {
        return locked(() -> {
            try {
                return Optional.of(ecs.instanceByArn(containerInstanceArn).view());
            } catch (AwsErrorException e) {
                return Optional.empty();
            }
        });
    }

    /** Every managed instance ever registered, deregistered ones included. */
    public List<ManagedInstanceView> allManagedInstances() {
        return locked(ssm::allInstances);
    }

    /** Activations that were not deleted (expired ones included). */
    public List<ActivationView> liveActivations() {
        return locked(ssm::liveActivations);
    }

    /** Every container instance of every cluster, INACTIVE ones included. */
    public List<ContainerInstanceView> allContainerInstances() {
        return locked(ecs::allInstances);
    }

    /** Registered (not deregistered) managed instances. */
    public int managedInstanceCount() {
        return locked(ssm::activeInstanceCount);
    }

    /**
     * Every activation code CreateActivation has answered, deleted activations' too: what a leak check searches
     * logs, records, events and payloads for.
     */
    public List<String> issuedActivationCodes() {
        return locked(ssm::issuedCodes);
    }

    /** The entries PutEvents accepted, oldest first. */
    public List<PublishedEvent> events() {
        return locked(() -> List.copyOf(events));
    }

    public void clearEvents() {
        locked(() -> {
            events.clear();
            return null;
        });
    }

    public Faults faults() {
        return faults;
    }

    /** How many calls were answered with ThrottlingException so far (injected faults and rate limits). */
    public long throttlingAnswers() {
        return throttlingAnswers.get();
    }

    /** The ThrottlingException answers so far, by operation, sorted by name. */
    public Map<String, Long> throttlingAnswersByOperation() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        throttledByOperation.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /**
     * Enforces these rate limits from now on ({@link RateLimits#aws()} for AWS's; {@link RateLimits#none()}, the
     * default, for none). Every call is counted before its limit applies, so throttled calls and their retries show
     * in {@link #calls(String)}.
     */
    public void enforce(RateLimits limits) {
        this.rateLimits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /** Calls of one operation, e.g. {@code calls("AmazonSSM.DescribeInstanceInformation")}; retries count. */
    public long calls(String operation) {
        return faults.calls(operation);
    }

    public void resetCalls() {
        faults.resetCalls();
    }

    /** Publishes {@code content} at {@code GET /<path>} (leading slash optional). */
    /**
     * Also serves everything over HTTPS with {@code tls} (for files a host fetches with {@code --proto =https});
     * returns the HTTPS base URI.
     */
    public synchronized URI startHttps(javax.net.ssl.SSLContext tls) {
        if (httpsServer == null) {
            try {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                https.createContext("/", this::handle);
                https.setExecutor(executor);
                https.start();
                httpsServer = https;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return URI.create("https://127.0.0.1:" + httpsServer.getAddress().getPort() + "/");
    }

    public void serveFile(String path, byte[] content) {
        files.put(path.startsWith("/") ? path.substring(1) : path, content.clone());
    }

    /** Stops serving a file published with {@link #serveFile}: {@code GET} answers 404 from now on. */
    public void withdrawFile(String path) {
        files.remove(path.startsWith("/") ? path.substring(1) : path);
    }

    private <T> T locked(Supplier<T> action) {
        synchronized (lock) {
            ecs.tick();
            T result = action.get();
            ecs.tick();
            return result;
        }
    }

    // ---------------------------------------------------------------- operations table

    private void registerOperations() {
        ssmOp("CreateActivation", ssm::createActivation);
        ssmOp("DescribeActivations", ssm::describeActivations);
        ssmOp("DeleteActivation", ssm::deleteActivation);
        ssmOp("DescribeInstanceInformation", ssm::describeInstanceInformation);
        ssmOp("DeregisterManagedInstance", ssm::deregisterManagedInstance);
        ssmOp("AddTagsToResource", ssm::addTagsToResource);
        ssmOp("ListTagsForResource", ssm::listTagsForResource);
        ssmOp("GetCalendarState", ssm::getCalendarState);
        ecsOp("ListContainerInstances", ecsApi::listContainerInstances);
        ecsOp("DescribeContainerInstances", ecsApi::describeContainerInstances);
        ecsOp("UpdateContainerInstancesState", ecsApi::updateContainerInstancesState);
        ecsOp("DeregisterContainerInstance", ecsApi::deregisterContainerInstance);
        ecsOp("ListTasks", ecsApi::listTasks);
        ecsOp("DescribeTasks", ecsApi::describeTasks);
        ecsOp("StopTask", ecsApi::stopTask);
        ecsOp("DescribeClusters", ecsApi::describeClusters);
        operations.put(SECRETS_PREFIX + ".GetSecretValue", this::getSecretValue);
        operations.put(EVENTS_PREFIX + ".PutEvents", this::putEvents);

        agentOperations.put("/_sim/agent/ssm/register", req -> {
            SsmSimulation.Instance i = ssm.register(WireJson.text(req, "activationId"), WireJson.text(req, "activationCode"),
                    WireJson.text(req, "hostname"), WireJson.text(req, "ipAddress"), WireJson.text(req, "platformName"),
                    WireJson.text(req, "platformVersion"));
            return WireJson.object().put("instanceId", i.id).put("region", config.region());
        });
        agentOperations.put("/_sim/agent/ssm/ping", req -> {
            ssm.ping(WireJson.text(req, "instanceId"), WireJson.text(req, "pingStatus"), WireJson.text(req, "agentVersion"));
            return WireJson.object();
        });
        agentOperations.put("/_sim/agent/ecs/register", req -> {
            EcsSimulation.Instance i = ecs.register(WireJson.text(req, "cluster"), WireJson.text(req, "instanceId"),
                    WireJson.stringMap(req, "attributes"), WireJson.stringMap(req, "tags"), WireJson.text(req, "agentVersion"));
            return WireJson.object().put("containerInstanceArn", i.arn).put("cluster", i.cluster.name);
        });
        agentOperations.put("/_sim/agent/ecs/connect", req -> {
            Boolean connected = WireJson.bool(req, "connected");
            if (connected == null) {
                throw SsmSimulation.validation("connected (true or false) is required.");
            }
            ecs.setAgentConnected(WireJson.text(req, "containerInstanceArn"), connected,
                    WireJson.text(req, "agentVersion"));
            return WireJson.object();
        });
    }

    private void ssmOp(String name, Function<JsonNode, JsonNode> op) {
        operations.put(SSM_PREFIX + "." + name, op);
    }

    private void ecsOp(String name, Function<JsonNode, JsonNode> op) {
        operations.put(ECS_PREFIX + "." + name, op);
    }

    private JsonNode getSecretValue(JsonNode req) {
        String id = WireJson.text(req, "SecretId");
        Secret secret = id == null ? null : secrets.get(id);
        if (secret == null && id != null) {
            secret = secrets.values().stream().filter(s -> s.arn.equals(id)).findFirst().orElse(null);
        }
        if (secret == null) {
            throw AwsErrorException.client("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        ObjectNode out = WireJson.object().put("ARN", secret.arn).put("Name", secret.name)
                .put("VersionId", secret.versionId).put("SecretString", secret.value);
        out.putArray("VersionStages").add("AWSCURRENT");
        WireJson.putTime(out, "CreatedDate", secret.created);
        return out;
    }

    private JsonNode putEvents(JsonNode req) {
        JsonNode entries = req.get("Entries");
        if (entries == null || !entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            throw SsmSimulation.validation("Entries must contain between 1 and 10 items.");
        }
        ArrayNode results = WireJson.array();
        int failed = 0;
        for (JsonNode e : entries) {
            String source = WireJson.text(e, "Source");
            String detailType = WireJson.text(e, "DetailType");
            String detail = WireJson.text(e, "Detail");
            if (source == null || detailType == null || detail == null || !isJsonObject(detail)) {
                failed++;
                results.addObject().put("ErrorCode", "InvalidArgument")
                        .put("ErrorMessage", "Source, DetailType and Detail (a JSON object) are required.");
                continue;
            }
            String id = UUID.randomUUID().toString();
            String bus = WireJson.text(e, "EventBusName");
            Instant time = WireJson.instant(e, "Time");
            events.add(new PublishedEvent(id, bus == null ? "default" : bus, source, detailType, detail,
                    WireJson.strings(e, "Resources"), time == null ? clock().instant() : time));
            results.addObject().put("EventId", id);
        }
        ObjectNode out = WireJson.object().put("FailedEntryCount", failed);
        out.set("Entries", results);
        return out;
    }

    private static boolean isJsonObject(String text) {
        try {
            return WireJson.MAPPER.readTree(text).isObject();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (method.equals("GET") || method.equals("HEAD")) {
                serveStatic(exchange, path, method.equals("HEAD"));
            } else if (method.equals("POST") && path.equals("/")) {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                callOperation(exchange, target == null ? "" : target, operations.get(target), body, AWS_JSON);
            } else if (method.equals("POST") && agentOperations.containsKey(path)) {
                callOperation(exchange, path, agentOperations.get(path), body, "application/json");
            } else {
                respond(exchange, 404, "application/json",
                        error("UnknownOperationException", "No such endpoint: " + method + " " + path));
            }
        } catch (IOException e) {
            LOG.debug("Client went away: {}", e.getMessage());
        }
    }

    private void throttle(HttpExchange exchange, String name, String contentType) throws IOException {
        throttlingAnswers.incrementAndGet();
        throttledByOperation.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        respond(exchange, 400, contentType, error("ThrottlingException", "Rate exceeded"));
    }

    private void callOperation(HttpExchange exchange, String name, Function<JsonNode, JsonNode> op, byte[] body,
                               String contentType) throws IOException {
        Optional<Fault> fault = faults.onCall(name);
        if (fault.isPresent()) {
            Fault f = fault.get();
            switch (f.kind()) {
                case LATENCY -> sleep(f);
                case THROTTLING -> {
                    throttle(exchange, name, contentType);
                    return;
                }
                case SERVER_ERROR -> {
                    respond(exchange, 500, contentType, error(serverErrorType(name), "Simulated internal error"));
                    return;
                }
            }
        }
        if (!rateLimits.tryAcquire(name)) {
            throttle(exchange, name, contentType);
            return;
        }
        if (op == null) {
            respond(exchange, 400, contentType, error("UnknownOperationException", "Unsupported operation: " + name));
            return;
        }
        JsonNode request;
        try {
            request = body.length == 0 ? WireJson.object() : WireJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            respond(exchange, 400, contentType, error("SerializationException", "Request body is not valid JSON."));
            return;
        }
        if (request == null || !request.isObject()) {
            respond(exchange, 400, contentType, error("SerializationException", "Request body must be a JSON object."));
            return;
        }
        Authorizer iam = authorizer;
        if (iam != null) {
            String key = Authorizer.accessKeyOf(exchange.getRequestHeaders().getFirst("Authorization"));
            Optional<String> denied = key == null ? Optional.empty() : iam.denial(key, name, request);
            if (denied.isPresent()) {
                respond(exchange, 400, contentType, error("AccessDeniedException", denied.get()));
                return;
            }
        }
        try {
            JsonNode result = locked(() -> op.apply(request));
            respond(exchange, 200, contentType, WireJson.MAPPER.writeValueAsBytes(result));
        } catch (AwsErrorException e) {
            respond(exchange, e.status(), contentType, error(e.type(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Simulator failure in {}", name, e);
            respond(exchange, 500, contentType, error(serverErrorType(name), "Internal error in the simulator."));
        }
    }

    private static String serverErrorType(String operation) {
        if (operation.startsWith(ECS_PREFIX + ".")) {
            return "ServerException";
        }
        if (operation.startsWith(SECRETS_PREFIX + ".")) {
            return "InternalServiceError";
        }
        if (operation.startsWith(EVENTS_PREFIX + ".")) {
            return "InternalException";
        }
        return "InternalServerError";
    }

    private static void sleep(Fault f) {
        try {
            Thread.sleep(f.latency().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveStatic(HttpExchange exchange, String path, boolean headOnly) throws IOException {
        byte[] content = files.get(path.startsWith("/") ? path.substring(1) : path);
        if (content == null) {
            respond(exchange, 404, "text/plain", "Not Found\n".getBytes(StandardCharsets.UTF_8));
        } else if (headOnly) {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, -1);
        } else {
            respond(exchange, 200, "application/octet-stream", content);
        }
    }

    private static byte[] error(String type, String message) {
        ObjectNode node = WireJson.object().put("__type", type).put("message", message);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
