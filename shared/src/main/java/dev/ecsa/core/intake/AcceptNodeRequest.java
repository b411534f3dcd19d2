package dev.ecsa.core.intake;

import dev.ecsa.core.deregister.DeregisterIntake;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.UpgradeRequest;
import dev.ecsa.core.deregister.UpgradeIntake;
import dev.ecsa.core.restart.RestartAgents;
import dev.ecsa.core.register.RegisterNode;
import dev.ecsa.core.request.Attempt;
import dev.ecsa.core.request.IntakeResult;
import dev.ecsa.core.request.RequestIdConflict;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The one use case that accepts a node request from the queue (docs/requests.md): it validates the decoded body,
 * hands a register request to {@link RegisterNode}, a deregister request to {@link DeregisterIntake}, a restart
 * request to {@link RestartAgents} and an upgrade to {@link UpgradeIntake}, and records
 * anything invalid or undecodable as a REJECTED request ({@link RequestRejections}). Every message ends in a result
 * or a {@link dev.ecsa.core.error.RetryableException}; nothing invalid reaches a host or an AWS API.
 */
public final class AcceptNodeRequest {

    private final RegisterNode registration;
    private final DeregisterIntake deregistration;
    private final RestartAgents restarts;
    private final UpgradeIntake upgrades;
    private final RequestRejections rejections;
    private final Set<String> managedClusters;

    /**
     * @param managedClusters the clusters the stack manages; a request naming another is rejected
     */
    public AcceptNodeRequest(RegisterNode registration, DeregisterIntake deregistration, RestartAgents restarts,
                             UpgradeIntake upgrades, RequestRejections rejections, Set<String> managedClusters) {
        this.registration = Objects.requireNonNull(registration, "registration");
        this.deregistration = Objects.requireNonNull(deregistration, "deregistration");
        this.restarts = Objects.requireNonNull(restarts, "restarts");
        this.upgrades = Objects.requireNonNull(upgrades, "upgrades");
        this.rejections = Objects.requireNonNull(rejections, "rejections");
        this.managedClusters = Set.copyOf(managedClusters);
    }

    /**
     * A body the wire layer could not read as a JSON object: recorded as REJECTED under the message's id.
     *
     * @param why what is wrong, without quoting the body
     */
    public IntakeResult undecodable(String why, String messageId) {
        return rejections.undecodable(why, messageId);
    }

    /**
     * Validates and routes one decoded request.
     *
     * @param body       the message body as a JSON object
     * @param messageId  the queue's id of the message (the record key when the request's own id is unusable)
     * @param identified told the request id and node id as soon as each passed its rule (the caller's log context)
     */
    public IntakeResult accept(Map<String, Object> body, String messageId, Attempt attempt,
                               BiConsumer<String, String> identified) {
        ValidationResult validation = RequestValidator.validate(body, managedClusters);
        identified.accept(validation.requestId().orElse(null), validation.nodeId().orElse(null));
        if (!validation.isValid()) {
            return rejections.invalid(validation, body.get("requestedBy") instanceof String s ? s : null, messageId);
        }
        NodeRequest request = validation.request().orElseThrow();
        try {
            if (request instanceof RegisterRequest r) {
                return registration.register(r, attempt);
            }
            if (request instanceof DeregisterRequest d) {
                return deregistration.accept(d, attempt);
            }
            if (request instanceof UpgradeRequest u) {
                return upgrades.accept(u, attempt);
            }
            return restarts.accept((RestartRequest) request, attempt);
        } catch (RequestIdConflict e) {
            // The id belongs to another request: recorded under the message's key, and the producer is told.
            return rejections.conflict(request.requestId(), request.nodeId(), request.action(),
                    request.requestedBy(), e.getMessage(), messageId);
        }
    }
}
