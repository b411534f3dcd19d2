package dev.ecsa.core.deregister;

import dev.ecsa.core.port.ScriptResult;

/**
 * The host cleanup script (a port: the script text and its result format live with the other host scripts in
 * {@code functions}). It stops and removes the ECS and SSM agents and their state; every step checks before it acts,
 * so a second run finds the work done.
 */
public interface CleanupScript {

    /** The script text to pipe to {@code sudo -n bash -s}. Contains no secret. */
    String text();

    /**
     * Reads the script's result line.
     *
     * @throws dev.ecsa.core.error.PermanentException SCRIPT_OUTPUT_INVALID if there is no well-formed result line
     */
    CleanupReport interpret(ScriptResult result);
}
