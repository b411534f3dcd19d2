package dev.ecsa.functions.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.contract.ServiceMetrics;
import dev.ecsa.core.reconcile.FindingType;
import dev.ecsa.core.reconcile.ReconcileRun;
import dev.ecsa.store.Json;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The reconciler's metrics in CloudWatch Embedded Metric Format: one JSON line on stdout, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into metrics with no API call
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * <p>Namespace {@value #NAMESPACE}, one dimension {@value #DIMENSION} = the stack name; metrics
 * {@value #TOTAL} (every finding but OK: the stack's alarm watches it), one per {@link FindingType} named by
 * {@link FindingType#metricName()} (OK included, for the dashboard), and {@value #FIXES}. Every metric is written at
 * every run, zeros included, so an alarm on it never lacks data.
 */
public final class EmfMetrics {

    public static final String NAMESPACE = FunctionEnvironment.METRIC_NAMESPACE;
    public static final String DIMENSION = FunctionEnvironment.METRIC_DIMENSION;
    public static final String TOTAL = ServiceMetrics.RECONCILE_FINDINGS;
    public static final String FIXES = ServiceMetrics.RECONCILE_FIXES;

    private final String service;
    private final PrintStream out;

    /**
     * @param service the stack name (the {@value #DIMENSION} dimension's value)
     * @param out     where the line goes: {@code System.out} in Lambda
     */
    public EmfMetrics(String service, PrintStream out) {
        this.service = Objects.requireNonNull(service, "service");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes the run's metrics as one line. */
    public void emit(ReconcileRun run) {
        out.println(line(run));
        out.flush();
    }

    /** The EMF line for a run. */
    String line(ReconcileRun run) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", run.finishedAt().toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add(DIMENSION);
        ArrayNode metrics = directive.putArray("Metrics");
        root.put(DIMENSION, service);
        metric(root, metrics, TOTAL, run.totalFindings());
        for (FindingType type : FindingType.values()) {
            metric(root, metrics, type.metricName(), run.counts().get(type));
        }
        metric(root, metrics, FIXES, run.fixes());
        root.put("runId", run.runId());
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an EMF line", e);
        }
    }

    private static void metric(ObjectNode root, ArrayNode metrics, String name, int value) {
        metrics.addObject().put("Name", name).put("Unit", "Count");
        root.put(name, value);
    }
}
