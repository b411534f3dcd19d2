package dev.ecsa.core.port;

import dev.ecsa.core.model.Activation;
import java.util.List;
import java.util.Optional;

/** SSM hybrid activations: one per registration, single use, deleted after use (DESIGN.md 2.3). */
public interface HybridActivations {

    /**
     * Creates an activation with RegistrationLimit 1, DefaultInstanceName = {@code spec.nodeId()}, the spec's expiry,
     * and tags with the node id, request id and {@code spec.tags()}.
     *
     * <p>Idempotency: <b>none</b> — SSM has no client token for this call, so a retry creates a second activation.
     * That is harmless by construction: each is single-use, short-lived and tagged with the request id, and the
     * caller deletes the one it used. Callers should not retry this call blindly within one attempt.
     */
    Activation create(ActivationSpec spec);

    /**
     * Deletes an activation. Idempotent: an activation that is already deleted (or unknown) counts as done. Deleting
     * an activation does not deregister the instance registered with it.
     */
    void delete(String activationId);

    /**
     * The managed instance registered with this activation (DescribeInstanceInformation filtered by ActivationIds):
     * one O(1) lookup whatever the fleet size. Empty while the host has not registered yet. Read-only.
     */
    Optional<ManagedInstance> findManagedInstance(String activationId);

    /**
     * Ids of the activations SSM still holds that were created for this request (DescribeActivations filtered by
     * DefaultInstanceName = {@code nodeId}, then by the request-id tag): how a redelivery finds an activation whose
     * creation an earlier delivery did not live to record. Costs calls in proportion to the node's own activations,
     * not the fleet. Read-only.
     */
    List<String> findForRequest(String nodeId, String requestId);
}
