package dev.ecsa.core.restart;

import dev.ecsa.core.port.ScriptResult;
import java.util.List;

/**
 * The script that restarts a node's agents in place (a port: its text and result format live with the other host
 * scripts in {@code functions}). It needs no value from the request.
 */
public interface RestartScript {

    /** What the script reports: whether every installed agent unit was restarted and is active, and which. */
    record Report(boolean ok, List<String> restarted, List<String> failed) {
        public Report {
            restarted = List.copyOf(restarted);
            failed = List.copyOf(failed);
        }
    }

    /** The script text to pipe to {@code sudo -n bash -s}. Contains no secret. */
    String text();

    /**
     * Reads the script's result line.
     *
     * @throws dev.ecsa.core.error.PermanentException SCRIPT_OUTPUT_INVALID if there is no well-formed result line
     */
    Report interpret(ScriptResult result);
}
