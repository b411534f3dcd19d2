package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeregisterManagedInstanceRequest;

/**
 * {@link ManagedInstances} on SSM: DescribeInstanceInformation by InstanceIds or by this stack's tags,
 * DeregisterManagedInstance.
 */
public final class SsmManagedInstances implements ManagedInstances {

    private final SsmClient ssm;
    private final String stackName;

    /** @param stackName the {@code ecsa:stack} tag value this stack's activations (and so its instances) carry */
    public SsmManagedInstances(SsmClient ssm, String stackName) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
        this.stackName = Objects.requireNonNull(stackName, "stackName");
    }

    @Override
    public Optional<ManagedInstance> describe(String managedInstanceId) {
        return SsmInstances.findFirst(ssm, "InstanceIds", managedInstanceId);
    }

    /** {@inheritDoc} The filters are {@code tag:ecsa:stack} = the stack name and {@code tag:ecsa:nodeId} = the node. */
    @Override
    public List<String> registeredFor(String nodeId) {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("tag:" + SsmHybridActivations.STACK_TAG, stackName);
        filters.put("tag:" + SsmHybridActivations.NODE_ID_TAG, nodeId);
        return SsmInstances.listAll(ssm, filters).stream().map(m -> m.instance().instanceId()).toList();
    }

    @Override
    public void deregister(String managedInstanceId) {
        try {
            ssm.deregisterManagedInstance(DeregisterManagedInstanceRequest.builder()
                    .instanceId(managedInstanceId).build());
        } catch (SdkException e) {
            // SSM's answer for an unknown or already deregistered instance.
            if (AwsErrors.hasCode(e, "InvalidInstanceId")) {
                return;
            }
            throw AwsErrors.translate("SSM DeregisterManagedInstance", e);
        }
    }
}
