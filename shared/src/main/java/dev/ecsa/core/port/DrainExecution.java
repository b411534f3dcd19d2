package dev.ecsa.core.port;

import java.util.Objects;

/**
 * A drain workflow execution as Step Functions describes it.
 *
 * @param input   the execution's input (its timeout policy and deadline), or {@code null} if it could not be read
 * @param running whether it is still running (status RUNNING); any other status means it ended
 */
public record DrainExecution(String requestId, DrainStart input, boolean running) {

    public DrainExecution {
        Objects.requireNonNull(requestId, "requestId");
    }
}
