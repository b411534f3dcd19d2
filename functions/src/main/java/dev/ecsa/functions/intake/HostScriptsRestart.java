package dev.ecsa.functions.intake;

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
        ResultLine result = ResultLine.parse(run, "the restart script");
        return new Report(result.ok(), result.restarted(), result.failed());
    }
}
