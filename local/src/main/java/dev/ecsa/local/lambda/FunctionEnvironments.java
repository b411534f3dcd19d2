package dev.ecsa.local.lambda;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A function's execution environments, as Lambda scales them: an invocation takes an idle environment (the one used
 * last first, as Lambda prefers warm ones) or, when every environment is busy and fewer than the function's concurrency
 * limit exist, a new one (a cold start); at the limit it waits, as the event source mapping's maximum concurrency
 * makes the mapping wait. Each environment is a {@link LambdaFunction}: its own JVM, one invocation at a time.
 */
public final class FunctionEnvironments implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FunctionEnvironments.class);

    private final Supplier<LambdaFunction> starter;
    private final Semaphore slots;
    private final int limit;
    private final Deque<LambdaFunction> idle = new ConcurrentLinkedDeque<>();
    private final List<LambdaFunction> all = new CopyOnWriteArrayList<>();

    /**
     * @param first   the environment started with the stack (SnapStart's published version)
     * @param starter starts another environment of the same function
     * @param limit   environments at most (the function's concurrency limit), at least 1
     */
    public FunctionEnvironments(LambdaFunction first, Supplier<LambdaFunction> starter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.starter = starter;
        this.limit = limit;
        this.slots = new Semaphore(limit, true);
        all.add(first);
        idle.push(first);
    }

    /** Invokes the function in an idle or new environment; waits while {@link #limit()} invocations run. */
    public LambdaFunction.Invocation invoke(String payload) {
        slots.acquireUninterruptibly();
        LambdaFunction env = idle.pollFirst();
        try {
            if (env == null) {
                env = starter.get();
                all.add(env);
            }
            LambdaFunction.Invocation result = env.invoke(payload);
            if (!result.ok() && "Runtime.ExitError".equals(result.errorType())) {
                List<String> lines = env.log();
                LOG.warn("an environment of {} exited; its last lines: {}", env.spec().name(),
                        lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            }
            return result;
        } finally {
            if (env != null) {
                idle.push(env);
            }
            slots.release();
        }
    }

    /** Every environment started so far. */
    public List<LambdaFunction> environments() {
        return List.copyOf(all);
    }

    /** Every environment's log lines, environment by environment. */
    public List<String> log() {
        List<String> lines = new ArrayList<>();
        all.forEach(env -> lines.addAll(env.log()));
        return lines;
    }

    public int limit() {
        return limit;
    }

    /** Closes every environment but the first, which its owner closes. */
    @Override
    public void close() {
        all.stream().skip(1).forEach(LambdaFunction::close);
    }
}
