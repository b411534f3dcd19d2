package dev.ecsa.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BudgetsTest {

    @Test
    void aDisruptionBudgetTakesTheSmallerLimitAndRoundsAPercentageUp() {
        assertThat(new DisruptionBudget(2, null).allowed(30)).isEqualTo(2);
        assertThat(new DisruptionBudget(null, 10).allowed(30)).isEqualTo(3);
        assertThat(new DisruptionBudget(null, 10).allowed(3)).as("10% of 3 rounds up to 1").isEqualTo(1);
        assertThat(new DisruptionBudget(5, 10).allowed(30)).isEqualTo(3);
        assertThat(new DisruptionBudget(5, 50).allowed(30)).isEqualTo(5);
        assertThat(new DisruptionBudget(5, null).allowed(2)).as("never more than the cluster").isEqualTo(2);
        assertThat(new DisruptionBudget(1, null).allowed(0)).isZero();
        assertThatThrownBy(() -> new DisruptionBudget(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DisruptionBudget(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DisruptionBudget(null, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErrorBudgetIsExceededByMoreFailuresThanItAllows() {
        assertThat(ErrorBudget.HALT_AT_FIRST_FAILURE.exceeded(0, 10)).isFalse();
        assertThat(ErrorBudget.HALT_AT_FIRST_FAILURE.exceeded(1, 10)).isTrue();
        assertThat(new ErrorBudget(2, null).exceeded(2, 10)).isFalse();
        assertThat(new ErrorBudget(2, null).exceeded(3, 10)).isTrue();
        assertThat(new ErrorBudget(null, 10).exceeded(3, 30)).as("exactly 10%").isFalse();
        assertThat(new ErrorBudget(null, 10).exceeded(4, 30)).isTrue();
        assertThat(new ErrorBudget(5, 10).exceeded(4, 30)).as("the percentage comes first").isTrue();
        assertThatThrownBy(() -> new ErrorBudget(-1, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
