package dev.ecsa.it.soak;

import dev.ecsa.local.mode.Soak;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak's small fixed-seed run (bin/soak runs the large one): 150 mixed requests on 24 hosts under faults (fault
 * rate 0.1: AWS throttling, errors and latency, SSH connections cut, conflicting writes, changed host keys, a host
 * down mid-drain), checked against the bench's ground truth. Environment kills are left to the command: each holds
 * its message for the queue's visibility timeout.
 */
class SoakIT {

    private static final Soak.Settings SETTINGS = new Soak.Settings(150, 24, 0.1, 42, Duration.ofMinutes(10),
            false, 40);

    @Test
    void mixedRequestsUnderFaultsEndRecordedWithNothingLostDuplicatedOrLeaked() throws Exception {
        Soak.Report report = Soak.run(SETTINGS, Path.of("..").toAbsolutePath().normalize());
        String printed = report.render(SETTINGS);
        System.out.print(printed);

        assertThat(report.sent()).as(printed).isEqualTo(150);
        assertThat(report.terminal()).as(printed).isEqualTo(report.sent());
        assertThat(report.lost()).as(printed).isZero();
        assertThat(report.duplicatedRegistrations()).as(printed).isZero();
        assertThat(report.leakedActivations()).as(printed).isZero();
        assertThat(report.stateDisagreements()).as(printed).isZero();
        assertThat(report.eventsMissing()).as(printed).isZero();
        assertThat(report.eventsDuplicated()).as(printed).isZero();
        assertThat(report.secretsFound()).as(printed).isZero();
        assertThat(report.canaries()).as(printed).isZero();
        assertThat(report.stuck()).as(printed).isZero();
        assertThat(report.faults()).as("faults were injected: " + printed).containsKeys(
                "ssh connections cut", "concurrent node-item writes", "host keys changed");
        assertThat(report.clean()).as(printed).isTrue();
    }
}
