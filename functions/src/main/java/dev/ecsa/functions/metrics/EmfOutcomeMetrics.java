package dev.ecsa.functions.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ecsa.core.contract.FunctionEnvironment;
import dev.ecsa.core.contract.ServiceMetrics;
import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.port.EventPublisher;
import dev.ecsa.store.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Objects;

/**
 * Counts every outcome in CloudWatch as it is published: one Embedded Metric Format line on stdout per outcome event
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * which CloudWatch Logs turns into the metric {@link ServiceMetrics#of} names, then the event itself. The line is
 * written first: the outcome happened whether or not the event bus takes the event.
 */
public final class EmfOutcomeMetrics implements EventPublisher {

    private final EventPublisher events;
    private final String service;
    private final PrintStream out;
    private final Clock clock;

    /**
     * @param events  where the events go (EventBridge)
     * @param service the stack name, the {@value FunctionEnvironment#METRIC_DIMENSION} dimension's value
     * @param out     {@code System.out} in Lambda
     */
    public EmfOutcomeMetrics(EventPublisher events, String service, PrintStream out, Clock clock) {
        this.events = Objects.requireNonNull(events, "events");
        this.service = Objects.requireNonNull(service, "service");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void publish(NodeEvent event) {
        ServiceMetrics.of(event).ifPresent(metric -> {
            out.println(line(metric, event));
            out.flush();
        });
        events.publish(event);
    }

    /** Counts {@value ServiceMetrics#EVENTS_UNPUBLISHED}, then tells the publisher behind. */
    @Override
    public void unpublished(NodeEvent event, String why) {
        out.println(line(ServiceMetrics.EVENTS_UNPUBLISHED, event));
        out.flush();
        events.unpublished(event, why);
    }

    /** One count of {@code metric}, with the event's type as a property (not a dimension: no extra metric). */
    String line(String metric, NodeEvent event) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", FunctionEnvironment.METRIC_NAMESPACE);
        directive.putArray("Dimensions").addArray().add(FunctionEnvironment.METRIC_DIMENSION);
        directive.putArray("Metrics").addObject().put("Name", metric).put("Unit", "Count");
        root.put(FunctionEnvironment.METRIC_DIMENSION, service);
        root.put(metric, 1);
        root.put("event", event.detailType());
        root.put("requestId", event.requestId());
        root.put("nodeId", event.nodeId());
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an EMF line", e);
        }
    }
}
