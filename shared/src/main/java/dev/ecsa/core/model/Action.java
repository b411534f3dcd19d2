package dev.ecsa.core.model;

import java.util.Locale;
import java.util.Optional;

/** What a node request asks for. */
public enum Action {
    /** Join the node to SSM and the ECS cluster. */
    REGISTER,
    /** Drain the node and remove it from ECS and SSM. */
    DEREGISTER,
    /** Restart the node's ECS and SSM agents over SSH, keeping its identity. */
    RESTART,
    /** Drain the node, upgrade its ECS and SSM agents in place over SSH, and set it ACTIVE again. */
    UPGRADE;

    /** The wire name ({@code register}, {@code deregister}, {@code restart}, {@code upgrade}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action with this exact wire name, if any. */
    public static Optional<Action> fromWireName(String value) {
        for (Action a : values()) {
            if (a.wireName().equals(value)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
