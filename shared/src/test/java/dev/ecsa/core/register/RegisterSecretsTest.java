package dev.ecsa.core.register;


import dev.ecsa.core.event.NodeEvent;
import dev.ecsa.core.fakes.InMemoryHybridActivations;
import dev.ecsa.core.model.Outcome;
import dev.ecsa.core.port.ScriptRun;
import dev.ecsa.core.request.IntakeResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static dev.ecsa.core.register.RegisterWorld.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The activation code must reach the host's stdin and nothing else — even when the host echoes it back in every line
 * it prints. Everything a run leaves behind (request and node records, events, results, exceptions) is searched.
 */
class RegisterSecretsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"success", "install failure", "garbage output", "retryable failure"})
    void theActivationCodeAppearsOnlyInTheScript(String scenario) {
        RegisterWorld w = new RegisterWorld();
        w.host.leakCode = true;
        switch (scenario) {
            case "install failure" -> w.host.failure = "install:INSTALL_FAILED:INSTALL_FAILED";
            case "garbage output" -> w.host.garbage = true;
            case "retryable failure" -> w.host.failure = "wait:AGENT_NOT_READY:AGENT_NOT_REGISTERED";
            default -> { }
        }
        List<String> seen = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> {
            IntakeResult r = w.register(request("req-1", "node-1"), 1);
            seen.add(r.toString());
        });
        if (thrown != null) {
            seen.add(thrown.toString());
            seen.add(String.valueOf(thrown.getMessage()));
        }

        List<String> codes = w.activations.all().stream().map(a -> a.activation().code()).toList();
        assertThat(codes).hasSize(1);
        String code = codes.get(0);
        ScriptRun run = w.remote.runs().get(0);
        assertThat(run.script()).as("the code does reach the host").contains(code);
        seen.add(run.toString());
        seen.add(w.store.getRequest("req-1").orElseThrow().toString());
        seen.add(w.store.getNode("node-1").orElseThrow().toString());
        for (NodeEvent e : w.events.events()) {
            seen.add(e.toString());
            seen.add(e.detail().toString());
        }
        for (InMemoryHybridActivations.Stored a : w.activations.all()) {
            seen.add(a.activation().toString());
        }
        seen.add(w.scripts.rendered().get(0).toString());

        assertThat(seen).isNotEmpty().allSatisfy(text -> assertThat(text).doesNotContain(code));
        if (scenario.equals("success")) {
            assertThat(w.store.getRequest("req-1").orElseThrow().outcome()).isEqualTo(Outcome.REGISTERED);
        } else if (!scenario.equals("retryable failure")) {
            assertThat(w.store.getRequest("req-1").orElseThrow().failure().message()).contains("[REDACTED]");
        }
    }
}
