package dev.ecsa.core.fleet;

/**
 * How many container instances of one cluster may be unavailable at once (DRAINING, or taken out by the rollout),
 * counting drains that other requests started: at most {@code maxUnavailable} nodes and at most
 * {@code maxUnavailablePercent} of the cluster's container instances, whichever is smaller; an unset limit does not
 * apply. A percentage rounds up, as a Kubernetes PodDisruptionBudget's {@code maxUnavailable} does, so a small cluster
 * still lets one node go.
 *
 * @param maxUnavailable        nodes, at least 1, or {@code null}
 * @param maxUnavailablePercent 1 to 100, or {@code null}
 */
public record DisruptionBudget(Integer maxUnavailable, Integer maxUnavailablePercent) {

    /** The default: one node per cluster at a time. */
    public static final DisruptionBudget ONE_AT_A_TIME = new DisruptionBudget(1, null);

    public DisruptionBudget {
        if (maxUnavailable == null && maxUnavailablePercent == null) {
            throw new IllegalArgumentException("a disruption budget needs maxUnavailable or maxUnavailablePercent");
        }
        if (maxUnavailable != null && maxUnavailable < 1) {
            throw new IllegalArgumentException("maxUnavailable must be at least 1");
        }
        if (maxUnavailablePercent != null && (maxUnavailablePercent < 1 || maxUnavailablePercent > 100)) {
            throw new IllegalArgumentException("maxUnavailablePercent must be 1 to 100");
        }
    }

    /** How many of a cluster of {@code instances} container instances may be unavailable at once. */
    public int allowed(int instances) {
        int allowed = Integer.MAX_VALUE;
        if (maxUnavailable != null) {
            allowed = maxUnavailable;
        }
        if (maxUnavailablePercent != null) {
            allowed = Math.min(allowed, (int) ((long) instances * maxUnavailablePercent + 99) / 100);
        }
        return Math.max(0, Math.min(allowed, instances));
    }

    @Override
    public String toString() {
        if (maxUnavailable != null && maxUnavailablePercent != null) {
            return "at most " + maxUnavailable + " nodes and " + maxUnavailablePercent + "% unavailable per cluster";
        }
        return maxUnavailable != null ? "at most " + maxUnavailable + " unavailable per cluster"
                : "at most " + maxUnavailablePercent + "% unavailable per cluster";
    }
}
