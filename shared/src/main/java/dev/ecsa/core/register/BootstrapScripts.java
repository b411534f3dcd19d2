package dev.ecsa.core.register;

import dev.ecsa.core.port.ScriptResult;

/**
 * The bootstrap script as the registration sees it: rendered from domain values, and its result read back. The
 * template, its quoting rules and the result line's format live with the implementation (the host scripts in
 * {@code functions}); the use case only deals in {@link BootstrapInput} and {@link BootstrapReport}.
 */
public interface BootstrapScripts {

    /**
     * The script text to pipe to the host's shell. It carries the activation code: callers hand it to the remote host
     * and nowhere else.
     *
     * @throws dev.ecsa.core.error.PermanentException INTERNAL if a value cannot be embedded safely (validation
     *     should have made that impossible); the message never contains the code
     */
    String render(BootstrapInput input);

    /**
     * Reads what a run of the rendered script reported.
     *
     * @throws dev.ecsa.core.error.PermanentException SCRIPT_OUTPUT_INVALID when the output holds no well-formed
     *     result, SUDO_DENIED when the run never started because {@code sudo -n} was refused
     */
    BootstrapReport parse(ScriptResult result);
}
