package dev.ecsa.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The yardstick of bin/bench-coldstart: a node-request consumer written the common way. Every client it could need
 * is built at class load with the SDK's defaults (default region and credentials chains, the default HTTP client),
 * and each message is stored as a request item. It does less than the service's handler on purpose: what it
 * measures is the cost of the usual setup.
 */
public class NaiveNodeRequestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    // Built at class load though this handler never calls them, as a consumer that may need them often is.
    static final SsmClient SSM = SsmClient.create();
    static final EcsClient ECS = EcsClient.create();
    private static final DynamoDbClient DYNAMO = DynamoDbClient.create();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                Map<?, ?> body = JSON.readValue(message.getBody(), Map.class);
                String requestId = String.valueOf(body.get("requestId"));
                DYNAMO.putItem(b -> b.tableName(System.getenv("ECSA_TABLE_NAME")).item(Map.of(
                        "pk", AttributeValue.fromS("REQUEST#" + requestId),
                        "sk", AttributeValue.fromS("REQUEST"),
                        "receivedAt", AttributeValue.fromS(Instant.now().toString()),
                        "body", AttributeValue.fromS(message.getBody()))));
            } catch (Exception e) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
