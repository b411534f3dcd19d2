package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Activation;
import dev.ecsa.core.port.ActivationInfo;
import dev.ecsa.core.port.ActivationSpec;
import dev.ecsa.core.port.HybridActivations;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CreateActivationRequest;
import software.amazon.awssdk.services.ssm.model.CreateActivationResponse;
import software.amazon.awssdk.services.ssm.model.DeleteActivationRequest;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilter;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsFilterKeys;
import software.amazon.awssdk.services.ssm.model.DescribeActivationsResponse;
import software.amazon.awssdk.services.ssm.model.Tag;

/**
 * {@link HybridActivations} on SSM: CreateActivation, DeleteActivation, DescribeInstanceInformation,
 * DescribeActivations.
 *
 * <p>Every activation is tagged {@code ecsa:nodeId}, {@code ecsa:requestId} and {@code ecsa:stack}: SSM copies
 * activation tags onto the managed instance it registers, and the stack's IAM policy allows CreateActivation only with
 * the {@code ecsa:stack} request tag and DeregisterManagedInstance only on instances carrying it.
 */
public final class SsmHybridActivations implements HybridActivations {

    /** Tag keys the service writes itself (the validator keeps requests from using the {@code ecsa:} prefix). */
    public static final String NODE_ID_TAG = "ecsa:nodeId";
    public static final String REQUEST_ID_TAG = "ecsa:requestId";
    public static final String STACK_TAG = "ecsa:stack";

    private final SsmClient ssm;
    private final String iamRole;
    private final String stackName;

    /**
     * @param ssm       the SSM client
     * @param iamRole   the ECS Anywhere role <em>name</em> the managed instances assume (CreateActivation IamRole)
     * @param stackName value of the {@code ecsa:stack} tag
     */
    public SsmHybridActivations(SsmClient ssm, String iamRole, String stackName) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
        this.iamRole = Objects.requireNonNull(iamRole, "iamRole");
        this.stackName = Objects.requireNonNull(stackName, "stackName");
    }

    @Override
    public Activation create(ActivationSpec spec) {
        CreateActivationRequest request = CreateActivationRequest.builder()
                .iamRole(iamRole)
                .registrationLimit(1)
                .expirationDate(spec.expiresAt())
                .defaultInstanceName(spec.nodeId())
                .description("ecsa registration of " + spec.nodeId())
                .tags(tags(spec))
                .build();
        CreateActivationResponse response;
        try {
            response = ssm.createActivation(request);
        } catch (SdkException e) {
            throw AwsErrors.translate("SSM CreateActivation", e);
        }
        return new Activation(response.activationId(), response.activationCode(), spec.expiresAt());
    }

    /** The activation's tags: the request's own, then the service's (which win; the validator keeps them apart). */
    List<Tag> tags(ActivationSpec spec) {
        Map<String, String> all = new LinkedHashMap<>(spec.tags());
        all.put(NODE_ID_TAG, spec.nodeId());
        all.put(REQUEST_ID_TAG, spec.requestId());
        all.put(STACK_TAG, stackName);
        List<Tag> tags = new ArrayList<>(all.size());
        all.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        return tags;
    }

    @Override
    public void delete(String activationId) {
        try {
            ssm.deleteActivation(DeleteActivationRequest.builder().activationId(activationId).build());
        } catch (SdkException e) {
            // InvalidActivationId: unknown or already deleted. InvalidActivation: "might have been deleted".
            if (AwsErrors.hasCode(e, "InvalidActivationId", "InvalidActivation")) {
                return;
            }
            throw AwsErrors.translate("SSM DeleteActivation", e);
        }
    }

    @Override
    public Optional<ManagedInstance> findManagedInstance(String activationId) {
        return SsmInstances.findFirst(ssm, "ActivationIds", activationId);
    }

    /**
     * {@inheritDoc} DescribeActivations has no tag filter, so the listing is narrowed server-side to the stack's IAM
     * role (every activation of this stack names it) and then to the {@value #STACK_TAG} tag on each result.
     */
    @Override
    public List<ActivationInfo> listActivations() {
        List<ActivationInfo> out = new ArrayList<>();
        String token = null;
        for (int page = 0; page < SsmInstances.MAX_PAGES; page++) {
            String next = token;
            DescribeActivationsResponse response;
            try {
                response = ssm.describeActivations(r -> r.maxResults(SsmInstances.PAGE_SIZE).nextToken(next)
                        .filters(DescribeActivationsFilter.builder().filterKey(DescribeActivationsFilterKeys.IAM_ROLE)
                                .filterValues(iamRole).build()));
            } catch (SdkException e) {
                throw AwsErrors.translate("SSM DescribeActivations", e);
            }
            for (var a : response.activationList()) {
                Map<String, String> tags = new LinkedHashMap<>();
                a.tags().forEach(t -> tags.put(t.key(), t.value()));
                if (stackName.equals(tags.get(STACK_TAG))) {
                    out.add(new ActivationInfo(a.activationId(), tags.getOrDefault(NODE_ID_TAG,
                            a.defaultInstanceName()), tags.get(REQUEST_ID_TAG), a.createdDate(), a.expirationDate(),
                            Boolean.TRUE.equals(a.expired()), a.registrationsCount() == null ? 0
                            : a.registrationsCount(), a.registrationLimit() == null ? 0 : a.registrationLimit()));
                }
            }
            token = response.nextToken();
            if (token == null || token.isEmpty()) {
                return out;
            }
        }
        throw new RetryableException(Reason.AWS_UNAVAILABLE,
                "SSM DescribeActivations kept returning pages after " + SsmInstances.MAX_PAGES + " pages");
    }

    /** {@inheritDoc} The filter is {@code tag:}{@value #STACK_TAG} = the stack name. */
    @Override
    public List<ListedManagedInstance> listManagedInstances() {
        return SsmInstances.listAll(ssm, "tag:" + STACK_TAG, stackName);
    }

    /** {@inheritDoc} DescribeActivations filtered by DefaultInstanceName, then the request-id tag on each result. */
    @Override
    public List<String> findForRequest(String nodeId, String requestId) {
        try {
            return ssm.describeActivationsPaginator(r -> r.filters(f -> f
                            .filterKey(DescribeActivationsFilterKeys.DEFAULT_INSTANCE_NAME).filterValues(nodeId)))
                    .activationList().stream()
                    .filter(a -> a.tags().stream().anyMatch(t -> t.key().equals(REQUEST_ID_TAG)
                            && t.value().equals(requestId)))
                    .map(software.amazon.awssdk.services.ssm.model.Activation::activationId)
                    .toList();
        } catch (SdkException e) {
            throw AwsErrors.translate("SSM DescribeActivations", e);
        }
    }
}
