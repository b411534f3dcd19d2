package dev.ecsa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.fleet.RolloutValidator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RolloutOptionsTest {

    private static RolloutOptions parse(String... args) {
        RolloutOptions o = new RolloutOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void windowsReadAsDaysHoursAndZone() {
        assertThat(RolloutOptions.window("mon-fri 22:00-04:00 Europe/Berlin")).isEqualTo(Map.of(
                "days", List.of("mon", "tue", "wed", "thu", "fri"), "start", "22:00", "end", "04:00",
                "timeZone", "Europe/Berlin"));
        assertThat(RolloutOptions.window("sat,sun 00:00-00:00 UTC").get("days")).isEqualTo(List.of("sat", "sun"));
        assertThat(RolloutOptions.window("fri-mon 20:00-06:00 UTC").get("days"))
                .as("a range wraps around the week").isEqualTo(List.of("fri", "sat", "sun", "mon"));
        assertThatThrownBy(() -> RolloutOptions.window("weekdays 22-4")).isInstanceOf(CliException.class);
    }

    @Test
    void theOptionsMakeTheMessageTheServiceValidates() {
        Map<String, Object> body = parse("--batch-size", "5", "--max-unavailable", "2", "--soak", "2m",
                "--window", "mon-fri 22:00-04:00 Europe/Berlin", "--spread-by", "rack", "--canary", "1",
                "--approval", "--drain-timeout", "15m", "--on-timeout", "force", "--cluster", "prod",
                "--state", "registered").body("deregister", List.of());
        body.put("requestId", "retire-1");
        body.put("requestedBy", "alice");

        RolloutValidator.Result r = RolloutValidator.validate(body, Set.of());

        assertThat(r.violations()).isEmpty();
        assertThat(r.request().controls().soak().toSeconds()).isEqualTo(120);
        assertThat(r.request().drainTimeoutSeconds()).isEqualTo(900);
        assertThat(r.request().selector().cluster()).isEqualTo("prod");
        assertThat(r.request().controls().windows()).hasSize(1);
    }
}
