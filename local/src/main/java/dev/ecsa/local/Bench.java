package dev.ecsa.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.local.hosts.Dirs;
import dev.ecsa.local.hosts.HostConfig;
import dev.ecsa.local.hosts.InstallScriptStandIn;
import dev.ecsa.local.hosts.SimulatedHost;
import dev.ecsa.local.hosts.AgentPackageRepository;
import dev.ecsa.local.hosts.ThrowawayGpgKey;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import dev.ecsa.local.sim.SimulatorConfig;
import dev.ecsa.local.sqs.EmbeddedSqs;
import dev.ecsa.local.sqs.FifoQueueSpec;
import dev.ecsa.local.sqs.FifoQueues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole offline bench in one object: the control-plane simulator (ECS, SSM, Secrets Manager, EventBridge) with
 * the service's cluster and SSH key secret, the install-script stand-in published by the simulator with its SHA-256
 * and a detached GPG signature, embedded SQS with the node-request FIFO queue and its DLQ, dynalite, and simulated
 * hosts whose authorized key is the one in the secret. Everything listens on 127.0.0.1 on free ports and is stopped
 * by {@link #close()}.
 */
public final class Bench implements AutoCloseable {

    /** Cluster the bench creates and the service uses by default. */
    public static final String CLUSTER = "ecs-anywhere";
    /** Name of the secret holding the service's SSH private key (PKCS#8 PEM). */
    public static final String SSH_KEY_SECRET = "ecsa/ssh-private-key";
    /** Path under the simulator where the install-script stand-in is served. */
    public static final String INSTALL_SCRIPT_PATH = "ecs-anywhere-install-latest.sh";
    /** The user the service logs in as on the simulated hosts (any name is accepted by the MINA hosts). */
    public static final String SSH_USER = "ecsa";

    private final Resources resources = new Resources();
    private final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
    private final ControlPlaneSimulator simulator;
    private final EmbeddedSqs sqs;
    private final FifoQueues queues;
    private final DynaliteServer dynamo;
    private final ThrowawayGpgKey signingKey;
    private final AgentPackageRepository agentPackages;
    private final KeyPair sshKey;
    private final Path hostsDir;
    private final byte[] installScript;
    private URI httpsBase;

    private Bench(SimulatorConfig simulatorConfig, List<HostConfig> hostConfigs, FifoQueueSpec queueSpec,
                  Duration installDownload) {
        try {
            simulator = track(ControlPlaneSimulator.start(simulatorConfig));
            simulator.createCluster(CLUSTER);
            sshKey = rsaKeyPair();
            simulator.putSecret(SSH_KEY_SECRET, pkcs8Pem(sshKey));

            installScript = InstallScriptStandIn.render(simulator.endpoint(), installDownload);
            signingKey = track(ThrowawayGpgKey.create("ecsa bench signing key <bench@ecsa.invalid>"));
            simulator.serveFile(INSTALL_SCRIPT_PATH, installScript);
            simulator.serveFile(INSTALL_SCRIPT_PATH + ".asc", signingKey.detachSign(installScript));
            simulator.serveFile(INSTALL_SCRIPT_PATH + ".sha256",
                    (InstallScriptStandIn.sha256Hex(installScript) + "\n").getBytes(StandardCharsets.US_ASCII));
            agentPackages = AgentPackageRepository.withDefaults(simulator, signingKey,
                    simulatorConfig.region());

            sqs = track(EmbeddedSqs.start());
            queues = sqs.createFifoQueueWithDlq(queueSpec);
            dynamo = track(DynaliteServer.start());

            hostsDir = Files.createTempDirectory("ecsa-bench-hosts-");
            resources.track(() -> Dirs.deleteRecursively(hostsDir));
            for (HostConfig config : hostConfigs) {
                if (hosts.containsKey(config.name())) {
                    throw new IllegalArgumentException("duplicate host name " + config.name());
                }
                hosts.put(config.name(), track(SimulatedHost.start(hostsDir.resolve(config.name()), config,
                        List.of(sshKey.getPublic()))));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A bench with the given simulated hosts and default settings elsewhere. */
    public static Bench start(HostConfig... hostConfigs) {
        return new Bench(SimulatorConfig.defaults(), List.of(hostConfigs), FifoQueueSpec.named("node-requests"),
                Duration.ZERO);
    }

    /** A bench with every part configurable. */
    public static Bench start(SimulatorConfig simulatorConfig, List<HostConfig> hostConfigs, FifoQueueSpec queueSpec) {
        return new Bench(simulatorConfig, hostConfigs, queueSpec, Duration.ZERO);
    }

    /**
     * A bench whose install-script stand-in spends {@code installDownload} in its package step, as AWS's script spends
     * most of its time downloading (for scale runs with realistic installs).
     */
    public static Bench start(SimulatorConfig simulatorConfig, List<HostConfig> hostConfigs, FifoQueueSpec queueSpec,
                              Duration installDownload) {
        return new Bench(simulatorConfig, hostConfigs, queueSpec, installDownload);
    }

    public ControlPlaneSimulator simulator() {
        return simulator;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    public FifoQueues queues() {
        return queues;
    }

    public DynaliteServer dynamo() {
        return dynamo;
    }

    /** The simulated host with this name. */
    public SimulatedHost host(String name) {
        SimulatedHost host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no simulated host named " + name);
        }
        return host;
    }

    public List<SimulatedHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** The key pair whose public half every simulated host authorizes and whose private half is in the secret. */
    public KeyPair sshKey() {
        return sshKey;
    }

    /** The private key as stored in the {@link #SSH_KEY_SECRET} secret (PKCS#8 PEM). */
    public String sshPrivateKeyPem() {
        return pkcs8Pem(sshKey);
    }

    /** Where hosts fetch the install-script stand-in. */
    /**
     * The install script over HTTPS, as production's bootstrap requires ({@code --proto =https}): the first call
     * makes a throwaway certificate, serves the simulator's files with it too, and adds it to every simulated host's
     * CA bundle.
     */
    public synchronized URI installScriptHttpsUrl() {
        if (httpsBase == null) {
            BenchTls tls = BenchTls.create(hostsDir);
            httpsBase = simulator.startHttps(tls.context());
            for (SimulatedHost host : hosts.values()) {
                host.sandbox().exec("cat >> /etc/ssl/certs/ca-certificates.crt",
                        tls.certificate().getBytes(StandardCharsets.US_ASCII));
            }
        }
        return httpsBase.resolve(INSTALL_SCRIPT_PATH);
    }

    public URI installScriptUrl() {
        return simulator.endpoint().resolve("/" + INSTALL_SCRIPT_PATH);
    }

    /** The exact bytes served at {@link #installScriptUrl()}. */
    public byte[] installScript() {
        return installScript.clone();
    }

    public String installScriptSha256() {
        return InstallScriptStandIn.sha256Hex(installScript);
    }

    /** The signed agent packages the simulator serves (AWS's regional package buckets on the bench). */
    public AgentPackageRepository agentPackages() {
        return agentPackages;
    }

    /**
     * The HTTPS root the agent packages are served under, as {@code https://s3.<region>.amazonaws.com} is for AWS's
     * buckets (starts the simulator's HTTPS front, as {@link #installScriptHttpsUrl()} does).
     */
    public URI agentPackageBaseUrl() {
        URI script = installScriptHttpsUrl();
        return script.resolve("/");
    }

    /** The key that signed the stand-in (the bench's stand-in for AWS's ECS signing key). */
    public ThrowawayGpgKey signingKey() {
        return signingKey;
    }

    /** Everything a client needs to use the bench, as one JSON object (no secrets). */
    public ObjectNode describe(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("region", simulator.config().region());
        root.put("accountId", simulator.config().accountId());
        root.put("credentials", "any access key and secret: the bench does not check signatures");
        ObjectNode endpoints = root.putObject("endpoints");
        endpoints.put("ssm", simulator.endpoint().toString());
        endpoints.put("ecs", simulator.endpoint().toString());
        endpoints.put("secretsmanager", simulator.endpoint().toString());
        endpoints.put("events", simulator.endpoint().toString());
        endpoints.put("sqs", sqs.endpoint().toString());
        endpoints.put("dynamodb", dynamo.endpoint().toString());
        ObjectNode sqsNode = root.putObject("queues");
        sqsNode.put("nodeRequests", queues.queueUrl());
        sqsNode.put("deadLetters", queues.dlqUrl());
        root.put("cluster", CLUSTER);
        root.put("sshKeySecret", SSH_KEY_SECRET);
        ObjectNode script = root.putObject("installScript");
        script.put("url", installScriptUrl().toString());
        script.put("sha256", installScriptSha256());
        script.put("gpgFingerprint", signingKey.fingerprint());
        ArrayNode hostArray = root.putArray("hosts");
        for (SimulatedHost host : hosts.values()) {
            ObjectNode h = hostArray.addObject();
            h.put("nodeId", host.config().name());
            h.put("address", host.address());
            h.put("port", host.port());
            h.put("sshUser", SSH_USER);
            h.put("hostKeyFingerprint", host.hostKeyFingerprint());
        }
        return root;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } finally {
            hosts.clear();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    /**
     * The service's key is RSA: its PKCS#8 encoding carries everything needed to derive the public key, which SSHJ
     * requires (Java's PKCS#8 encoding of an EC key leaves the public point out, and SSHJ then cannot read it).
     */
    private static KeyPair rsaKeyPair() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is always available", e);
        }
    }

    /** PKCS#8 PEM, which SSHJ (and OpenSSH) read. */
    static String pkcs8Pem(KeyPair keyPair) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keyPair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }
}
