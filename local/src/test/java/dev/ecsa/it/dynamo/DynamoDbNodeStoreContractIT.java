package dev.ecsa.it.dynamo;

import dev.ecsa.core.fakes.NodeStoreContract;
import dev.ecsa.core.port.NodeStore;
import dev.ecsa.store.DynamoDbNodeStore;
import dev.ecsa.store.InventoryTable;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB adapter against dynalite passes the same {@link NodeStoreContract} as the in-memory fake, each test on
 * a new table. Page size 2 makes every by-state listing with more than two nodes span pages.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbNodeStoreContractIT extends NodeStoreContract {

    private static DynamoDbClient dynamo;

    @BeforeAll
    static void client(DynaliteServer server) {
        dynamo = BenchDynamo.client(server);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Override
    protected NodeStore newStore(Clock clock) {
        String table = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        InventoryTable.ensure(dynamo, table, Duration.ofSeconds(10));
        return new DynamoDbNodeStore(dynamo, table, Duration.ofDays(90), clock, 2);
    }
}
