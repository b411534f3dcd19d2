package dev.ecsa.core.contract;

/**
 * The inventory table's key schema, index and TTL attribute: the stack creates the table with these names
 * ({@code EcsaStack}), the store reads and writes them ({@code InventoryTable}, {@code Items}), the bench creates the
 * same table. One list, so the two sides cannot drift.
 */
public final class InventorySchema {

    /** The partition key, a string: {@code NODE#<nodeId>}, {@code REQUEST#<requestId>}, {@code RECONCILE}. */
    public static final String PARTITION_KEY = "pk";
    /** The sort key, a string. */
    public static final String SORT_KEY = "sk";
    /** The global secondary index of node items by state, newest change last (all attributes projected). */
    public static final String BY_STATE_INDEX = "byState";
    /** The index's partition key: a node's state. */
    public static final String STATE = "state";
    /** The index's sort key: when the node item last changed (ISO-8601 text, which sorts in time order). */
    public static final String UPDATED_AT = "updatedAt";
    /** Epoch seconds after which DynamoDB may delete a request item (the table's TTL attribute). */
    public static final String TTL_ATTRIBUTE = "expiresAt";
    /**
     * The partition key of the repair pause: one item while set, in a partition of its own, so the operator's write
     * grant names exactly this key ({@code dynamodb:LeadingKeys}) and nothing else of the inventory.
     */
    public static final String REPAIR_PAUSE_PK = "CONTROL#repairPause";

    private InventorySchema() {
    }
}
