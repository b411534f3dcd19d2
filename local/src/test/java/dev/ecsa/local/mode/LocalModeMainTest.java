package dev.ecsa.local.mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalModeMainTest {

    private final LocalModeSettings base = LocalModeSettings.defaults(Path.of("/repo"));

    @Test
    void theDefaultsShortenTheStacksWaitsAndWriteTheStateFileUnderTheRepository() {
        assertThat(base.hosts()).isEqualTo(3);
        assertThat(base.drainPoll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(base.drainTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(base.stateFile()).isEqualTo(Path.of("/repo/.ecsa/local.json"));
    }

    @Test
    void optionsOverrideTheDefaults() {
        LocalModeSettings s = LocalModeMain.parse(new String[] {"--hosts", "5", "--drain-timeout", "45",
                "--drain-poll", "2", "--reconcile-every", "30"}, base);

        assertThat(s.hosts()).isEqualTo(5);
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.drainPoll()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.reconcileInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--hosts", "21"}, base))
                .hasMessageContaining("--hosts takes a number from 0 to 20");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-timeout"}, base))
                .hasMessageContaining("--drain-timeout needs a value");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--colour", "red"}, base))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> LocalModeMain.parse(new String[] {"--drain-poll", "soon"}, base))
                .hasMessageContaining("not 'soon'");
    }
}
