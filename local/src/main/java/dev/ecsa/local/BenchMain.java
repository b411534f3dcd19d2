package dev.ecsa.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ecsa.local.hosts.HostConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the offline bench on its own ({@code bin/bench}), prints its endpoints as one line of JSON on stdout and
 * runs until stopped (Ctrl-C or SIGTERM), so any AWS client (the AWS CLI, boto3, the SDKs) can be pointed at it.
 * Arguments: {@code --hosts N} simulated hosts (default 3).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int hostCount = 3;
        for (int i = 0; i < args.length; i++) {
            if ("--hosts".equals(args[i]) && i + 1 < args.length) {
                hostCount = parseCount(args[++i]);
            } else {
                System.err.println("usage: bin/bench [--hosts N]   (N from 0 to 250)");
                System.exit(2);
            }
        }
        List<HostConfig> configs = new ArrayList<>();
        for (int i = 1; i <= hostCount; i++) {
            configs.add(HostConfig.builder("node-" + i).build());
        }
        Bench bench = Bench.start(configs.toArray(HostConfig[]::new));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bench.close();
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.println(bench.describe(new ObjectMapper()));
        System.out.flush();
        stopped.await();
    }

    private static int parseCount(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 0 && n <= 250) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the usage message
        }
        System.err.println("--hosts takes a number from 0 to 250");
        System.exit(2);
        return 0;
    }
}
