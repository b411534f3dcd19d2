package dev.ecsa.functions.intake;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.restart.RestartScript;
import dev.ecsa.functions.host.HostScripts;
import dev.ecsa.functions.host.ResultLine;
import java.util.Map;

/**
 * The restart script port backed by {@code restart-agents.sh}: no placeholders (it needs no value from a request),
 * rendered once; its {@code ECSA_RESULT} line is read by the parser the other host scripts share.
 */
public final class HostScriptsRestart implements RestartScript {

    private final String text = HostScripts.restartAgents().render(Map.of());

    @Override
    public String text() {
        return text;
    }

    @Override
    public Report interpret(ScriptResult run) {
        ResultLine result;
        try {
            result = ResultLine.parse(run.stdoutTail());
        } catch (ResultLine.MalformedScriptOutputException e) {
            // Typically sudo refusing (no passwordless sudo); the host's own output is third-party text, not quoted.
            throw new PermanentException(Reason.SCRIPT_OUTPUT_INVALID,
                    "the restart script exited with status " + run.exitCode() + ": " + e.getMessage());
        }
        return new Report(result.ok(), result.restarted(), result.failed());
    }
}
