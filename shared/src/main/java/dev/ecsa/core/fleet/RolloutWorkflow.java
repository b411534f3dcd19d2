package dev.ecsa.core.fleet;

/** The rollout workflow (a Step Functions state machine). */
public interface RolloutWorkflow {

    /**
     * Starts the workflow of rollout {@code rolloutId}, with the rollout id as the execution's name: a second start of
     * the same rollout (a redelivered message) finds the execution and changes nothing.
     */
    void start(String rolloutId);
}
