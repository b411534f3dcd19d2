package dev.ecsa.functions.aws;

import dev.ecsa.store.AwsErrors;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ListedManagedInstance;
import dev.ecsa.core.port.ManagedInstance;
import dev.ecsa.core.port.PingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationRequest;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;

/** DescribeInstanceInformation lookups shared by the two SSM adapters. */
final class SsmInstances {

    /** The largest page SSM allows (the default is 10). */
    static final int PAGE_SIZE = 50;

    /**
     * A bound on pages per lookup so a server that keeps answering with a NextToken cannot keep a function busy
     * forever; 1,000 pages of 50 cover 50,000 instances, far above SSM's per-account hybrid node limits.
     */
    static final int MAX_PAGES = 1_000;

    private SsmInstances() {
    }

    /**
     * The first instance matching one filter, paging until NextToken is null: with Filters, SSM may answer empty pages
     * that still carry a NextToken (aws-cli#2626), so an empty page is not the end.
     */
    static Optional<ManagedInstance> findFirst(SsmClient ssm, String filterKey, String value) {
        DescribeInstanceInformationRequest.Builder request = DescribeInstanceInformationRequest.builder()
                .filters(InstanceInformationStringFilter.builder().key(filterKey).values(value).build())
                .maxResults(PAGE_SIZE);
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            DescribeInstanceInformationResponse response;
            try {
                response = ssm.describeInstanceInformation(request.nextToken(token).build());
            } catch (SdkException e) {
                if (AwsErrors.hasCode(e, "InvalidInstanceId")) {
                    // SSM answers an unknown id in an InstanceIds filter this way: not there.
                    return Optional.empty();
                }
                throw AwsErrors.translate("SSM DescribeInstanceInformation", e);
            }
            if (response.hasInstanceInformationList() && !response.instanceInformationList().isEmpty()) {
                return Optional.of(toManagedInstance(response.instanceInformationList().get(0)));
            }
            token = response.nextToken();
            if (token == null || token.isEmpty()) {
                return Optional.empty();
            }
        }
        throw new RetryableException(Reason.AWS_UNAVAILABLE,
                "SSM DescribeInstanceInformation kept returning pages after " + MAX_PAGES + " pages");
    }

    /**
     * Every instance matching one filter, 50 per page, paging until NextToken is null (pages may be empty and still
     * carry a token). Cost: ceil(N / 50) calls, plus the empty pages SSM may interleave.
     */
    static List<ListedManagedInstance> listAll(SsmClient ssm, String filterKey, String value) {
        return listAll(ssm, Map.of(filterKey, value));
    }

    /** Every instance matching all of {@code filters} (key → value; SSM ANDs the filters), page by page. */
    static List<ListedManagedInstance> listAll(SsmClient ssm, Map<String, String> filters) {
        DescribeInstanceInformationRequest.Builder request = DescribeInstanceInformationRequest.builder()
                .filters(filters.entrySet().stream().map(f -> InstanceInformationStringFilter.builder()
                        .key(f.getKey()).values(f.getValue()).build()).toList())
                .maxResults(PAGE_SIZE);
        List<ListedManagedInstance> out = new ArrayList<>();
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            DescribeInstanceInformationResponse response;
            try {
                response = ssm.describeInstanceInformation(request.nextToken(token).build());
            } catch (SdkException e) {
                throw AwsErrors.translate("SSM DescribeInstanceInformation", e);
            }
            for (InstanceInformation info : response.instanceInformationList()) {
                out.add(new ListedManagedInstance(toManagedInstance(info), info.lastPingDateTime()));
            }
            token = response.nextToken();
            if (token == null || token.isEmpty()) {
                return out;
            }
        }
        throw new RetryableException(Reason.AWS_UNAVAILABLE,
                "SSM DescribeInstanceInformation kept returning pages after " + MAX_PAGES + " pages");
    }

    static ManagedInstance toManagedInstance(InstanceInformation info) {
        return new ManagedInstance(info.instanceId(), info.activationId(), info.name(),
                pingStatus(info.pingStatusAsString()), info.agentVersion(), info.ipAddress(), info.platformName(),
                info.platformVersion());
    }

    static PingStatus pingStatus(String value) {
        if (value == null) {
            return PingStatus.UNKNOWN;
        }
        return switch (value) {
            case "Online" -> PingStatus.ONLINE;
            case "ConnectionLost" -> PingStatus.CONNECTION_LOST;
            case "Inactive" -> PingStatus.INACTIVE;
            default -> PingStatus.UNKNOWN;
        };
    }
}
