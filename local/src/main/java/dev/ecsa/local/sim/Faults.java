package dev.ecsa.local.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection and per-operation call counters.
 *
 * <p>Operations are named as on the wire: {@code "AmazonSSM.DescribeInstanceInformation"},
 * {@code "AmazonEC2ContainerServiceV20141113.ListTasks"}, {@code "secretsmanager.GetSecretValue"},
 * {@code "AWSEvents.PutEvents"}; the agent endpoints by path ({@code "/_sim/agent/ssm/register"}). The name
 * {@code "*"} in a rule matches every operation, and {@code "AmazonSSM.*"} every operation of one service. Every call is counted before any fault applies, so an SDK's
 * retries show in {@link #calls(String)}.
 */
public final class Faults {

    /** Matches every operation in {@link #failNext} and {@link #failAtRate}. */
    public static final String ANY = "*";

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private Random random = new Random(42);

    private static final class Rule {
        final String operation;
        final Fault fault;
        int remaining; // -1: rate-based, never used up
        final double rate;

        Rule(String operation, Fault fault, int remaining, double rate) {
            this.operation = operation;
            this.fault = fault;
            this.remaining = remaining;
            this.rate = rate;
        }
    }

    /** The next {@code times} calls of {@code operation} fail with (or are delayed by) {@code fault}. */
    public synchronized Faults failNext(String operation, Fault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        rules.add(new Rule(operation, fault, times, 1.0));
        return this;
    }

    /** Each call of {@code operation} fails with probability {@code rate} (0..1), until {@link #clear()}. */
    public synchronized Faults failAtRate(String operation, Fault fault, double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be within 0..1");
        }
        rules.add(new Rule(operation, fault, -1, rate));
        return this;
    }

    /** Seeds the random source of rate-based faults, for repeatable runs. */
    public synchronized Faults seed(long seed) {
        random = new Random(seed);
        return this;
    }

    /** Removes every fault rule (counters stay). */
    public synchronized void clear() {
        rules.clear();
    }

    /** How many calls of {@code operation} arrived since the start or the last {@link #resetCalls()}. */
    public long calls(String operation) {
        AtomicLong counter = counters.get(operation);
        return counter == null ? 0 : counter.get();
    }

    /** Every counter, sorted by operation. */
    public Map<String, Long> allCalls() {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public void resetCalls() {
        counters.clear();
    }

    /** {@code "*"} matches everything, {@code "AmazonSSM.*"} every operation of a service, else the exact name. */
    private static boolean matches(String rule, String operation) {
        if (rule.equals(ANY)) {
            return true;
        }
        return rule.endsWith(".*") ? operation.startsWith(rule.substring(0, rule.length() - 1))
                : rule.equals(operation);
    }

    /** Counts a call and returns the fault to apply to it, if any. */
    synchronized Optional<Fault> onCall(String operation) {
        counters.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (!matches(rule.operation, operation)) {
                continue;
            }
            if (rule.remaining > 0) {
                if (--rule.remaining == 0) {
                    rules.remove(i);
                }
                return Optional.of(rule.fault);
            }
            if (rule.remaining < 0 && random.nextDouble() < rule.rate) {
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }
}
