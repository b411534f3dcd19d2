package dev.ecsa.functions.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.reconcile.ReconcileSettings;
import dev.ecsa.core.reconcile.RepairSettings;
import dev.ecsa.functions.FunctionsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileDepsTest {

    @Test
    void defaultsAreSafeFixesOnlyOnTheStacksCluster() {
        ReconcileSettings s = ReconcileDeps.settings(Map.of(), FunctionsConfig.from(Map.of("ECSA_CLUSTER", "edge")));
        assertThat(s.clusters()).containsExactly("edge");
        assertThat(s.safeFixes()).isTrue();
        assertThat(s.membershipFixes()).isFalse();
        assertThat(s.fixBudget()).isEqualTo(5);
        assertThat(s.defaultPolicy()).isEqualTo(TimeoutPolicy.REVERT);
        assertThat(s.repair()).isEqualTo(RepairSettings.reportOnly());
    }

    @Test
    void theRepairComesFromTheEnvironmentAndAMistypedSwitchFailsTheInit() {
        ReconcileSettings s = ReconcileDeps.settings(Map.of("ECSA_REPAIR_QUARANTINE", "true",
                "ECSA_REPAIR_UNHEALTHY_AFTER_SECONDS", "1800", "ECSA_REPAIR_MAX_UNHEALTHY_PERCENT", "25"),
                FunctionsConfig.from(Map.of()));
        assertThat(s.repair()).isEqualTo(new RepairSettings(Duration.ofMinutes(30), true, 25));
        ReconcileSettings restarts = ReconcileDeps.settings(Map.of("ECSA_REPAIR_RESTART", "true",
                "ECSA_REPAIR_STEP_AFTER_SECONDS", "0"), FunctionsConfig.from(Map.of()));
        assertThat(restarts.repair().restart()).isTrue();
        assertThat(restarts.repair().stepAfter()).isZero();
        assertThatThrownBy(() -> ReconcileDeps.settings(Map.of("ECSA_REPAIR_QUARANTINE", "on"),
                FunctionsConfig.from(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ECSA_REPAIR_QUARANTINE");
    }

    @Test
    void everySettingComesFromTheEnvironment() {
        ReconcileSettings s = ReconcileDeps.settings(Map.of("ECSA_RECONCILE_CLUSTERS", " a, b ,a",
                "ECSA_RECONCILE_SAFE_FIXES", "false", "ECSA_RECONCILE_MEMBERSHIP_FIXES", "true",
                "ECSA_RECONCILE_FIX_BUDGET", "2", "ECSA_RECONCILE_STUCK_AFTER_SECONDS", "7200",
                "ECSA_RECONCILE_GRACE_SECONDS", "60"), FunctionsConfig.from(Map.of("ECSA_ON_DRAIN_TIMEOUT", "keep")));
        assertThat(s.clusters()).isEqualTo(List.of("a", "b"));
        assertThat(s.safeFixes()).isFalse();
        assertThat(s.membershipFixes()).isTrue();
        assertThat(s.fixBudget()).isEqualTo(2);
        assertThat(s.stuckAfter()).isEqualTo(Duration.ofHours(2));
        assertThat(s.grace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.defaultPolicy()).isEqualTo(TimeoutPolicy.KEEP);
    }

    @Test
    void aMistypedSwitchFailsTheInit() {
        assertThatThrownBy(() -> ReconcileDeps.settings(Map.of("ECSA_RECONCILE_MEMBERSHIP_FIXES", "yes"),
                FunctionsConfig.from(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ECSA_RECONCILE_MEMBERSHIP_FIXES");
    }
}
