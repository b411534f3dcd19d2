package dev.ecsa.local.lambda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One function run the way AWS's managed Java runtime runs it: the deployment zip unpacked as the task root (its
 * {@code lib/*.jar} and nothing else is the function's classpath), AWS's runtime interface client in its own JVM
 * polling a local {@link RuntimeApi}, the environment Lambda sets (the template's variables, {@code _HANDLER},
 * {@code AWS_REGION}, {@code AWS_LAMBDA_FUNCTION_*}, the log format, and for SnapStart credentials only from the
 * container endpoint: no access-key variables), and the template's timeout enforced: an invocation that runs past it
 * ends as Lambda reports it ({@code Sandbox.Timedout}, "Task timed out after N seconds") and the environment is
 * replaced. Stdout and stderr are kept as the function's log stream.
 */
public final class LambdaFunction implements AutoCloseable {

    /** What one invocation returned: the response, or the error type and body the runtime reported. */
    public record Invocation(boolean ok, String body, String errorType, Duration took) {
    }

    /**
     * Where things are.
     *
     * @param launcher a command the function's JVM runs under (e.g. {@code taskset -c 1} for one CPU); empty for none
     */
    public record Setup(Path zip, Path runtimeLibs, Path workDir, String region, String account,
                        List<String> launcher) {

        public Setup {
            launcher = List.copyOf(launcher);
        }

        public Setup(Path zip, Path runtimeLibs, Path workDir, String region, String account) {
            this(zip, runtimeLibs, workDir, region, account, List.of());
        }

        /** The same with another zip, under {@code launcher}. */
        public Setup with(Path otherZip, List<String> otherLauncher) {
            return new Setup(otherZip, runtimeLibs, workDir, region, account, otherLauncher);
        }
    }

    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** The runtime interface client's switch to load its native library from a given path instead of unpacking it. */
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final FunctionSpec spec;
    private final Setup setup;
    private final Map<String, String> environment;
    private final Path taskRoot;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private RuntimeApi api;
    private volatile Process process;
    private volatile long launchedNanos;
    private int starts;

    private LambdaFunction(FunctionSpec spec, Setup setup, Map<String, String> environment) {
        this.spec = spec;
        this.setup = setup;
        this.environment = environment;
        this.taskRoot = setup.workDir().resolve(spec.name()).resolve("task");
    }

    /**
     * Unpacks the zip and starts the function's environment (its init runs now, as SnapStart runs it at publish).
     *
     * @param bindings    values of the template variables CloudFormation fills at deploy time
     * @param platform    variables the platform adds, e.g. the bench's {@code AWS_ENDPOINT_URL_*}
     * @param credentials the container credentials endpoint; the function gets a grant for its role
     */
    public static LambdaFunction start(FunctionSpec spec, Setup setup, Map<String, String> bindings,
                                       Map<String, String> platform, ContainerCredentials credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("_HANDLER", spec.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime());
        env.put("AWS_REGION", setup.region());
        env.put("AWS_DEFAULT_REGION", setup.region());
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench/" + spec.name());
        env.put("AWS_LAMBDA_LOG_FORMAT", spec.logFormat().equalsIgnoreCase("JSON") ? "JSON" : "TEXT");
        ContainerCredentials.Grant grant = credentials.grant(spec.role());
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", grant.uri().toString());
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", grant.token());
        env.putAll(platform);
        env.putAll(spec.environment(bindings));
        LambdaFunction fn = new LambdaFunction(spec, setup, env);
        fn.unpack();
        fn.launch();
        return fn;
    }

    public FunctionSpec spec() {
        return spec;
    }

    /** The environment the function runs with. */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** Every line the function wrote so far, stdout and stderr, in order. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** How many execution environments were started (a timeout replaces the environment). */
    public int starts() {
        return starts;
    }

    /**
     * This function as the drain workflow's Task states call it on the local interpreter: the payload in, the
     * response out, and a function error failing the Task with the runtime's error type (the name Retry and Catch
     * match), as Step Functions' Lambda integration does.
     */
    public dev.ecsa.local.sfn.TaskHandler asTaskHandler() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return (stateName, input) -> {
            Invocation result = invoke(json.writeValueAsString(input));
            if (!result.ok()) {
                throw new dev.ecsa.local.sfn.TaskFailedException(result.errorType(), result.body());
            }
            return json.readTree(result.body());
        };
    }

    /** From the JVM's launch to the runtime's first request for an event: the environment's init, if it is done. */
    public java.util.Optional<Duration> initDuration() {
        long ready = api == null ? 0 : api.readyNanos();
        return ready == 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(ready - launchedNanos));
    }

    /** {@code System.nanoTime()} at the current environment's launch. */
    public long launchedNanos() {
        return launchedNanos;
    }

    /** Whether the runtime went through SnapStart's restore step (init, then {@code /runtime/restore/next}). */
    public boolean restoredFromSnapshot() {
        return api != null && api.restored();
    }

    /**
     * Ends the environment's process now, as an out-of-memory kill or a crash would, even while an invocation runs:
     * that invocation ends as {@code Runtime.ExitError}, and the next one starts a new environment.
     */
    public void crash() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Invokes the function synchronously, as Lambda's Invoke with RequestResponse, within its timeout. */
    public synchronized Invocation invoke(String payload) {
        if (process == null || !process.isAlive()) {
            launch();
        }
        Instant start = Instant.now();
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        var future = api.submit(payload.getBytes(StandardCharsets.UTF_8), start.plus(timeout),
                "arn:aws:lambda:" + setup.region() + ":" + setup.account() + ":function:" + spec.name() + ":live");
        Process running = process;
        try {
            // The answer, or the environment's end (a crash, a failed init): whichever comes first.
            java.util.concurrent.CompletableFuture.anyOf(future, running.onExit(), api.initError())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!future.isDone()) {
                RuntimeApi.Outcome init = api.initError().getNow(null);
                String type = init != null ? init.errorType() : "Runtime.ExitError";
                String text = init != null ? init.bodyText() : "{\"errorType\":\"Runtime.ExitError\","
                        + "\"errorMessage\":\"the runtime exited before answering\"}";
                stop(running);
                return new Invocation(false, text, type, Duration.between(start, Instant.now()));
            }
            RuntimeApi.Outcome outcome = future.get();
            return new Invocation(outcome.ok(), outcome.bodyText(), outcome.errorType(),
                    Duration.between(start, Instant.now()));
        } catch (TimeoutException e) {
            String message = "Task timed out after " + spec.timeoutSeconds() + ".00 seconds";
            log.add(Instant.now() + " " + message);
            stop(process);
            api.abandonRunning(new RuntimeApi.Outcome(false, new byte[0], "Sandbox.Timedout"));
            return new Invocation(false, "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"" + message + "\"}",
                    "Sandbox.Timedout", Duration.between(start, Instant.now()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("the invocation failed in the bench", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void stop(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void launch() {
        if (api != null) {
            api.close();
        }
        try {
            api = new RuntimeApi();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(setup.launcher());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Lambda sizes the heap from the function's memory; the JVM's own share leaves the rest.
        command.add("-Xmx" + Math.max(64, spec.memoryMb() * 85 / 100) + "m");
        // The flags Lambda's managed Java runtime starts the JVM with: the serial collector, class data sharing,
        // C1 only, org.crac's hooks bridged to the runtime interface client's (so a function's beforeCheckpoint and
        // afterRestore run around SnapStart's snapshot, here around the restore step), IPv4 first.
        command.addAll(List.of("-XX:+UseSerialGC", "-Xshare:auto", "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "-Djava.net.preferIPv4Stack=true"));
        // Nothing but the bench is reachable: the JVM resolves names from a hosts file that knows only localhost,
        // so an AWS endpoint the bench does not serve, or anything on the internet, fails as in a VPC without a
        // route out. (The bench's own endpoints are 127.0.0.1 addresses.)
        command.add("-Djdk.net.hosts.file=" + hostsFile());
        // The runtime interface client would copy its native library to the fixed path /tmp/.libaws-lambda-jni.so at
        // every start; Lambda gives each environment its own /tmp, the bench does not, so environments starting side
        // by side would load each other's half-written copy. Each loads the one unpacked copy instead.
        command.add("-D" + JNI_PROPERTY + "=" + nativeLibrary());
        command.add("-cp");
        command.add(runtimeClasspath());
        command.add(RIC_MAIN);
        command.add(spec.handler());
        ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        pb.environment().put("LAMBDA_RUNTIME_DIR", setup.runtimeLibs().toString());
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
        try {
            launchedNanos = System.nanoTime();
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name(), e);
        }
        starts++;
        Thread pump = new Thread(() -> pump(process.getInputStream()), "lambda-log-" + spec.name());
        pump.setDaemon(true);
        pump.start();
        Process started = process;
        RuntimeApi startedApi = api;
        started.onExit().thenRun(() -> startedApi.abandonRunning(new RuntimeApi.Outcome(false,
                ("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"exited with status "
                        + started.exitValue() + "\"}").getBytes(StandardCharsets.UTF_8), "Runtime.ExitError")));
    }

    private void pump(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.add(line);
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    private Path hostsFile() {
        return onceInWorkDir("hosts", file -> Files.writeString(file, "127.0.0.1 localhost\n"));
    }

    /** The runtime interface client's native library for this machine, unpacked from its jar once per work dir. */
    private Path nativeLibrary() {
        String arch = System.getProperty("os.arch").matches("aarch64|arm64") ? "aarch_64" : "x86_64";
        String entry = "jni/libaws-lambda-jni.linux-" + arch + ".so";
        return onceInWorkDir("libaws-lambda-jni.so", file -> {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(runtimeClientJar().toFile())) {
                ZipEntry e = jar.getEntry(entry);
                if (e == null) {
                    throw new IOException(entry + " is not in " + runtimeClientJar());
                }
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, file);
                }
            }
        });
    }

    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * A file in the work dir that every environment shares, written once and whole: to a temporary name, then moved
     * into place, under a lock, so an environment starting alongside never sees it half-written.
     */
    private Path onceInWorkDir(String name, FileWriter writer) {
        Path file = setup.workDir().resolve(name);
        synchronized (LambdaFunction.class) {
            try {
                if (!Files.exists(file)) {
                    Files.createDirectories(setup.workDir());
                    Path tmp = Files.createTempFile(setup.workDir(), name, ".tmp");
                    Files.delete(tmp);
                    writer.write(tmp);
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return file;
    }

    private Path runtimeClientJar() throws IOException {
        try (Stream<Path> jars = Files.list(setup.runtimeLibs())) {
            return jars.filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
                    .findFirst().orElseThrow(() -> new IOException("no runtime interface client in "
                            + setup.runtimeLibs()));
        }
    }

    private String runtimeClasspath() {
        try (Stream<Path> jars = Files.list(setup.runtimeLibs())) {
            List<String> paths = jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
            if (paths.isEmpty()) {
                throw new IllegalStateException("no runtime interface client in " + setup.runtimeLibs()
                        + " (the local module's build copies it there)");
            }
            return String.join(java.io.File.pathSeparator, paths);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void unpack() {
        try {
            if (Files.exists(taskRoot)) {
                return;
            }
            Files.createDirectories(taskRoot);
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(setup.zip()))) {
                ZipEntry entry;
                while ((entry = zip.getNextEntry()) != null) {
                    Path target = taskRoot.resolve(entry.getName()).normalize();
                    if (!target.startsWith(taskRoot)) {
                        throw new IOException("zip entry outside the task root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(zip, target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + setup.zip(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (api != null) {
            api.close();
        }
    }
}
