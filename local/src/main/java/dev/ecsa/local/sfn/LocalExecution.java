package dev.ecsa.local.sfn;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running (or finished) execution on {@link LocalStepFunctions}. */
public final class LocalExecution {

    private final String id;
    private final CompletableFuture<ExecutionResult> result;
    private final Runnable stopper;

    LocalExecution(String id, CompletableFuture<ExecutionResult> result, Runnable stopper) {
        this.id = id;
        this.result = result;
        this.stopper = stopper;
    }

    public String id() {
        return id;
    }

    /** Completes when the execution ends (exceptionally only if the interpreter could not run it at all). */
    public CompletableFuture<ExecutionResult> result() {
        return result;
    }

    /**
     * Waits for the end of the execution.
     *
     * @throws IllegalStateException if it does not end in time or the interpreter failed
     */
    public ExecutionResult await(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("execution " + id + " did not end within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("execution " + id + " could not run: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for execution " + id, e);
        }
    }

    /** Aborts the execution; it then ends with status ABORTED. No effect on an execution that has ended. */
    public void stop() {
        if (!result.isDone()) {
            stopper.run();
        }
    }

    @Override
    public String toString() {
        return "LocalExecution[" + id + (result.isDone() ? ", ended" : ", running") + "]";
    }
}
