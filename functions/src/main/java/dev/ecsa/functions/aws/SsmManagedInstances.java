package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.ManagedInstances;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeregisterManagedInstanceRequest;

/** {@link ManagedInstances} on SSM: DescribeInstanceInformation by InstanceIds, DeregisterManagedInstance. */
public final class SsmManagedInstances implements ManagedInstances {

    private final SsmClient ssm;

    public SsmManagedInstances(SsmClient ssm) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
    }

    @Override
    public Optional<ManagedInstance> describe(String managedInstanceId) {
        return SsmInstances.findFirst(ssm, "InstanceIds", managedInstanceId);
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
