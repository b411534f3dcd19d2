package dev.ecsa.local.mode;

import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.local.dynamo.DynaliteServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./ecsa local}: starts the {@link LocalMode}, prints where each part listens and how to use the CLI, and runs
 * until stopped (Ctrl-C or SIGTERM). Options: {@code --hosts N} (default 3), {@code --drain-timeout SECONDS}
 * (60..3600, default 60), {@code --drain-poll SECONDS} (5..300, default 5), {@code --reconcile-every SECONDS} (default 300).
 */
public final class LocalModeMain {

    private LocalModeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before the first logger exists: the functions' own lines (request progress) at INFO, the libraries' quiet.
        quietLogging("info");
        LocalModeSettings settings;
        try {
            settings = parse(args, LocalModeSettings.defaults(DynaliteServer.locateRepoRoot()));
        } catch (IllegalArgumentException e) {
            System.err.println("ecsa local: " + e.getMessage());
            System.err.println("usage: ./ecsa local [--hosts N] [--drain-timeout SECONDS] [--drain-poll SECONDS] "
                    + "[--reconcile-every SECONDS]");
            System.exit(2);
            return;
        }
        Leftovers leftovers = new Leftovers(settings.stateFile());
        try {
            leftovers.cleanUp().ifPresent(m -> System.err.println("ecsa local: " + m));
        } catch (IOException | RuntimeException e) {
            System.err.println("ecsa local: could not clean up after an earlier local mode: " + e);
        }
        System.err.println("ecsa local: starting (bench, dynalite, Step Functions interpreter, the functions from the zip, "
                + settings.hosts() + " hosts)...");
        LocalMode mode;
        try {
            mode = LocalMode.start(settings);
        } catch (IllegalStateException e) {
            System.err.println("ecsa local: " + e.getMessage());
            deleteQuietly(ownTempDir());
            System.exit(1);
            return;
        }
        Path tempDir = ownTempDir();
        Process watchdog = startWatchdog(leftovers);
        ScheduledExecutorService recorder = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-mode-leftovers");
            t.setDaemon(true);
            return t;
        });
        long watchdogPid = watchdog == null ? -1 : watchdog.pid();
        if (tempDir != null) {
            recorder.scheduleWithFixedDelay(() -> recordQuietly(leftovers, tempDir, watchdogPid), 0, 2,
                    TimeUnit.SECONDS);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("ecsa local: stopping");
            recorder.shutdownNow();
            mode.close();
            if (watchdog != null) {
                watchdog.destroy();
            }
            try {
                if (tempDir != null) {
                    Leftovers.deleteTree(tempDir);
                }
                leftovers.forget();
            } catch (IOException e) {
                System.err.println("ecsa local: could not remove " + tempDir + ": " + e);
            }
            stopped.countDown();
        }, "local-mode-shutdown"));
        System.out.println();
        System.out.print(mode.banner());
        System.out.flush();
        stopped.await();
    }

    /**
     * The temporary directory the launcher made for this run ({@code -Djava.io.tmpdir=.../ecsa-local-XXXXXX}): removed
     * at exit, and by the watchdog after a kill. Null when the process was started otherwise (it is not ours to remove).
     */
    private static Path ownTempDir() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        return dir.getFileName() != null && dir.getFileName().toString().startsWith("ecsa-local-") ? dir : null;
    }

    private static void deleteQuietly(Path dir) {
        if (dir != null) {
            try {
                Leftovers.deleteTree(dir);
            } catch (IOException ignored) {
                // an empty directory in the temporary area
            }
        }
    }

    /** A small JVM that waits for this one to end and then cleans up what it left (see {@link Leftovers}). */
    private static Process startWatchdog(Leftovers leftovers) {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            return new ProcessBuilder(java, "-Xmx24m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), Leftovers.class.getName(),
                    Long.toString(ProcessHandle.current().pid()), leftovers.file().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            System.err.println("ecsa local: no watchdog (" + e.getMessage() + "); the next start cleans up after a kill");
            return null;
        }
    }

    private static void recordQuietly(Leftovers leftovers, Path tempDir, long except) {
        try {
            leftovers.record(tempDir, except);
        } catch (RuntimeException e) {
            System.err.println("ecsa local: " + e.getMessage());
        }
    }

    /** slf4j-simple: warnings from libraries, {@code projectLevel} for the project's own loggers. */
    static void quietLogging(String projectLevel) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.dev.ecsa", projectLevel);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    /** The settings the arguments ask for, on top of {@code base}. */
    static LocalModeSettings parse(String[] args, LocalModeSettings base) {
        LocalModeSettings s = base;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value"
                        : "unexpected argument " + option);
            }
            String value = args[++i];
            s = switch (option) {
                case "--hosts" -> s.withHosts(number(option, value, 0, 250));
                case "--drain-timeout" -> s.withDrainTimeout(Duration.ofSeconds(number(option, value,
                        FieldRules.MIN_DRAIN_TIMEOUT_SECONDS, FieldRules.MAX_DRAIN_TIMEOUT_SECONDS)));
                case "--drain-poll" -> s.withDrainPoll(Duration.ofSeconds(number(option, value,
                        FunctionBudgets.MIN_DRAIN_POLL_SECONDS, FunctionBudgets.MAX_DRAIN_POLL_SECONDS)));
                case "--reconcile-every" -> s.withReconcileInterval(Duration.ofSeconds(number(option, value, 1, 86400)));
                default -> throw new IllegalArgumentException("unknown option " + option);
            };
        }
        return s;
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a number from " + min + " to " + max + ", not '" + value
                + "'");
    }
}
