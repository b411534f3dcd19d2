package dev.ecsa.functions.sqs;

import java.util.List;

/**
 * What a handler with {@code ReportBatchItemFailures} answers: the messages to deliver again; every other message
 * of the batch is deleted.
 *
 * @param batchItemFailures one entry per message to redeliver
 */
public record SqsBatchResponse(List<ItemFailure> batchItemFailures) {

    public SqsBatchResponse {
        batchItemFailures = List.copyOf(batchItemFailures);
    }

    /** @param itemIdentifier the failed message's {@link SqsEvent.Message#messageId()} */
    public record ItemFailure(String itemIdentifier) {
    }
}
