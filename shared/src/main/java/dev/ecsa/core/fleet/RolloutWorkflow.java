package dev.ecsa.core.fleet;

/** The rollout workflow (a Step Functions state machine). */
public interface RolloutWorkflow {

    /**
     * Starts the workflow of rollout {@code rolloutId}, with the rollout id as the execution's name: a second start of
     * the same rollout (a redelivered message) finds the execution and changes nothing.
     */
    void start(String rolloutId);

    /**
     * Starts execution {@code generation} (from 1) of rollout {@code rolloutId}'s workflow, named
     * {@code <rolloutId>-g<generation>}: the running execution hands the rollout over before its history grows past
     * what a Standard execution keeps. Idempotent by the name, as {@link #start}.
     */
    void continueAs(String rolloutId, int generation);
}
