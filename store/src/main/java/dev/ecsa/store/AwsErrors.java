package dev.ecsa.store;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that turns AWS SDK failures into the domain's two error types.
 *
 * <p>By the time an exception reaches here the SDK's own retries (see {@link AwsClients}) are exhausted, so a
 * retryable answer means "try again later, at the workflow or queue level", not "try again now".
 *
 * <p>Messages name the operation, the AWS error code, the HTTP status and AWS's own error message. They never
 * contain a request or response body: none of the requests this service sends carries a secret, and AWS error
 * messages describe the request, not the (secret-bearing) responses of CreateActivation or GetSecretValue.
 */
public final class AwsErrors {

    /** Error codes AWS services use for throttling that the SDK may not classify itself. */
    static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
            "ProvisionedThroughputExceededException", "SlowDown", "PriorRequestNotComplete",
            "TransactionInProgressException", "EC2ThrottledException",
            // SSM: "There are concurrent updates for the resource" — clears up on a retry.
            "TooManyUpdates");

    /** Error codes that mean AWS itself failed; a later retry may succeed. */
    static final Set<String> UNAVAILABLE_CODES = Set.of("InternalServerError", "InternalFailure", "InternalError",
            "InternalException", "InternalServiceError", "InternalServiceErrorException", "ServerException",
            "ServiceUnavailable", "ServiceUnavailableException", "ServiceException", "RequestTimeout",
            "RequestTimeoutException");

    /** Error codes that mean the caller may not do this: a deployment (IAM) problem. */
    static final Set<String> ACCESS_DENIED_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "UnauthorizedOperation", "UnauthorizedException", "UnrecognizedClientException",
            "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationToken",
            "ExpiredToken", "ExpiredTokenException", "NotAuthorized", "AuthFailure");

    /** Error codes for input AWS rejects as malformed or not applicable. */
    static final Set<String> INVALID_INPUT_CODES = Set.of("InvalidParameterException", "InvalidParameters",
            "InvalidParameterValue", "InvalidParameterValueException", "ValidationException",
            "InvalidRequestException", "InvalidInput", "InvalidArn", "InvalidName", "InvalidExecutionInput",
            "InvalidFilter", "InvalidFilterKey", "InvalidFilterValue", "InvalidNextToken", "InvalidInstanceInformationFilterValue",
            "InvalidRole", "ClientException");

    private AwsErrors() {
    }

    /**
     * Translates an SDK failure of {@code operation} (e.g. {@code "ECS DescribeContainerInstances"}).
     *
     * <ul>
     *   <li>throttling (the SDK's own classification or a known code) → {@link RetryableException} THROTTLED;</li>
     *   <li>HTTP 5xx or a known server-error code, and {@link SdkClientException} (I/O failure, timeout, an
     *       unreadable response) → {@link RetryableException} AWS_UNAVAILABLE;</li>
     *   <li>access denied / bad credentials → {@link PermanentException} AWS_ACCESS_DENIED;</li>
     *   <li>ClusterNotFoundException → {@link PermanentException} NOT_FOUND;</li>
     *   <li>invalid parameters → {@link PermanentException} INVALID_REQUEST;</li>
     *   <li>anything else → {@link PermanentException} INTERNAL, naming the code so a person can act on it.</li>
     * </ul>
     */
    public static NodeOperationException translate(String operation, SdkException e) {
        if (e instanceof AwsServiceException service) {
            return translateService(operation, service);
        }
        if (e instanceof SdkClientException client) {
            // ApiCallTimeoutException and ApiCallAttemptTimeoutException are SdkClientExceptions too.
            return new RetryableException(Reason.AWS_UNAVAILABLE,
                    operation + " could not reach AWS or read its answer: " + clientFailure(client), e);
        }
        return new PermanentException(Reason.INTERNAL,
                operation + " failed in the SDK: " + e.getClass().getSimpleName(), e);
    }

    private static NodeOperationException translateService(String operation, AwsServiceException e) {
        String code = errorCode(e);
        int status = e.statusCode();
        String detail = operation + " failed: " + code + " (HTTP " + status + ")" + awsMessage(e);
        if (e.isThrottlingException() || THROTTLING_CODES.contains(code)) {
            return new RetryableException(Reason.THROTTLED, detail, e);
        }
        if (status >= 500 || UNAVAILABLE_CODES.contains(code)) {
            return new RetryableException(Reason.AWS_UNAVAILABLE, detail, e);
        }
        if (status == 401 || status == 403 || ACCESS_DENIED_CODES.contains(code)) {
            return new PermanentException(Reason.AWS_ACCESS_DENIED, detail, e);
        }
        if ("ClusterNotFoundException".equals(code)) {
            return new PermanentException(Reason.NOT_FOUND, operation + " failed: the ECS cluster does not exist"
                    + " (ClusterNotFoundException)", e);
        }
        if (INVALID_INPUT_CODES.contains(code)) {
            return new PermanentException(Reason.INVALID_REQUEST, detail, e);
        }
        return new PermanentException(Reason.INTERNAL, detail, e);
    }

    /** The AWS error code (e.g. {@code InvalidInstanceId}), or the exception's simple name if AWS sent none. */
    public static String errorCode(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null || code.isBlank() ? e.getClass().getSimpleName() : code;
    }

    /** Whether {@code e} is an AWS error with one of these codes (matched by code, not class, so both agree). */
    public static boolean hasCode(SdkException e, String... codes) {
        if (!(e instanceof AwsServiceException service)) {
            return false;
        }
        String code = errorCode(service);
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static String awsMessage(AwsServiceException e) {
        String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return m == null || m.isBlank() ? "" : ": " + oneLine(m);
    }

    /** One line of at most 300 characters, so an odd answer cannot flood a log or forge log lines. */
    /**
     * Why a call got no answer, for the log: the innermost cause (an {@code UnknownHostException} naming the
     * endpoint, a refused connection), since the SDK's own message only says to look there.
     */
    public static String clientFailure(SdkClientException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? oneLine(e.getMessage()) : root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    }

    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…";
    }
}
