package dev.ecsa.core.fleet;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a rollout does to each of its nodes, through the node's own request. */
public enum RolloutAction {
    REGISTER,
    DEREGISTER,
    UPGRADE;

    /** Whether the action drains the node's container instance (then budgets and capacity apply). */
    public boolean drains() {
        return this != REGISTER;
    }

    /** The name on the wire ({@code deregister}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code wire}, if any. */
    public static Optional<RolloutAction> fromWireName(String wire) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(wire)).findFirst();
    }
}
