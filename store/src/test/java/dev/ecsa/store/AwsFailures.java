package dev.ecsa.store;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** AWS service errors as the SDK builds them from an error response: code, message, HTTP status (for tests). */
public final class AwsFailures {

    private AwsFailures() {
    }

    public static <B extends AwsServiceException.Builder> AwsServiceException error(B builder, String code, int status,
                                                                              String message) {
        builder.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .statusCode(status)
                .message(message);
        return (AwsServiceException) builder.build();
    }

    public static AwsServiceException error(String code, int status) {
        return error(AwsServiceException.builder(), code, status, "message for " + code);
    }
}
