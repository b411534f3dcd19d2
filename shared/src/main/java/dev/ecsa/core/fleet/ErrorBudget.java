package dev.ecsa.core.fleet;

/**
 * When a rollout halts: once more than {@code maxFailures} targets failed, or more than {@code maxFailurePercent} of
 * all targets, whichever comes first (SSM Run Command's MaxErrors: 0 halts at the first failure). An unset limit does
 * not apply; at least one is set.
 *
 * @param maxFailures       failures tolerated, 0 or more, or {@code null}
 * @param maxFailurePercent 0 to 100, or {@code null}
 */
public record ErrorBudget(Integer maxFailures, Integer maxFailurePercent) {

    /** The default: halt at the first failure. */
    public static final ErrorBudget HALT_AT_FIRST_FAILURE = new ErrorBudget(0, null);

    public ErrorBudget {
        if (maxFailures == null && maxFailurePercent == null) {
            throw new IllegalArgumentException("an error budget needs maxFailures or maxFailurePercent");
        }
        if (maxFailures != null && maxFailures < 0) {
            throw new IllegalArgumentException("maxFailures must not be negative");
        }
        if (maxFailurePercent != null && (maxFailurePercent < 0 || maxFailurePercent > 100)) {
            throw new IllegalArgumentException("maxFailurePercent must be 0 to 100");
        }
    }

    /** Whether {@code failures} of {@code targets} exceed the budget. */
    public boolean exceeded(int failures, int targets) {
        if (maxFailures != null && failures > maxFailures) {
            return true;
        }
        return maxFailurePercent != null && (long) failures * 100 > (long) maxFailurePercent * targets;
    }

    @Override
    public String toString() {
        if (maxFailures != null && maxFailurePercent != null) {
            return "halt after more than " + maxFailures + " failures or " + maxFailurePercent + "% of targets";
        }
        return maxFailures != null ? "halt after more than " + maxFailures + " failures"
                : "halt after more than " + maxFailurePercent + "% of targets failed";
    }
}
