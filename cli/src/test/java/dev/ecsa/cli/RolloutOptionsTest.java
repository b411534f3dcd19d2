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

    @Test
    void aRegisteringRolloutAgainstTheLocalModeTakesEachHostsAddressAndTheClusterAndAttributesForEach() {
        Backend local = new Backend("local mode", true, "us-east-1", null, Map.of(), null, null, null, null, null,
                Map.of("node-1", new Backend.LocalHost("node-1", "127.0.0.1", 2201, "ec2-user", "SHA256:" + "A".repeat(43)),
                        "node-2", new Backend.LocalHost("node-2", "127.0.0.1", 2202, "ec2-user",
                                "SHA256:" + "B".repeat(42) + "E")));
        Map<String, Object> body = parse("--cluster", "edge", "--attribute", "rack=a", "--batch-size", "2")
                .body("register", List.of("node-1", "node-2"));
        body.put("requestId", "commission-1");
        body.put("requestedBy", "alice");

        RolloutCommand.registrationsOfLocalHosts(local, body);
        RolloutValidator.Result r = RolloutValidator.validate(body, Set.of());

        assertThat(r.violations()).isEmpty();
        assertThat(body).doesNotContainKeys("nodes", "selector");
        assertThat(r.request().registrations()).extracting(reg -> reg.nodeId() + "@" + reg.address() + ":"
                + reg.port() + " " + reg.cluster() + " " + reg.attributes())
                .containsExactly("node-1@127.0.0.1:2201 edge {rack=a}", "node-2@127.0.0.1:2202 edge {rack=a}");

        Map<String, Object> unknown = parse().body("register", List.of("node-9"));
        assertThatThrownBy(() -> RolloutCommand.registrationsOfLocalHosts(local, unknown))
                .hasMessageContaining("node-9 is not a host of the local mode: ").hasMessageContaining("node-1");
        Backend aws = new Backend("AWS", false, "us-east-1", null, Map.of(), null, null, null, null, null, Map.of());
        assertThatThrownBy(() -> RolloutCommand.registrationsOfLocalHosts(aws, parse().body("register",
                List.of("node-1")))).hasMessageContaining("--file");
        assertThatThrownBy(() -> RolloutCommand.registrationsOfLocalHosts(local, parse("--state", "REGISTERED")
                .body("register", List.of("node-1")))).hasMessageContaining("selects no nodes");
    }
}
