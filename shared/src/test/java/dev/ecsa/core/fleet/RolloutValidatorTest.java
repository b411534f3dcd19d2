package dev.ecsa.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.validation.Violation;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutValidatorTest {

    private static Map<String, Object> deregister() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "rollout");
        m.put("requestId", "retire-rack-12");
        m.put("requestedBy", "alice");
        m.put("nodeAction", "deregister");
        m.put("nodes", List.of("n-1", "n-2", "n-3"));
        return m;
    }

    private static List<String> problems(Map<String, Object> body) {
        RolloutValidator.Result r = RolloutValidator.validate(body, Set.of());
        assertThat(r.isValid()).as("invalid").isFalse();
        return r.violations().stream().map(Violation::toString).toList();
    }

    @Test
    void aMinimalDeregistrationRolloutGetsTheSafeDefaults() {
        RolloutValidator.Result r = RolloutValidator.validate(deregister(), Set.of());

        assertThat(r.violations()).isEmpty();
        RolloutRequest req = r.request();
        assertThat(req.action()).isEqualTo(RolloutAction.DEREGISTER);
        assertThat(req.nodes()).containsExactly("n-1", "n-2", "n-3");
        assertThat(req.controls()).isEqualTo(RolloutControls.DEFAULTS);
        assertThat(req.dryRun()).isFalse();
        assertThat(req.nodeRequestId(2)).isEqualTo("retire-rack-12-2");
    }

    @Test
    void everyControlIsRead() {
        Map<String, Object> m = deregister();
        m.remove("nodes");
        m.put("selector", Map.of("states", List.of("REGISTERED"), "cluster", "prod", "attributes",
                Map.of("rack", "r12"), "ecsAgentVersion", "1.82.0"));
        m.put("batchSize", 5);
        m.put("maxConcurrency", 3);
        m.put("maxFailures", 1);
        m.put("maxFailurePercent", 10);
        m.put("soakSeconds", 120);
        m.put("maxUnavailable", 2);
        m.put("maxUnavailablePercent", 20);
        m.put("capacityCheck", false);
        m.put("windows", List.of(Map.of("days", List.of("MON", "fri"), "start", "22:00", "end", "04:00",
                "timeZone", "Europe/Berlin")));
        m.put("changeCalendar", "prod-change-calendar");
        m.put("canary", 2);
        m.put("spreadBy", "rack");
        m.put("approval", true);
        m.put("dryRun", true);
        m.put("drainTimeoutSeconds", 900);
        m.put("onTimeout", "force");

        RolloutValidator.Result r = RolloutValidator.validate(m, Set.of());

        assertThat(r.violations()).isEmpty();
        RolloutRequest req = r.request();
        assertThat(req.selector()).isEqualTo(new TargetSelector(Set.of(NodeState.REGISTERED), "prod",
                Map.of("rack", "r12"), "1.82.0", null));
        RolloutControls c = req.controls();
        assertThat(c.batchSize()).isEqualTo(5);
        assertThat(c.maxConcurrency()).isEqualTo(3);
        assertThat(c.errorBudget()).isEqualTo(new ErrorBudget(1, 10));
        assertThat(c.soak()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.disruptionBudget()).isEqualTo(new DisruptionBudget(2, 20));
        assertThat(c.capacityCheck()).isFalse();
        assertThat(c.windows()).singleElement().satisfies(w -> {
            assertThat(w.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
            assertThat(w.start()).isEqualTo(LocalTime.of(22, 0));
            assertThat(w.zone().getId()).isEqualTo("Europe/Berlin");
        });
        assertThat(c.changeCalendar()).isEqualTo("prod-change-calendar");
        assertThat(c.canary()).isEqualTo(2);
        assertThat(c.spreadBy()).isEqualTo("rack");
        assertThat(c.approval()).isTrue();
        assertThat(req.dryRun()).isTrue();
        assertThat(req.drainTimeoutSeconds()).isEqualTo(900);
        assertThat(req.onTimeout()).isEqualTo(TimeoutPolicy.FORCE);
    }

    @Test
    void aRegistrationRolloutChecksEachEntryByTheNodeRequestRules() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "rollout");
        m.put("requestId", "site-b");
        m.put("requestedBy", "provisioner");
        m.put("nodeAction", "register");
        m.put("registrations", List.of(
                Map.of("nodeId", "b-1", "address", "10.0.0.1", "sshUser", "ecsa", "attributes", Map.of("rack", "1")),
                Map.of("nodeId", "b-2", "address", "10.0.0.2; reboot", "sshUser", "ecsa"),
                Map.of("nodeId", "b-1", "address", "10.0.0.3", "sshUser", "ecsa"),
                Map.of("nodeId", "b-4", "address", "10.0.0.4", "sshUser", "ecsa", "requestId", "mine")));

        List<String> problems = problems(m);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("registrations[1].address: must be"));
        assertThat(problems).contains("registrations[2].nodeId: is registered twice in the rollout",
                "registrations[3].requestId: is set by the rollout");
        assertThat(String.join("\n", problems)).doesNotContain("reboot");

        List<Object> fine = new ArrayList<>(List.of(
                Map.of("nodeId", "b-1", "address", "10.0.0.1", "sshUser", "ecsa", "cluster", "prod"),
                Map.of("nodeId", "b-2", "address", "10.0.0.2", "sshUser", "ecsa", "port", 2222)));
        m.put("registrations", fine);
        RolloutValidator.Result r = RolloutValidator.validate(m, Set.of("prod"));
        assertThat(r.violations()).isEmpty();
        assertThat(r.request().registrations()).extracting(x -> x.requestId() + " " + x.nodeId() + " " + x.port())
                .containsExactly("site-b-1 b-1 22", "site-b-2 b-2 2222");
        assertThat(RolloutValidator.validate(Map.of("action", "rollout", "requestId", "x", "requestedBy", "a",
                "nodeAction", "register", "registrations", List.of(Map.of("nodeId", "b-1", "address", "10.0.0.1",
                        "sshUser", "ecsa", "cluster", "elsewhere"))), Set.of("prod")).violations())
                .extracting(Violation::field).containsExactly("registrations[0].cluster");
    }

    @Test
    void wrongInputIsNamedFieldByField() {
        Map<String, Object> m = deregister();
        m.put("selector", Map.of("cluster", "prod"));
        m.put("batchSize", 0);
        m.put("maxUnavailablePercent", 150);
        m.put("windows", List.of(Map.of("days", List.of("Someday"), "start", "25:00", "end", "04:00",
                "timeZone", "Mars/Olympus")));
        m.put("changeCalendar", "x");
        m.put("ecsAgentVersion", "1.90.0");
        m.put("surprise", 1);
        m.put("onTimeout", "keep");
        m.put("requestId", "r".repeat(59));

        assertThat(problems(m)).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactlyInAnyOrder(
                "surprise", "requestId", "nodes", "ecsAgentVersion", "batchSize", "maxUnavailablePercent",
                "windows[0].days", "windows[0].start", "windows[0].timeZone", "changeCalendar", "onTimeout");
    }

    @Test
    void targetsAreBounded() {
        Map<String, Object> m = deregister();
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= RolloutRequest.MAX_TARGETS; i++) {
            many.add("n-" + i);
        }
        m.put("nodes", many);
        assertThat(problems(m)).containsExactly("nodes: must name at most 500 nodes");

        m.put("nodes", List.of("n-1", "n-1", "bad node"));
        assertThat(problems(m)).containsExactly("nodes[1]: is named twice",
                "nodes[2]: must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    @Test
    void onlyARolloutIsReadHere() {
        assertThat(RolloutValidator.isRollout(deregister())).isTrue();
        assertThat(RolloutValidator.isRollout(Map.of("action", "register"))).isFalse();
        assertThat(RolloutValidator.isRollout(null)).isFalse();
    }
}
