package dev.ecsa.local.sim;

import java.time.Instant;
import java.util.List;

/** One entry accepted by the simulated EventBridge PutEvents. */
public record PublishedEvent(String eventId, String eventBusName, String source, String detailType, String detail,
                             List<String> resources, Instant time) {
}
