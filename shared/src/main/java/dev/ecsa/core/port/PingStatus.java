package dev.ecsa.core.port;

/** The SSM agent's connection status as SSM reports it. */
public enum PingStatus {
    /** The agent is connected. */
    ONLINE,
    /** The agent has not pinged for a while. */
    CONNECTION_LOST,
    /** Deprecated SSM status; treated like {@link #CONNECTION_LOST}. */
    INACTIVE,
    /** A value this code does not know. */
    UNKNOWN
}
