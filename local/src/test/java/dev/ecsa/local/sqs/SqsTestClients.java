package dev.ecsa.local.sqs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;

/** Unmodified SDK v2 SQS clients pointed at the bench, built the way the functions' composition root builds them. */
final class SqsTestClients {

    private SqsTestClients() {
    }

    static SqsClient client(URI endpoint, ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                // Read timeout above the 20 s long-poll maximum.
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .overrideConfiguration(c -> c.executionInterceptors(Arrays.asList(interceptors)))
                .build();
    }
}
