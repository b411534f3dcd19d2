package dev.ecsa.core.deregister;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.error.RetryableException;
import dev.ecsa.core.model.Failure;
import org.junit.jupiter.api.Test;

class CaughtErrorTest {

    @Test
    void theReasonOfTheProjectsOwnErrorsIsKept() {
        RetryableException e = new RetryableException(Reason.HOST_UNREACHABLE, "no SSH server answers at a@b:22");

        Failure failure = new CaughtError(e.getClass().getName(), e.getMessage()).toFailure();

        assertThat(failure).isEqualTo(new Failure(Reason.HOST_UNREACHABLE, "no SSH server answers at a@b:22"));
    }

    @Test
    void aMessageThatOnlyLooksLikeOursFromAnotherErrorIsInternal() {
        Failure failure = new CaughtError("java.lang.IllegalStateException", "CONFLICT: not really").toFailure();

        assertThat(failure.reason()).isEqualTo(Reason.INTERNAL);
        assertThat(failure.message()).isEqualTo("java.lang.IllegalStateException: CONFLICT: not really");
    }

    @Test
    void anUnknownReasonPrefixIsInternal() {
        Failure failure = new CaughtError(PermanentException.class.getName(), "NO_SUCH_REASON: x").toFailure();

        assertThat(failure.reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void stepFunctionsAndLambdaErrorsAreClassified() {
        assertThat(new CaughtError("States.Timeout", "").toFailure())
                .isEqualTo(new Failure(Reason.TIMED_OUT, "States.Timeout"));
        assertThat(new CaughtError("Lambda.ServiceException", "rate").toFailure().reason())
                .isEqualTo(Reason.AWS_UNAVAILABLE);
        assertThat(new CaughtError(null, null).toFailure()).isEqualTo(new Failure(Reason.INTERNAL, "Unknown"));
    }

    @Test
    void longMessagesAreBounded() {
        Failure failure = new CaughtError("java.lang.RuntimeException", "x".repeat(10_000)).toFailure();

        assertThat(failure.message()).hasSize(CaughtError.MAX_MESSAGE).endsWith("…");
    }
}
