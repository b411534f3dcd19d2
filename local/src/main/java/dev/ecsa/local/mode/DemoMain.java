package dev.ecsa.local.mode;

import dev.ecsa.local.dynamo.DynaliteServer;

/**
 * {@code ./ecsa local demo}: starts the {@link LocalMode} (three hosts, a 15 s drain deadline), runs the {@link Demo},
 * prints the final table, stops everything, and exits 0 only if every outcome was the expected one (1 otherwise).
 * The state file goes to {@code .ecsa/demo.json}, so a local mode running beside it keeps its own.
 */
public final class DemoMain {

    /** The drain deadline of the demo: long enough for a service task to move, short enough to wait for. */

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        // The demo narrates itself; only warnings from the parts.
        LocalModeMain.quietLogging("warn");
        var root = DynaliteServer.locateRepoRoot();
        LocalModeSettings settings = LocalModeMain.parse(args, LocalModeSettings.defaults(root)
                .withStateFile(root.resolve(".ecsa/demo.json")));
        if (settings.hosts() < 3) {
            settings = settings.withHosts(3);
        }
        System.out.println("ecsa local demo: starting the local mode (" + settings.hosts() + " hosts, drain poll "
                + settings.drainPoll().toSeconds() + " s, drain deadline " + settings.drainTimeout().toSeconds()
                + " s)");
        boolean passed;
        try (LocalMode mode = LocalMode.start(settings)) {
            System.out.printf("started in %.1f s%n%n", (System.nanoTime() - started) / 1e9);
            passed = new Demo(mode, System.out).run().passed();
        }
        System.out.printf("ecsa local demo: %s, %.1f s in all%n", passed ? "every outcome as expected" : "FAILED",
                (System.nanoTime() - started) / 1e9);
        System.exit(passed ? 0 : 1);
    }
}
