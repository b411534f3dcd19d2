package dev.ecsa.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.NodeOperationException;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;

class AwsErrorsTest {

    @ParameterizedTest
    @CsvSource({
            "ThrottlingException, 400, THROTTLED, true",
            "Throttling, 400, THROTTLED, true",
            "TooManyUpdates, 400, THROTTLED, true",
            "SomethingNew, 429, THROTTLED, true",
            "InternalServerError, 500, AWS_UNAVAILABLE, true",
            "ServerException, 500, AWS_UNAVAILABLE, true",
            "Whatever, 503, AWS_UNAVAILABLE, true",
            "AccessDeniedException, 400, AWS_ACCESS_DENIED, false",
            "UnrecognizedClientException, 400, AWS_ACCESS_DENIED, false",
            "SomethingElse, 403, AWS_ACCESS_DENIED, false",
            "ClusterNotFoundException, 400, NOT_FOUND, false",
            "InvalidParameterException, 400, INVALID_REQUEST, false",
            "InvalidParameters, 400, INVALID_REQUEST, false",
            "InvalidFilter, 400, INVALID_REQUEST, false",
            "UnknownBusinessRule, 400, INTERNAL, false",
    })
    void classifiesServiceErrorsByCodeAndStatus(String code, int status, Reason reason, boolean retryable) {
        NodeOperationException e = AwsErrors.translate("ECS DoThing", AwsFailures.error(code, status));

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e).isInstanceOf(retryable ? RetryableException.class : PermanentException.class);
    }

    @Test
    void clientSideFailuresAndTimeoutsAreRetryable() {
        var io = SdkClientException.builder().message("Unable to execute HTTP request: Read timed out")
                .cause(new SocketTimeoutException("Read timed out")).build();
        var timeout = ApiCallTimeoutException.create(60_000);

        assertThat(AwsErrors.translate("SSM X", io)).isInstanceOf(RetryableException.class)
                .extracting(NodeOperationException::reason).isEqualTo(Reason.AWS_UNAVAILABLE);
        assertThat(AwsErrors.translate("SSM X", timeout)).isInstanceOf(RetryableException.class)
                .extracting(NodeOperationException::reason).isEqualTo(Reason.AWS_UNAVAILABLE);
    }

    @Test
    void messageNamesOperationCodeStatusAndAwsMessageOnOneLine() {
        AwsServiceException e = AwsFailures.error(AwsServiceException.builder(), "InvalidParameterException", 400,
                "Bad value\nforged log line");

        NodeOperationException translated = AwsErrors.translate("ECS ListTasks", e);

        assertThat(translated.detail())
                .isEqualTo("ECS ListTasks failed: InvalidParameterException (HTTP 400): Bad value forged log line");
        assertThat(translated.getCause()).isSameAs(e);
    }

    @Test
    void clusterNotFoundSaysSoInPlainWords() {
        var e = AwsFailures.error(ClusterNotFoundException.builder(), "ClusterNotFoundException", 400,
                "Cluster not found.");

        assertThat(AwsErrors.translate("ECS ListContainerInstances", e).detail())
                .contains("the ECS cluster does not exist");
    }

    @Test
    void longAwsMessagesAreCut() {
        var e = AwsFailures.error(AwsServiceException.builder(), "X", 400, "a".repeat(5000));

        assertThat(AwsErrors.translate("op", e).getMessage().length()).isLessThan(400);
    }

    @Test
    void codeFallsBackToTheExceptionClassName() {
        var e = ClusterNotFoundException.builder().statusCode(400).message("no details").build();

        assertThat(AwsErrors.errorCode(e)).isEqualTo("ClusterNotFoundException");
        assertThat(AwsErrors.hasCode(e, "ClusterNotFoundException")).isTrue();
        assertThat(AwsErrors.hasCode(SdkClientException.create("io"), "ClusterNotFoundException")).isFalse();
    }
}
