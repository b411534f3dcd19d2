package dev.ecsa.core.register;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.RequestRecord;
import dev.ecsa.core.model.Step;
import dev.ecsa.core.model.StepResult;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.NodeStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The activations a registration request created, and which of them it deleted, kept in the request's trail so that
 * every delivery that resumes the request sees what earlier ones left: each creation and deletion is a step whose {@link Step#resourceId()} is
 * the activation id. An activation is recorded before it is used, so none can be live without the trail knowing —
 * except one whose creation a crash cut short (the step stays STARTED); SSM finds that one by its request-id tag.
 * Creation and deletion wait out AWS throttling ({@link Patience}).
 */
final class ActivationJournal {

    /** Step: creating the activation. */
    static final String STEP_CREATE = "activation";
    /** Step: deleting an activation. */
    static final String STEP_DELETE = "delete-activation";

    private final NodeStore store;
    private final HybridActivations activations;
    private final Delivery delivery;
    private final Patience patience;
    private Activation current;
    private boolean currentDeleted;

    ActivationJournal(NodeStore store, HybridActivations activations, Delivery delivery, Patience patience) {
        this.store = store;
        this.activations = activations;
        this.delivery = delivery;
        this.patience = patience;
    }

    /**
     * The activations earlier deliveries of this request created, in creation order, each with whether its deletion
     * was recorded; including any a crash left unrecorded, found by its tags.
     */
    Map<String, Boolean> earlier() {
        Map<String, Boolean> ids = new LinkedHashMap<>();
        boolean interrupted = false;
        for (Step s : trail()) {
            if (s.name().equals(STEP_CREATE) && s.result() == StepResult.STARTED) {
                interrupted = true;
            }
            if (s.resourceId() == null || s.result() != StepResult.SUCCEEDED) {
                continue;
            }
            if (s.name().equals(STEP_CREATE)) {
                ids.putIfAbsent(s.resourceId(), false);
            } else if (s.name().equals(STEP_DELETE)) {
                ids.put(s.resourceId(), true);
            }
        }
        if (interrupted) {
            activations.findForRequest(delivery.nodeId, delivery.requestId).forEach(id -> ids.putIfAbsent(id, false));
        }
        return ids;
    }

    /** Every activation this request created, earlier deliveries' and this one's. */
    Set<String> all() {
        Set<String> ids = new LinkedHashSet<>(earlier().keySet());
        if (current != null) {
            ids.add(current.activationId());
        }
        return ids;
    }

    /** Deletes every activation of this request that is not recorded as deleted. */
    void deleteEarlier() {
        earlier().forEach((id, deleted) -> {
            if (!deleted) {
                delete(id);
            }
        });
    }

    /** Creates this delivery's activation, recording its id before anyone uses it. */
    Activation create(ActivationSpec spec) {
        return delivery.durableStep(STEP_CREATE, () -> {
            current = patience.call(() -> activations.create(spec));
            delivery.keepSecret(current.code());
            return current;
        }, a -> "activation " + a.activationId() + " expires " + a.expiresAt(), Activation::activationId);
    }

    /** Deletes this delivery's activation, if it created one that is still undeleted. */
    void deleteCurrent() {
        if (current != null && !currentDeleted) {
            currentDeleted = delete(current.activationId());
        }
    }

    /** Deletes an activation, recording it; a failure is recorded, not thrown (it expires anyway). */
    boolean delete(String id) {
        Instant at = delivery.now();
        try {
            patience.run(() -> activations.delete(id));
            delivery.append(new Step(STEP_DELETE, at, delivery.now(), StepResult.SUCCEEDED, "activation " + id, id));
            return true;
        } catch (NodeOperationException e) {
            delivery.append(new Step(STEP_DELETE, at, delivery.now(), StepResult.FAILED, "activation " + id + " "
                    + e.reason() + ": " + e.detail() + " (a redelivery deletes it; it expires regardless)", id));
            return false;
        }
    }

    private List<Step> trail() {
        return store.getRequest(delivery.requestId).map(RequestRecord::steps).orElse(List.of());
    }
}
