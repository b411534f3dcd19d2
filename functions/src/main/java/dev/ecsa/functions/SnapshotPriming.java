package dev.ecsa.functions;

import dev.ecsa.functions.aws.AwsClients;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart's {@code beforeCheckpoint}: after the handler is built at init, and before Lambda snapshots the
 * environment, each AWS client the function built makes one call that reaches nothing ({@code AwsClients
 * #primeBuiltClients}), so every environment restored from the snapshot starts with the SDK's request path loaded
 * and compiled. A priming failure is logged and ignored: it can only cost speed. Without SnapStart (or outside
 * Lambda) the hook never runs.
 *
 * <p>org.crac holds resources weakly; the one instance is kept here.
 */
final class SnapshotPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPriming.class);
    private static SnapshotPriming registered;

    private final AwsClients clients;

    private SnapshotPriming(AwsClients clients) {
        this.clients = clients;
    }

    /** Registers the hook for these clients, once per environment. */
    static synchronized void register(AwsClients clients) {
        if (registered == null) {
            registered = new SnapshotPriming(clients);
            Core.getGlobalContext().register(registered);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long start = System.nanoTime();
        try {
            clients.primeBuiltClients();
            LOG.info("primed the AWS clients for the snapshot in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("priming the AWS clients failed, the snapshot is taken without: {}", e.toString());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: no credentials, connections or clocks were kept in the snapshot.
    }
}
