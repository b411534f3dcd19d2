package dev.ecsa.core.port;

import dev.ecsa.core.model.Activation;
import java.util.List;
import java.util.Optional;

/** SSM hybrid activations: one per registration, single use, deleted after use (README, "Security"). */
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
     * The activations this stack created (tagged {@code ecsa:stack} with its name) that still exist, deleted ones being
     * gone from SSM. Read-only, for the reconciler. Cost: DescribeActivations filtered by the stack's IAM role, 50 per
     * page (SSM's maximum; it has no tag filter for activations, so the stack tag is checked on each result):
     * ceil(A / 50) calls for A activations of that role — few, since every registration deletes its own.
     *
     * <p>Default: unsupported (implementations that are not listings, e.g. test decorators, need not offer it).
     */
    default List<ActivationInfo> listActivations() {
        throw new UnsupportedOperationException(getClass().getName() + " does not list activations");
    }

    /**
     * The managed instances registered with this stack's activations: SSM copies activation tags onto the instance,
     * so they carry the {@code ecsa:stack} tag. Deregistered instances are not listed. Read-only, for the reconciler.
     * Cost: DescribeInstanceInformation filtered by the tag, 50 per page (SSM's maximum): ceil(N / 50) calls, looping
     * until NextToken is null because filtered pages may be empty (aws-cli#2626).
     *
     * <p>Default: unsupported (implementations that are not listings, e.g. test decorators, need not offer it).
     */
    default List<ListedManagedInstance> listManagedInstances() {
        throw new UnsupportedOperationException(getClass().getName() + " does not list managed instances");
    }

    /**
     * Ids of the activations SSM still holds that were created for this request (DescribeActivations filtered by
     * DefaultInstanceName = {@code nodeId}, then by the request-id tag): how a redelivery finds an activation whose
     * creation an earlier delivery did not live to record. Costs calls in proportion to the node's own activations,
     * not the fleet. Read-only.
     */
    List<String> findForRequest(String nodeId, String requestId);
}
