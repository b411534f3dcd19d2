package dev.ecsa.local.mode;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which functions the local mode runs, built from its {@link LocalAdapters}: the node-request queue's consumer and the
 * scheduled reconciler. Either may be absent (the local mode then says so when it starts); the drain workflow's
 * function is always there, because the state machine needs it.
 *
 * @param nodeRequests the queue consumer, run behind the SQS event-source poller
 * @param reconcile    the reconciler, run by the reconcile schedule
 */
public record LocalWiring(Optional<Function<LocalAdapters, RequestHandler<SQSEvent, SQSBatchResponse>>> nodeRequests,
                          Optional<Function<LocalAdapters, ReconcileRun>> reconcile) {

    /** One reconcile run, as the scheduled function does it; returns a one-line summary for the console. */
    @FunctionalInterface
    public interface ReconcileRun {
        String run() throws Exception;
    }

    /** No consumer and no reconciler: the bench, the drain workflow and its function only. */
    public static LocalWiring none() {
        return new LocalWiring(Optional.empty(), Optional.empty());
    }

    /** The functions this build provides (see {@link StandardWiring}). */
    public static LocalWiring standard() {
        return StandardWiring.wiring();
    }

    public LocalWiring withNodeRequests(Function<LocalAdapters, RequestHandler<SQSEvent, SQSBatchResponse>> factory) {
        return new LocalWiring(Optional.of(factory), reconcile);
    }

    public LocalWiring withReconcile(Function<LocalAdapters, ReconcileRun> factory) {
        return new LocalWiring(nodeRequests, Optional.of(factory));
    }
}
