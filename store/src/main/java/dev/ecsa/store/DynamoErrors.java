package dev.ecsa.store;


import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Translates DynamoDB SDK failures into the domain's error types (conditional-check failures are not errors and
 * never reach here: the store handles them). Messages name the operation and the table, never item contents.
 */
final class DynamoErrors {

    // Error codes DynamoDB documents as throttling beyond what the SDK's isThrottlingException() already knows
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
    private static final Set<String> THROTTLING = Set.of("ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "ThrottlingException");
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDeniedException", "UnrecognizedClientException",
            "MissingAuthenticationTokenException", "InvalidSignatureException");
    // Transient contention with a transaction or a table/index update in progress.
    private static final Set<String> TRANSIENT = Set.of("TransactionConflictException", "ResourceInUseException");

    private DynamoErrors() {
    }

    /**
     * Runs one SDK call on {@code table}, translating its failures; a failed condition passes through untranslated,
     * for the caller's conditional write to read as "refused".
     */
    static <T> T call(String operation, String table, java.util.function.Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw translate(operation, table, e);
        }
    }

    static NodeOperationException translate(String operation, String table, SdkException e) {
        String where = "DynamoDB " + operation + " on table '" + table + "'";
        if (e instanceof ResourceNotFoundException) {
            return new PermanentException(Reason.INTERNAL, where + " failed: the table (or its byState index) does "
                    + "not exist; check the deployment and ECSA_TABLE_NAME", e);
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
                    ? service.awsErrorDetails().errorCode() : "unknown";
            String detail = where + " failed: " + code + " (HTTP " + service.statusCode() + ")";
            if (service.isThrottlingException() || THROTTLING.contains(code)) {
                return new RetryableException(Reason.THROTTLED, detail, e);
            }
            if (service.statusCode() >= 500 || TRANSIENT.contains(code)) {
                return new RetryableException(Reason.AWS_UNAVAILABLE, detail, e);
            }
            if (ACCESS_DENIED.contains(code)) {
                return new PermanentException(Reason.AWS_ACCESS_DENIED, detail, e);
            }
            // Validation and other 4xx: the request the adapter built is wrong; a retry repeats it.
            return new PermanentException(Reason.INTERNAL, detail, e);
        }
        if (e instanceof SdkClientException client) {
            // No answer (connection refused or reset, timeouts): DynamoDB may be fine a moment later.
            // The SDK's message says why (an unknown host, a refused connection, a timeout): an operator needs it.
            return new RetryableException(Reason.AWS_UNAVAILABLE, where + " failed: no answer from DynamoDB ("
                    + AwsErrors.clientFailure(client) + ")", e);
        }
        return new RetryableException(Reason.AWS_UNAVAILABLE, where + " failed: " + e.getClass().getSimpleName(), e);
    }
}
