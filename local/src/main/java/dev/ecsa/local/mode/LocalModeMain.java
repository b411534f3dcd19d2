package dev.ecsa.local.mode;

import dev.ecsa.core.contract.FunctionBudgets;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.local.dynamo.DynaliteServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

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
        System.err.println("ecsa local: starting (bench, dynalite, Step Functions interpreter, the functions from the zip, "
                + settings.hosts() + " hosts)...");
        LocalMode mode = LocalMode.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("ecsa local: stopping");
            mode.close();
            stopped.countDown();
        }, "local-mode-shutdown"));
        System.out.println();
        System.out.print(mode.banner());
        System.out.flush();
        stopped.await();
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
