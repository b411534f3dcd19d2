package dev.ecsa.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetVersionsTest {

    @ParameterizedTest(name = "{0} behind {1}: {2}")
    @CsvSource({
            "1.82.0, 1.90.0, true",
            "1.90.0, 1.90.0, false",
            "1.90, 1.90.0, false",
            "1.9.0, 1.10.0, true",
            "1.100.0, 1.90.0, false",
            "3.3.0.0-sim, 3.3.1957.0, true",
            "v1.89.2, 1.90.0, true",
            "3.3.1957.0, 3.3.1957.0, false",
            "unknown, 1.90.0, false",
            "'', 1.90.0, false",
            "1..2, 1.90.0, false"})
    void versionsCompareAsNumbers(String version, String target, boolean behind) {
        assertThat(TargetVersions.isBehind(version, target)).isEqualTo(behind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1", "1.2.3.4.5", "1.90.0-beta", "1.90.0; rm -rf /", " 1.2"})
    void aTargetMustBeTwoToFourNumbers(String target) {
        assertThatThrownBy(() -> new TargetVersions(target, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two to four dot-separated numbers");
    }

    @org.junit.jupiter.api.Test
    void behindNamesEachComponentAndSkipsTheUnknown() {
        TargetVersions t = new TargetVersions("1.90.0", "3.3.1957.0");
        assertThat(t.behind(new AgentVersions("3.2.0.0", "1.82.0", null)))
                .containsExactly("ECS agent 1.82.0, target 1.90.0", "SSM agent 3.2.0.0, target 3.3.1957.0");
        assertThat(t.behind(new AgentVersions(null, "1.90.1", null))).isEmpty();
        assertThat(TargetVersions.none().behind(new AgentVersions("1", "1", null))).isEmpty();
        assertThat(new TargetVersions("", " ").noTargets()).isTrue();
    }
}
