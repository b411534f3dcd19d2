package dev.ecsa.functions.drain;

import dev.ecsa.core.deregister.CleanupReport;
import dev.ecsa.core.deregister.CleanupScript;
import dev.ecsa.functions.host.HostScripts;
import dev.ecsa.functions.host.ResultLine;
import java.util.Map;

/**
 * The cleanup script port backed by {@code cleanup.sh}: the template has no placeholders (it needs no value from a
 * request), so it is rendered once; its {@code ECSA_RESULT} line is read by the same parser as the bootstrap's.
 */
public final class HostScriptsCleanup implements CleanupScript {

    private final String text = HostScripts.cleanup().render(Map.of());

    @Override
    public String text() {
        return text;
    }

    @Override
    public CleanupReport interpret(dev.ecsa.core.port.ScriptResult run) {
        ResultLine result = ResultLine.parse(run, "the cleanup script");
        return new CleanupReport(result.ok(), result.reason(), result.stopped(), result.removed(),
                result.alreadyAbsent(), result.kept(), result.failed());
    }
}
