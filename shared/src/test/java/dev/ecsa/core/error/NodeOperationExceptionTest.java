package dev.ecsa.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class NodeOperationExceptionTest {

    @Test
    void theReasonPicksTheExceptionClass() {
        for (Reason r : Reason.values()) {
            NodeOperationException e = NodeOperationException.of(r, "detail for " + r);
            assertThat(e).isInstanceOf(r.retryable() ? RetryableException.class : PermanentException.class);
            assertThat(e.retryable()).isEqualTo(r.retryable());
            assertThat(e.reason()).isEqualTo(r);
            assertThat(e.getMessage()).isEqualTo(r + ": detail for " + r);
            assertThat(e.detail()).isEqualTo("detail for " + r);
        }
    }

    @Test
    void transientConditionsAreRetryableAndRejectionsPermanent() {
        assertThat(Reason.THROTTLED.retryable()).isTrue();
        assertThat(Reason.AWS_UNAVAILABLE.retryable()).isTrue();
        assertThat(Reason.HOST_UNREACHABLE.retryable()).isTrue();
        assertThat(Reason.TIMED_OUT.retryable()).isTrue();
        assertThat(Reason.INVALID_REQUEST.retryable()).isFalse();
        assertThat(Reason.HOST_KEY_CHANGED.retryable()).isFalse();
        assertThat(Reason.SSH_AUTH_FAILED.retryable()).isFalse();
        assertThat(Reason.CONFLICT.retryable()).isFalse();
        assertThat(Reason.PREFLIGHT_FAILED.retryable()).isFalse();
    }

    @Test
    void theCauseIsKept() {
        IOException io = new IOException("connection reset");
        NodeOperationException e = NodeOperationException.of(Reason.HOST_UNREACHABLE, "10.0.0.5:22", io);
        assertThat(e.getCause()).isSameAs(io);
    }

    @Test
    void stepFunctionsMatchesTheseExactClassNames() {
        // State machine Retry/Catch clauses name these classes; renaming them breaks deployed workflows.
        assertThat(RetryableException.class.getName()).isEqualTo("dev.ecsa.core.error.RetryableException");
        assertThat(PermanentException.class.getName()).isEqualTo("dev.ecsa.core.error.PermanentException");
        assertThat(NodeOperationException.class.getPermittedSubclasses())
                .containsExactlyInAnyOrder(RetryableException.class, PermanentException.class);
    }
}
