package dev.ecsa.local.mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalModeMainTest {

    private final LocalModeSettings base = LocalModeSettings.defaults(Path.of("/repo"));

    @Test
    void theDefaultsAreTheStacksShortestDrainSettingsAndTheStateFileIsUnderTheRepository() {
        assertThat(base.hosts()).isEqualTo(3);
        assertThat(base.drainPoll()).isEqualTo(Duration.ofSeconds(5));
        assertThat(base.drainTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(base.stateFile()).isEqualTo(Path.of("/repo/.ecsa/local.json"));
    }

    @Test
    void optionsOverrideTheDefaults() {
        LocalModeSettings s = LocalModeMain.parse(new String[] {"--hosts", "5", "--drain-timeout", "90",
                "--drain-poll", "7", "--reconcile-every", "30"}, base);

        assertThat(s.hosts()).isEqualTo(5);
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.drainPoll()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.reconcileInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--hosts", "251"}, base))
                .hasMessageContaining("--hosts takes a number from 0 to 250");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-timeout"}, base))
                .hasMessageContaining("--drain-timeout needs a value");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--colour", "red"}, base))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-poll", "soon"}, base))
                .hasMessageContaining("not 'soon'");
        // The functions run as the stack deploys them: the stack's bounds for ecsa:drainTimeoutSeconds and
        // ecsa:drainPollSeconds hold here too.
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-timeout", "20"}, base))
                .hasMessageContaining("--drain-timeout takes a number from 60 to 3600");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-poll", "1"}, base))
                .hasMessageContaining("--drain-poll takes a number from 5 to 300");
        assertThatThrownBy(() -> base.withDrainPoll(Duration.ofSeconds(2)))
                .hasMessageContaining("ecsa:drainPollSeconds");
    }
}
