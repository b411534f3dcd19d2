package dev.ecsa.core.register;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.error.Reason;
import dev.ecsa.core.register.BootstrapReport.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapReportTest {

    private static final Finding REGISTERED = new Finding(BootstrapReport.ALREADY_REGISTERED, true, "ssm");
    private static final Finding INTERRUPTED = new Finding(BootstrapReport.INTERRUPTED_INSTALLATION, false, "no ecs");

    private static BootstrapReport failed(String mi, String arn, Finding... findings) {
        return new BootstrapReport(false, Reason.PREFLIGHT_FAILED, "preflight", "ALREADY_REGISTERED", "m", mi, arn,
                null, null, List.of(findings), null);
    }

    @Test
    void anSsmRegistrationWithoutAnEcsAgentIsAnInterruptedInstallation() {
        BootstrapReport r = failed("mi-0123456789abcdef0", "", REGISTERED, INTERRUPTED);
        assertThat(r.alreadyRegistered()).isTrue();
        assertThat(r.interruptedInstallation()).isTrue();
    }

    @Test
    void anythingElseIsNot() {
        assertThat(failed("mi-0123456789abcdef0", "arn:ci", REGISTERED).interruptedInstallation())
                .as("an ECS agent answers").isFalse();
        assertThat(failed("", "", REGISTERED, INTERRUPTED).interruptedInstallation()).as("no managed instance id")
                .isFalse();
        assertThat(failed("mi-0123456789abcdef0", "", REGISTERED, INTERRUPTED,
                new Finding("LOW_DISK", true, "full")).interruptedInstallation())
                .as("another blocking finding stops it").isFalse();
        assertThat(new BootstrapReport(true, null, null, null, null, "mi-0123456789abcdef0", "arn:ci", "c", null,
                List.of(INTERRUPTED), null).interruptedInstallation()).as("a successful report").isFalse();
    }
}
