package dev.ecsa.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoErrorsTest {

    private static DynamoDbException service(String code, int status) {
        return (DynamoDbException) DynamoDbException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("boom").build())
                .statusCode(status).message(code).build();
    }

    @Test
    void throttlingIsRetryable() {
        NodeOperationException e = DynamoErrors.translate("PutItem", "inv", ProvisionedThroughputExceededException
                .builder().awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException").build()).statusCode(400).build());
        assertThat(e).isInstanceOf(RetryableException.class);
        assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
        assertThat(DynamoErrors.translate("Query", "inv", service("ThrottlingException", 400)).reason())
                .isEqualTo(Reason.THROTTLED);
        assertThat(DynamoErrors.translate("Query", "inv", service("RequestLimitExceeded", 400)).reason())
                .isEqualTo(Reason.THROTTLED);
    }

    @Test
    void serverErrorsAndNoAnswerAreRetryable() {
        NodeOperationException e = DynamoErrors.translate("GetItem", "inv", service("InternalServerError", 500));
        assertThat(e).isInstanceOf(RetryableException.class);
        assertThat(e.reason()).isEqualTo(Reason.AWS_UNAVAILABLE);
        assertThat(e.getMessage()).contains("GetItem", "'inv'", "InternalServerError", "500");
        assertThat(DynamoErrors.translate("GetItem", "inv", SdkClientException.create("connection refused")))
                .isInstanceOf(RetryableException.class);
        // Why there was no answer is in the message: an operator reading the log needs the host that did not resolve.
        assertThat(DynamoErrors.translate("GetItem", "inv", SdkClientException.create(
                "Received an UnknownHostException when attempting to interact with a service. See cause",
                new java.net.UnknownHostException("dynamodb.eu-west-1.amazonaws.com"))).getMessage())
                .endsWith("no answer from DynamoDB (UnknownHostException: dynamodb.eu-west-1.amazonaws.com)");
        assertThat(DynamoErrors.translate("GetItem", "inv", SdkClientException.create("connection\nrefused"))
                .getMessage()).endsWith("no answer from DynamoDB (connection refused)");
        assertThat(DynamoErrors.translate("GetItem", "inv", ApiCallTimeoutException.create(1000)))
                .isInstanceOf(RetryableException.class);
    }

    @Test
    void aMissingTableIsPermanentAndSaysSo() {
        NodeOperationException e = DynamoErrors.translate("GetItem", "ecsa-inventory",
                ResourceNotFoundException.builder().message("Requested resource not found").statusCode(400).build());
        assertThat(e).isInstanceOf(PermanentException.class);
        assertThat(e.getMessage()).contains("'ecsa-inventory'", "does not exist", "ECSA_TABLE_NAME");
    }

    @Test
    void deniedAndInvalidCallsArePermanent() {
        NodeOperationException denied = DynamoErrors.translate("PutItem", "inv", service("AccessDeniedException", 400));
        assertThat(denied).isInstanceOf(PermanentException.class);
        assertThat(denied.reason()).isEqualTo(Reason.AWS_ACCESS_DENIED);
        NodeOperationException invalid = DynamoErrors.translate("PutItem", "inv", service("ValidationException", 400));
        assertThat(invalid).isInstanceOf(PermanentException.class);
        assertThat(invalid.reason()).isEqualTo(Reason.INTERNAL);
    }
}
